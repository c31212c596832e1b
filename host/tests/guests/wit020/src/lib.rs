//! Exports `logline:enzyme/processor@0.2.0`: a future, incompatible track.

// A guest only: nothing to build natively.
#![cfg(target_arch = "wasm32")]

wit_bindgen::generate!({
    inline: "
        package logline:enzyme@0.2.0;
        interface processor { info: func() -> string; }
        world enzyme { export processor; }
    ",
    world: "enzyme",
});

struct Future;

impl exports::logline::enzyme::processor::Guest for Future {
    fn info() -> String {
        "from the future".into()
    }
}

export!(Future);
