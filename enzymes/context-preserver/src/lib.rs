//! # context-preserver
//!
//! Makes a span self-contained: when it belongs to a thread
//! (`context.thread_id`, or a non-empty `context.previous_spans`), the
//! earlier spans the host knows of that thread are written, shortened, under
//! `context.thread`, oldest first. Outside a thread the span is untouched.
//! See README.md for the configuration.

// The manifest's `config` table.
mod config;

// The work: look up the thread and shape `context.thread`.
mod preserve;

pub use config::Config;
pub use preserve::{Membership, membership, shorten};

use logline_sdk::prelude::*;

/// The enzyme: a checked configuration.
pub struct ContextPreserver {
    config: Config,
}

impl Enzyme for ContextPreserver {
    type Config = Config;

    fn info() -> Info {
        Info::new(
            "context-preserver",
            "0.1.0",
            "Copies the earlier spans of a span's thread (ids, short query/response) into context.thread",
        )
    }

    fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        Ok(ContextPreserver { config })
    }

    fn process(&self, span: &mut Span, cx: &mut Cx<'_>) -> Result<Outcome, Error> {
        preserve::preserve(&self.config, span, cx);
        Ok(Outcome::Keep)
    }
}

export_enzyme!(ContextPreserver);
