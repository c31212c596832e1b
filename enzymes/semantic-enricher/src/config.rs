//! The `config` table of the manifest, checked once in `Enzyme::new`.

use logline_sdk::Error;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The most neighbours the host answers (`host.neighbours` caps `k` at 100).
pub const MAX_RELATED_K: u32 = 100;

/// `[[enzyme]] config = { … }` for `semantic-enricher`. See the README.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `did` → intent, on top of the built-in table (an entry here wins).
    pub intents: BTreeMap<String, String>,
    /// The intent of a `did` found in neither table.
    pub default_intent: String,
    /// Canonical technology name → aliases, on top of the built-in table.
    /// The name is an alias of itself. A name already in the table gains the
    /// aliases.
    pub technologies: BTreeMap<String, Vec<String>>,
    /// How many nearest spans to ask the host for (0 = none), up to 100.
    pub related_k: u32,
    /// Neighbours less similar than this are left out (-1.0..=1.0).
    pub min_similarity: f32,
    /// The most entries in each `key_entities` list.
    pub max_entities: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            intents: BTreeMap::new(),
            default_intent: "explain".into(),
            technologies: BTreeMap::new(),
            related_k: 5,
            min_similarity: 0.0,
            max_entities: 20,
        }
    }
}

impl Config {
    /// Reject values the enzyme cannot honour.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::invalid_config(format!("semantic-enricher: {m}")));
        if self.related_k > MAX_RELATED_K {
            return bad(format!("`related_k` must be 0..={MAX_RELATED_K}, got {}", self.related_k));
        }
        if !(-1.0..=1.0).contains(&self.min_similarity) {
            return bad(format!("`min_similarity` must be in -1.0..=1.0, got {}", self.min_similarity));
        }
        if self.default_intent.trim().is_empty() {
            return bad("`default_intent` must not be empty".into());
        }
        for (did, intent) in &self.intents {
            if intent.trim().is_empty() {
                return bad(format!("`intents.{did}` must not be empty"));
            }
        }
        for (name, aliases) in &self.technologies {
            if name.trim().is_empty() {
                return bad("`technologies` has an empty name".into());
            }
            if let Some(a) = aliases.iter().find(|a| a.trim().is_empty() || !a.is_ascii()) {
                return bad(format!("`technologies.{name}`: alias {a:?} must be non-empty ASCII"));
            }
        }
        Ok(())
    }
}
