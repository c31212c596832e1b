//! # semantic-enricher
//!
//! Adds a top-level `enrichment` object to each span: the intent of its
//! action, the technologies, code identifiers and files it names, the tags
//! the host computed, and its nearest spans in the index. The text of the
//! span is never touched. See README.md for the configuration.

// The manifest's `config` table.
mod config;

// Markdown pieces: fenced code and inline code.
mod markdown;

// Technologies: the alias table and its matcher.
mod tech;

// Identifiers and file names.
mod entities;

// The `enrichment` object, assembled.
mod enrich;

pub use config::Config;
pub use enrich::{Enricher, INTENTS, KEY};
pub use tech::TECHNOLOGIES;

use logline_sdk::prelude::*;

/// The enzyme: tables and matchers built once from the configuration.
pub struct SemanticEnricher {
    enricher: Enricher,
}

impl Enzyme for SemanticEnricher {
    type Config = Config;

    fn info() -> Info {
        Info::new(
            "semantic-enricher",
            "0.1.0",
            "Adds an `enrichment` object: intent, key entities (technologies, identifiers, files), tags, related spans",
        )
    }

    fn new(config: Config) -> Result<Self, Error> {
        Ok(SemanticEnricher { enricher: Enricher::new(config)? })
    }

    fn process(&self, span: &mut Span, cx: &mut Cx<'_>) -> Result<Outcome, Error> {
        self.enricher.process(span, cx);
        Ok(Outcome::Keep)
    }
}

export_enzyme!(SemanticEnricher);
