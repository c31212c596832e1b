//! # prompt-variants
//!
//! Rewords the question in a span's `this` with fixed rules ("How do I X?"
//! → "What is the best way to X?") and returns the rewordings as variant
//! spans (`<id>~pv1`, `<id>~pv2`, …) after the span itself. Only the
//! question's sentence changes; the rest of `this` (context, code) is kept
//! as it is. No model: the same span and `seed` always give the same
//! variants. A span with no question a rule fits passes unchanged.
//!
//! `logline selfplay` uses it for its prompt variations; in a Phase 1
//! manifest it is a data augmentation (the variants keep the answer).
//!
//! Config: `max_variants` (default 2, at most 8), `seed` (default 0: which
//! of a rule's templates comes first).

mod rules;

pub use rules::{RULES, rewrite, variants_of};

use logline_sdk::prelude::*;
use serde::Deserialize;

/// `[[enzyme]] config = { … }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub max_variants: usize,
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config { max_variants: 2, seed: 0 }
    }
}

/// The most variants per span.
pub const MAX_VARIANTS: usize = 8;

pub struct PromptVariants {
    config: Config,
}

impl Enzyme for PromptVariants {
    type Config = Config;

    fn info() -> Info {
        Info::new(
            "prompt-variants",
            "0.1.0",
            "Adds rule-based rewordings of a span's question as variant spans (ids <id>~pvN)",
        )
    }

    fn new(config: Config) -> Result<Self, Error> {
        if config.max_variants > MAX_VARIANTS {
            return Err(Error::invalid_config(format!(
                "prompt-variants: `max_variants` must be at most {MAX_VARIANTS}, got {}",
                config.max_variants
            )));
        }
        Ok(PromptVariants { config })
    }

    fn process(&self, span: &mut Span, _cx: &mut Cx<'_>) -> Result<Outcome, Error> {
        let texts = variants_of(&span.id, &span.this, self.config.seed, self.config.max_variants);
        if texts.is_empty() {
            return Ok(Outcome::Keep);
        }
        let mut out = vec![span.clone()];
        for (n, text) in texts.into_iter().enumerate() {
            let mut v = span.clone();
            v.id = format!("{}~pv{}", span.id, n + 1);
            v.this = text;
            out.push(v);
        }
        Ok(Outcome::Variants(out))
    }
}

export_enzyme!(PromptVariants);
