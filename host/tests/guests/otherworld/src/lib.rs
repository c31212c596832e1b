//! A component for a different world altogether.

// A guest only: nothing to build natively.
#![cfg(target_arch = "wasm32")]

wit_bindgen::generate!({
    inline: "
        package acme:tools@1.0.0;
        world tool { export run: func(input: string) -> string; }
    ",
    world: "tool",
});

struct Tool;

impl Guest for Tool {
    fn run(input: String) -> String {
        input.to_uppercase()
    }
}

export!(Tool);
