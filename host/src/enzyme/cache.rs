//! Compiled components cached on disk.
//!
//! Key: the component's sha256 plus a hash of the engine's compatibility
//! hash (wasmtime version, compiler settings, CPU features), so a changed
//! engine never loads a stale artefact. Files are written aside and renamed
//! into place. Only artefacts this host wrote are ever deserialised — never
//! `.cwasm` files from enzyme authors.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;
use wasmtime::component::Component;
use wasmtime::{Engine, Precompiled};

/// How a component was obtained.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CompileStats {
    pub from_cache: bool,
    pub millis: f64,
}

/// The cache directory (None disables caching).
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

impl CompileCache {
    pub fn new(dir: Option<PathBuf>) -> Self {
        CompileCache { dir }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn path_for(&self, engine: &Engine, sha256: &str) -> Option<PathBuf> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut h);
        Some(self.dir.as_ref()?.join(format!("{sha256}-{:016x}.cwasm", h.finish())))
    }

    /// The compiled component for `bytes`, from the cache when possible.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<(Component, CompileStats)> {
        let start = Instant::now();
        let path = self.path_for(engine, sha256);
        // Read the artefact into memory rather than mapping the file: a file
        // replaced or truncated under a mapping would fault the process.
        if let Some(path) = &path
            && let Ok(art) = std::fs::read(path)
            && let Some(Precompiled::Component) = Engine::detect_precompiled(&art)
        {
            // SAFETY: the artefact is one this host wrote for this engine
            // configuration (its name carries both digests); a corrupt or
            // foreign one fails deserialisation's header checks and is
            // recompiled below.
            match unsafe { Component::deserialize(engine, &art) } {
                Ok(c) => {
                    return Ok((c, CompileStats { from_cache: true, millis: ms(start) }));
                }
                Err(e) => tracing::warn!("compiled cache {} unusable, recompiling: {e}", path.display()),
            }
        }
        let component = Component::new(engine, bytes)?;
        if let Some(path) = &path
            && let Err(e) = write_atomic(path, &component.serialize()?)
        {
            tracing::warn!("could not write compiled cache {}: {e}", path.display());
        }
        Ok((component, CompileStats { from_cache: false, millis: ms(start) }))
    }
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The default cache root: `$LOGLINE_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/logline`, else `~/.cache/logline`.
pub fn default_cache_root() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOGLINE_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("logline"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("logline"))
}
