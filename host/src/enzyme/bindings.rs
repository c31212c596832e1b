//! The single `bindgen!` call for the enzyme world (`wit/`).

wasmtime::component::bindgen!({
    path: "../wit",
    world: "logline:enzyme/enzyme",
});

pub use self::logline::enzyme::host as host_iface;
pub use self::logline::enzyme::types as wit;
