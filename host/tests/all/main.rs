//! LogLine's integration tests, one binary. Each module is one area:
//!
//! - `sandbox`: purpose-built hostile enzymes are contained, with typed errors.
//! - `embed`: the real model against stored reference vectors.
//! - `host`: loading, pins, the compile cache, versions, policies.
mod common;
mod embed;
mod host;
mod sandbox;
