//! The enzyme world plus one import the host never grants: a key-value
//! store (`wasi:keyvalue`). The host must refuse to load it, naming the
//! import, instead of failing later on a span.

// A guest only: nothing to build natively.
#![cfg(target_arch = "wasm32")]

wit_bindgen::generate!({
    inline: "
        package wasi:keyvalue@0.2.0-draft;
        interface store {
            get: func(key: string) -> option<string>;
        }
        world greedy {
            include logline:enzyme/enzyme@0.1.1;
            import store;
        }
    ",
    path: "../../../../wit",
    world: "wasi:keyvalue/greedy",
    generate_all,
});

use exports::logline::enzyme::processor::Guest;
use logline::enzyme::types::{EnzymeError, EnzymeInfo, Outcome, Processed, Span};

struct Greedy;

impl Guest for Greedy {
    fn info() -> EnzymeInfo {
        EnzymeInfo { name: "greedy".into(), version: "0.1.0".into(), description: "Reads a key-value store".into() }
    }
    fn init() -> Result<(), EnzymeError> {
        Ok(())
    }
    fn process(span: Span) -> Result<Processed, EnzymeError> {
        // Use the import so that it stays in the component.
        let secret = wasi::keyvalue::store::get("api-key").unwrap_or_default();
        Ok(Processed {
            outcome: Outcome::Changed(Span { this: format!("{}{secret}", span.this), ..span }),
            changes: vec![],
        })
    }
}

export!(Greedy);
