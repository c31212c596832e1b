//! `security`: finds secrets in every text field of a span and replaces each
//! with `[REDACTED:<kind>]`. See README.md for the kinds and the config keys.
//!
//! This file is only the SDK glue; the logic lives in plain modules that are
//! tested natively: [`rules`] (the table), [`providers`] (secrets known by
//! the provider their key names), [`prefilter`] (one pass for every rule
//! trigger), [`scan`] (matching, overlap resolution, redaction),
//! [`literal`] (is a value a literal, not code), [`heuristics`] and
//! [`entropy`] (judging values), [`walk`] (span fields, change records),
//! [`config`] (the validated `config` table).

pub mod config;
pub mod entropy;
pub mod heuristics;
pub mod kinds;
pub mod literal;
pub mod prefilter;
pub mod providers;
pub mod rules;
pub mod scan;
pub mod walk;

use logline_sdk::prelude::*;

pub use config::Config;
pub use kinds::Kind;
pub use scan::Scanner;

/// Findings logged one by one per span; past this, one summary line.
const MAX_LOGGED_FINDINGS: usize = 32;

/// The enzyme: a compiled scanner.
pub struct Security {
    scanner: Scanner,
}

impl Security {
    /// The scanner (for tests and benches).
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }
}

impl Enzyme for Security {
    type Config = Config;

    fn info() -> Info {
        Info::new(
            "security",
            env!("CARGO_PKG_VERSION"),
            "Redacts secrets (cloud keys, VCS/registry/SaaS tokens, JWTs, private keys, passwords) in every text field",
        )
    }

    fn new(config: Config) -> Result<Self, Error> {
        let opts = config.into_options().map_err(|m| Error::invalid_config(format!("security: {m}")))?;
        let scanner = Scanner::new(opts).map_err(|m| Error::internal(format!("security: {m}")))?;
        Ok(Security { scanner })
    }

    fn process(&self, span: &mut Span, cx: &mut Cx<'_>) -> Result<Outcome, Error> {
        let reports = walk::redact_span(&self.scanner, span);
        let mut logged = 0;
        let mut total = 0;
        for r in &reports {
            for f in &r.findings {
                total += 1;
                if logged < MAX_LOGGED_FINDINGS {
                    logged += 1;
                    cx.log(
                        Level::Info,
                        &format!("redacted {} in {} at bytes {}..{}", f.kind.name(), r.location, f.start, f.end),
                    );
                }
            }
            cx.record(ChangeKind::Modification, &r.location, &r.description()).before(&r.before).after(&r.after);
        }
        if total > logged {
            cx.log(Level::Info, &format!("redacted {} more secrets (not logged one by one)", total - logged));
        }
        Ok(Outcome::Keep)
    }
}

// Exported only for the component build: a native cdylib cannot carry the
// component-model symbol names (`logline:enzyme/processor@…#info`) in its
// linker version script, and native tests need only the rlib.
#[cfg(target_arch = "wasm32")]
export_enzyme!(Security);
