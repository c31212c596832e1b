//! The `config` table of the manifest, validated into scanner options.

use crate::kinds::Kind;
use crate::scan::Options;
use regex::Regex;
use serde::Deserialize;

/// The default marker.
pub const DEFAULT_REDACT_WITH: &str = "[REDACTED:{kind}]";
pub const DEFAULT_MIN_SECRET_LEN: usize = 6;
pub const DEFAULT_ENTROPY_THRESHOLD: f64 = 3.0;

/// Documented example credentials that look real but are published by their
/// vendors; never redacted unless `default_allow = false`.
pub const DEFAULT_ALLOW: &[&str] = &[
    // AWS documentation
    "AKIAIOSFODNN7EXAMPLE",
    "AKIAI44QH8DHBEXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    // any candidate ending in EXAMPLE / EXAMPLEKEY (the AWS docs convention)
    "re:EXAMPLE(?:KEY)?$",
    // the jwt.io example token
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    // Stripe documentation test keys
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_test_26PHem9AhJZvU623DfE1x4sd",
    // Telegram Bot API documentation
    "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    // Azurite / Azure storage emulator well-known key
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
];

/// The manifest's `config` table for `security`. Every key is optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Marker written in place of a secret; `{kind}` becomes the kind.
    pub redact_with: Option<String>,
    /// Extra values never redacted: literal strings, or regexes as `re:<regex>`.
    pub allow: Option<Vec<String>>,
    /// Keep the built-in allow-list of documented example keys (default true).
    pub default_allow: Option<bool>,
    /// Only these kinds are detected (default: all).
    pub kinds: Option<Vec<String>>,
    /// Bits per character a word needs for the entropy heuristic (default 3.0).
    pub entropy_threshold: Option<f64>,
    /// Shortest value keyword rules report (default 6).
    pub min_secret_len: Option<usize>,
}

impl Config {
    /// Check every value and build scanner options. Errors name the key.
    pub fn into_options(self) -> Result<Options, String> {
        let redact_with = self.redact_with.unwrap_or_else(|| DEFAULT_REDACT_WITH.to_string());
        if redact_with.is_empty() || redact_with.len() > 200 {
            return Err("`redact_with` must be a non-empty string of at most 200 bytes".into());
        }
        let enabled = match self.kinds {
            None => Kind::ALL.iter().copied().filter(|k| k.on_by_default()).collect(),
            Some(list) => {
                if list.is_empty() {
                    return Err("`kinds` is empty: list at least one kind, or leave the key out for all".into());
                }
                let mut out = Vec::new();
                for name in &list {
                    let k = Kind::from_name(name).ok_or_else(|| {
                        format!(
                            "`kinds`: unknown kind `{name}` (known: {})",
                            Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
                        )
                    })?;
                    out.push(k);
                }
                out
            }
        };
        let entropy_threshold = self.entropy_threshold.unwrap_or(DEFAULT_ENTROPY_THRESHOLD);
        if !(0.0..=8.0).contains(&entropy_threshold) {
            return Err(format!(
                "`entropy_threshold` must be between 0 and 8 bits per character, got {entropy_threshold}"
            ));
        }
        let min_secret_len = self.min_secret_len.unwrap_or(DEFAULT_MIN_SECRET_LEN);
        if !(1..=1024).contains(&min_secret_len) {
            return Err(format!("`min_secret_len` must be between 1 and 1024, got {min_secret_len}"));
        }
        let mut allow_literals = Vec::new();
        let mut allow_patterns = Vec::new();
        let defaults = if self.default_allow.unwrap_or(true) { DEFAULT_ALLOW } else { &[] };
        let user = self.allow.unwrap_or_default();
        for (i, entry) in defaults.iter().map(|s| s.to_string()).chain(user.iter().cloned()).enumerate() {
            match entry.strip_prefix("re:") {
                Some(pat) => {
                    let re = Regex::new(pat).map_err(|e| {
                        let n = i.checked_sub(defaults.len()).map_or(i, |u| u);
                        format!("`allow` entry {n} is not a valid regex: {e}")
                    })?;
                    allow_patterns.push(re);
                }
                None if entry.is_empty() => return Err("`allow` holds an empty string".into()),
                None => allow_literals.push(entry),
            }
        }
        Ok(Options { enabled, min_secret_len, entropy_threshold, allow_literals, allow_patterns, redact_with })
    }
}
