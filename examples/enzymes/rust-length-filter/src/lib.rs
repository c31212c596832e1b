//! length-filter: drop spans whose response is too short (or too long) to
//! teach anything — a complete enzyme in a few lines of the LogLine SDK.

use logline_sdk::prelude::*;
use serde::Deserialize;

/// `config` in the manifest.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Fewest words a response may have.
    pub min_words: usize,
    /// Most words a response may have (0: no limit).
    pub max_words: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config { min_words: 5, max_words: 0 }
    }
}

pub struct LengthFilter(Config);

impl Enzyme for LengthFilter {
    type Config = Config;

    fn info() -> Info {
        Info::new("length-filter", "0.1.0", "Drops spans whose response is too short or too long")
    }

    fn new(config: Config) -> Result<Self, Error> {
        if config.max_words != 0 && config.max_words < config.min_words {
            return Err(Error::invalid_config("max_words is below min_words"));
        }
        Ok(LengthFilter(config))
    }

    fn process(&self, span: &mut Span, cx: &mut Cx) -> Result<Outcome, Error> {
        let words = span.response().split_whitespace().count();
        if words < self.0.min_words {
            cx.log(Level::Debug, &format!("{words} words < {}", self.0.min_words));
            return Ok(Outcome::Drop(format!("response has {words} words, fewer than {}", self.0.min_words)));
        }
        if self.0.max_words != 0 && words > self.0.max_words {
            return Ok(Outcome::Drop(format!("response has {words} words, more than {}", self.0.max_words)));
        }
        Ok(Outcome::Keep)
    }
}

export_enzyme!(LengthFilter);

#[cfg(test)]
mod tests {
    use super::*;
    use logline_sdk::testing::{MockHost, build, run, span};

    #[test]
    fn drops_short_keeps_long_enough() {
        let host = MockHost::default().with_config(r#"{"min_words": 3}"#);
        let e: LengthFilter = build(&host).unwrap();
        let short = run(&e, span("a").if_ok("Yes.").build(), &host).unwrap();
        assert!(matches!(short.outcome, Outcome::Drop(_)));
        let ok = run(&e, span("b").if_ok("Use a context manager.").build(), &host).unwrap();
        assert_eq!(ok.outcome, Outcome::Keep);
        assert!(ok.changed.is_none());
    }

    #[test]
    fn unknown_config_key_is_named() {
        let host = MockHost::default().with_config(r#"{"min_word": 3}"#);
        let err = build::<LengthFilter>(&host).err().unwrap();
        assert!(err.message.contains("min_word"), "{}", err.message);
    }
}
