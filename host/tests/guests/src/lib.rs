//! Paths of the guest components built for the host's tests.

use std::path::Path;

/// The hostile enzyme (`host/tests/guests/hostile`).
pub fn hostile() -> &'static Path {
    Path::new(env!("LOGLINE_GUEST_HOSTILE"))
}

/// The SDK example enzyme (`examples/enzymes/rust-length-filter`).
pub fn length_filter() -> &'static Path {
    Path::new(env!("LOGLINE_GUEST_LENGTH_FILTER"))
}

/// An enzyme built against the frozen `logline:enzyme@0.1.0` contract.
pub fn wit_010() -> &'static Path {
    Path::new(env!("LOGLINE_GUEST_WIT_010"))
}

/// A component exporting `logline:enzyme/processor@0.2.0`.
pub fn wit_020() -> &'static Path {
    Path::new(env!("LOGLINE_GUEST_WIT_020"))
}

/// A component for another world (`acme:tools/tool`).
pub fn otherworld() -> &'static Path {
    Path::new(env!("LOGLINE_GUEST_OTHERWORLD"))
}

/// An enzyme that also imports `wasi:keyvalue/store`, which the host never grants.
pub fn greedy() -> &'static Path {
    Path::new(env!("LOGLINE_GUEST_GREEDY"))
}
