//! Built against `wit/versions/0.1.0` with raw wit-bindgen: a newer
//! compatible host must keep loading it. It marks each span it sees and
//! asks the host for the span's tags (a 0.1.0 import).

// A guest only: nothing to build natively.
#![cfg(target_arch = "wasm32")]

wit_bindgen::generate!({
    path: "../../../../wit/versions/0.1.0",
    world: "logline:enzyme/enzyme",
});

use exports::logline::enzyme::processor::Guest;
use logline::enzyme::types::{EnzymeError, EnzymeInfo, Outcome, Processed, Span};

struct Old;

impl Guest for Old {
    fn info() -> EnzymeInfo {
        EnzymeInfo {
            name: "built-for-0-1-0".into(),
            version: "0.1.0".into(),
            description: "Marks spans; built for logline:enzyme@0.1.0".into(),
        }
    }
    fn init() -> Result<(), EnzymeError> {
        Ok(())
    }
    fn process(span: Span) -> Result<Processed, EnzymeError> {
        let tags = logline::enzyme::host::tags(&span.id).len();
        let mark = format!("\"built_for\":\"0.1.0\",\"tags_seen\":{tags}");
        let extra = if span.extra.trim() == "{}" {
            format!("{{{mark}}}")
        } else {
            format!("{{{mark},{}", &span.extra.trim()[1..])
        };
        Ok(Processed { outcome: Outcome::Changed(Span { extra, ..span }), changes: vec![] })
    }
}

export!(Old);
