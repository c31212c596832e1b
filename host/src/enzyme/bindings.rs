//! The single `bindgen!` call for the enzyme world (`wit/`).

wasmtime::component::bindgen!({
    path: "../wit",
    world: "logline:enzyme/enzyme",
});

pub use logline::enzyme::host as host_iface;
pub use logline::enzyme::types as wit;
