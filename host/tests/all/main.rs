//! LogLine's integration tests, one binary. Each module is one area:
//!
//! - `pipeline`: Phase 0 and Phase 1 on the example spans (counts, index,
//!   gate, transformation log, secrets, determinism).
//! - `resume`: SIGKILL at many points, then `--resume`: same outputs.
//! - `sandbox`: purpose-built hostile enzymes are contained, with typed errors.
//! - `embed`: the real model against stored reference vectors.
//! - `host`: loading, pins, the compile cache, versions, policies.
mod common;
mod embed;
mod host;
mod pipeline;
mod resume;
mod sandbox;
