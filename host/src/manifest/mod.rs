//! The enzyme manifest (SPEC §3.1): parse and validate `enzymes.toml`.
//!
//! This module only reads TOML. Loading the components (paths, digests,
//! compilation) is [`crate::enzyme::load`]'s job. Every error names the file
//! and the line and column of the offending key.

mod error;
mod schema;

pub use error::ManifestError;
pub(crate) use error::line_col;
pub use schema::{
    BUILTINS, DEFAULT_QUALITY_GATE, EnzymeEntry, Limits, Manifest, OnError, PipelineSection, Role, Source, When,
    WhenFacts, check_gate,
};

use std::path::{Path, PathBuf};

/// The manifest bundled in the binary: the four built-ins in their default
/// order (same text as `examples/enzymes.toml`).
pub const DEFAULT_MANIFEST: &str = include_str!("../../../examples/enzymes.toml");

/// Where a manifest came from, for messages and relative paths.
#[derive(Debug, Clone)]
pub enum Origin {
    File(PathBuf),
    Bundled,
}

impl Origin {
    /// The name used in messages.
    pub fn display_name(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Bundled => "<bundled default manifest>".into(),
        }
    }

    /// The directory relative paths are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        match self {
            Origin::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            Origin::Bundled => PathBuf::from("."),
        }
    }
}

/// Read and validate a manifest file.
pub fn load_file(path: &Path) -> Result<Manifest, ManifestError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ManifestError::Read { path: path.to_path_buf(), source: e })?;
    parse(&text, Origin::File(path.to_path_buf()))
}

/// The bundled default manifest.
pub fn bundled() -> Manifest {
    parse(DEFAULT_MANIFEST, Origin::Bundled).expect("the bundled manifest is valid (tested)")
}

/// Parse manifest text.
pub fn parse(text: &str, origin: Origin) -> Result<Manifest, ManifestError> {
    schema::parse(text, origin)
}
