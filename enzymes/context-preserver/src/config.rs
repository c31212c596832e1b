//! The `config` table of the manifest, checked once in `Enzyme::new`.

use logline_sdk::Error;
use serde::Deserialize;

/// The most earlier spans the host hands out per call (`host.thread` caps `limit` at 50).
pub const MAX_WINDOW: u32 = 50;

/// `[[enzyme]] config = { … }` for `context-preserver`. See the README.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How many earlier spans of the thread to keep (the most recent ones), 1..=50.
    pub window: u32,
    /// `this` / `if_ok` of each earlier span are cut to this many characters
    /// (the cut ends in "…"), at least 2.
    pub max_chars: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { window: 3, max_chars: 280 }
    }
}

impl Config {
    /// Reject values the enzyme cannot honour.
    pub fn validate(&self) -> Result<(), Error> {
        if self.window == 0 || self.window > MAX_WINDOW {
            return Err(Error::invalid_config(format!(
                "context-preserver: `window` must be 1..={MAX_WINDOW}, got {}",
                self.window
            )));
        }
        if self.max_chars < 2 {
            return Err(Error::invalid_config(format!(
                "context-preserver: `max_chars` must be at least 2, got {}",
                self.max_chars
            )));
        }
        Ok(())
    }
}
