//! # syntax-optimizer
//!
//! Tidies the code in a span's response (`if_ok`) without changing what it
//! means: fences code pasted into prose (and a lone unfenced diff, whole),
//! labels fences with their language, trims and re-indents code in
//! whitespace-insensitive languages, pretty-prints one-line JSON, closes a
//! fence left open. No edit ever changes a non-whitespace character; diffs,
//! prose and whitespace-significant code (Python, YAML, Makefile…) keep
//! every byte. See README.md for the rules and the configuration.

// The manifest's `config` table.
mod config;

// Language labels and detection.
mod lang;

// Unified diffs: recognised first, never edited inside.
mod diff;

// Which whitespace in a code block lies between tokens.
mod lex;

// Unfenced code in prose.
mod detect;

// Re-indenting JSON token by token.
mod json;

// Whitespace edits inside a code block.
mod code;

// The pass over a whole response.
mod tidy;

// The span, the pass and the change log.
mod optimize;

#[cfg(test)]
mod corpus;

#[cfg(test)]
mod real;

pub use config::Config;
pub use tidy::{Report, tidy};

use logline_sdk::prelude::*;

/// The enzyme: a checked configuration.
pub struct SyntaxOptimizer {
    config: Config,
}

impl Enzyme for SyntaxOptimizer {
    type Config = Config;

    fn info() -> Info {
        Info::new(
            "syntax-optimizer",
            "0.1.0",
            "Tidies code in responses (fences, language labels, whitespace, JSON) without changing a code token",
        )
    }

    fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        Ok(SyntaxOptimizer { config })
    }

    fn process(&self, span: &mut Span, cx: &mut Cx<'_>) -> Result<Outcome, Error> {
        optimize::process(&self.config, span, cx);
        Ok(Outcome::Keep)
    }
}

export_enzyme!(SyntaxOptimizer);
