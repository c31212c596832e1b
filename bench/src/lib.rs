//! LogLine benchmarks and test data.
//!
//! [`spangen`] is the deterministic span generator behind the `gen-spans` binary;
//! benchmarks and tests call it in-process.

pub mod spangen;

pub use spangen::{GenConfig, GenStats, generate, generate_string};
