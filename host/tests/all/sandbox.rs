//! Hostile enzymes are contained: each failure is typed, names the enzyme,
//! version and span, and leaves the other spans alone.

use crate::common::{hostile, run_chain, span};
use logline::enzyme::{Current, FailureKind, NoLookups, Outcome};
use logline::manifest::OnError;
use std::sync::Arc;
use std::time::Instant;

/// Run good, bad, good through the enzyme under `skip`; the bad span's
/// failure must be `kind`, and both good spans must come through.
fn contained(mode: &str, extra: &str, kind: FailureKind) -> String {
    let e = hostile(mode, extra).unwrap();
    let out = run_chain(&e, OnError::Skip, &["s1", "bad-1", "s2"]);
    for (i, id) in ["s1", "s2"].iter().enumerate() {
        let o = out[i * 2].as_ref().unwrap();
        assert!(o.failures.is_empty(), "{id}: {:?}", o.failures);
        assert_eq!(o.items.len(), 1);
        assert_eq!(o.items[0].span.id, *id);
    }
    let bad = out[1].as_ref().unwrap();
    assert_eq!(bad.failures.len(), 1, "{mode}: expected a failure");
    let f = &bad.failures[0];
    assert_eq!(f.kind, kind, "{mode}: {f}");
    assert_eq!((f.enzyme.as_str(), f.version.as_str(), f.span_id.as_str()), ("e", "0.1.0", "bad-1"));
    // Under `skip` the span goes on unchanged, with the failure in its log.
    assert_eq!(bad.items.len(), 1);
    assert_eq!(bad.items[0].span.this, span("bad-1").this);
    assert!(!bad.items[0].applications[0].success);
    f.message.clone()
}

#[test]
fn an_infinite_loop_is_stopped_by_the_deadline() {
    let start = Instant::now();
    let msg = contained("loop", "limits = { timeout_ms = 100 }", FailureKind::Timeout);
    assert!(msg.contains("100 ms"), "{msg}");
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

#[test]
fn fuel_bounds_a_loop_deterministically() {
    let msg = contained("loop", "limits = { fuel = 5_000_000, timeout_ms = 30000 }", FailureKind::FuelExhausted);
    assert!(msg.contains("5000000"), "{msg}");
}

#[test]
fn a_memory_bomb_hits_the_cap() {
    let msg = contained("membomb", "limits = { memory_mb = 16 }", FailureKind::MemoryLimit);
    assert!(msg.contains("16 MiB"), "{msg}");
}

#[test]
fn files_env_and_network_are_not_there() {
    let m = contained("file", "", FailureKind::EnzymeError);
    assert!(m.contains("file access denied"), "{m}");
    let m = contained("env", "", FailureKind::EnzymeError);
    assert!(m.contains("environment is empty"), "{m}");
    let m = contained("socket", "", FailureKind::EnzymeError);
    assert!(m.contains("network denied"), "{m}");
}

#[test]
fn a_panic_affects_only_its_span() {
    let e = hostile("panic", "").unwrap();
    let out = run_chain(&e, OnError::Skip, &["s1", "bad-1", "s2", "bad-2", "s3"]);
    let kinds: Vec<_> = out.iter().map(|o| o.as_ref().unwrap().failures.first().map(|f| f.kind)).collect();
    assert_eq!(kinds, [None, Some(FailureKind::Trap), None, Some(FailureKind::Trap), None]);
    let f = &out[1].as_ref().unwrap().failures[0];
    assert!(f.stderr.as_deref().unwrap_or("").contains("hostile enzyme panics on span bad-1"), "{f}");
}

#[test]
fn deep_recursion_is_contained() {
    let e = hostile("stack", "").unwrap();
    let out = run_chain(&e, OnError::Skip, &["s1", "bad-1", "s2"]);
    let f = &out[1].as_ref().unwrap().failures[0];
    assert!(matches!(f.kind, FailureKind::StackOverflow | FailureKind::Trap), "{f}");
    assert!(out[2].as_ref().unwrap().failures.is_empty());
}

#[test]
fn changing_the_id_is_refused() {
    let m = contained("change-id", "", FailureKind::InvalidOutput);
    assert!(m.contains("changed the span id"), "{m}");
}

#[test]
fn invalid_json_in_context_is_refused() {
    let m = contained("bad-json", "", FailureKind::InvalidOutput);
    assert!(m.contains("`context` is not a JSON object"), "{m}");
    let m = contained("not-object", "", FailureKind::InvalidOutput);
    assert!(m.contains("`metadata`"), "{m}");
    let m = contained("bad-timestamp", "", FailureKind::InvalidOutput);
    assert!(m.contains("`when`"), "{m}");
}

#[test]
fn reserved_keys_cannot_be_forged() {
    let m = contained("reserved-key", "", FailureKind::InvalidOutput);
    assert!(m.contains("semantic_tags"), "{m}");
}

#[test]
fn output_caps_hold() {
    let m = contained(
        "huge-output",
        "config = { mode = \"huge-output\", size_mb = 2 }\nlimits = { max_output_kb = 512 }",
        FailureKind::InvalidOutput,
    );
    assert!(m.contains("output cap"), "{m}");
    // A gigabyte string never fits in the sandbox's memory.
    contained("huge-output", "config = { mode = \"huge-output\", size_mb = 1024 }", FailureKind::MemoryLimit);
}

#[test]
fn runaway_variants_are_capped() {
    let m = contained(
        "many-variants",
        "config = { mode = \"many-variants\", count = 100 }\nlimits = { max_variants = 10 }",
        FailureKind::InvalidOutput,
    );
    assert!(m.contains("100 variants"), "{m}");
    let e = hostile("many-variants", "").unwrap();
    let out = run_chain(&e, OnError::Skip, &["bad-1"]);
    let f = &out[0].as_ref().unwrap().failures[0];
    assert!(matches!(f.kind, FailureKind::MemoryLimit | FailureKind::InvalidOutput | FailureKind::Timeout), "{f}");
}

#[test]
fn chatter_on_stdout_is_captured_not_fatal() {
    let e = hostile("print", "").unwrap();
    let out = run_chain(&e, OnError::Skip, &["bad-1"]);
    assert!(out[0].as_ref().unwrap().failures.is_empty());
}

#[test]
fn errors_reported_by_the_enzyme_are_typed() {
    let m = contained("error", "", FailureKind::EnzymeError);
    assert!(m.contains("UnsupportedInput"), "{m}");
}

#[test]
fn an_instance_is_rebuilt_after_a_trap() {
    let e = hostile("panic", "").unwrap();
    let mut inst = e.instance(Arc::new(NoLookups));
    let cur = |id: &str| Current { id: id.into(), ..Default::default() };
    assert!(matches!(inst.call(&span("s1"), cur("s1")).unwrap().0, Outcome::Unchanged));
    assert_eq!(inst.call(&span("bad-1"), cur("bad-1")).unwrap_err().kind, FailureKind::Trap);
    assert!(matches!(inst.call(&span("s2"), cur("s2")).unwrap().0, Outcome::Unchanged));
}
