//! LogLine's integration tests, one binary. Each module is one area:
//!
//! - `inputs`: hostile input files, accounted for line by line.
//! - `manifest`: `.toml` → `.err` fixtures for manifest errors.
//! - `pipeline`: Phase 0 and Phase 1 on the example spans (counts, index,
//!   gate, transformation log, secrets, determinism).
//! - `resume`: SIGKILL at many points, then `--resume`: same outputs.
//! - `sandbox`: purpose-built hostile enzymes are contained, with typed errors.
//! - `builtins`: the four built-in components through the host.
//! - `embed`: the real model against stored reference vectors; the relevance model against its Python logits.
//! - `harm`: the built-ins break no do-no-harm invariant on real and generated spans.
//! - `host`: loading, pins, the compile cache, versions, policies.
//! - `scorer`: `scorer train / eval` and `run --scorer` on the labelled fixture.
//! - `dedupe`: Phase 0's duplicate groups (`--dedupe mark|drop|off`), every line accounted for.
//! - `export`: `export --format chat` (messages, threads, every span accounted for).
//! - `report`: `report.html`, self-contained, rendered in headless Chromium.
//! - `serve`: `logline serve` on a loopback port: routes, auth, errors, streaming, metrics, SIGTERM.
//! - `ray`: the Ray driver on a real two-node local cluster, with a killed task and a relaunch.
//! - `shard`: the shard contract (`prepare --shard`, `index build`, `orchestrate WORK --shard`, `report merge`) equals one run.
//! - `matcher`: Phase 2 `train / predict / eval / train --add` on the example spans and real commits.
mod builtins;
mod common;
mod conformance;
mod dedupe;
mod embed;
mod ensemble;
mod export;
mod harm;
mod host;
mod inputs;
mod manifest;
mod matcher;
mod pipeline;
mod ray;
mod report;
mod resume;
mod sandbox;
mod scorer;
mod selfplay;
mod serve;
mod shard;
