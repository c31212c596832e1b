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
