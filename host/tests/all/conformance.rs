//! The conformance every enzyme must pass (succeeds on valid spans, keeps
//! ids, leaves host-owned keys alone, deterministic, idempotent), run on
//! the built-ins and the Rust example over real and example spans; the
//! Python and JavaScript examples run it through the CLI in
//! `scripts/check-polyglot.sh`. Hostile guests show that each rule bites.

use crate::common::{host, hostile, manifest_for, span};
use logline::enzyme::conformance::{self, Breach};
use logline::manifest;
use logline::tags::Tagger;
use std::path::PathBuf;

fn corpora() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    vec![root.join("examples/data/diamonds.ndjson"), root.join("bench/corpus/registry/spans.ndjson")]
}

#[test]
fn every_builtin_and_the_rust_example_conform() {
    let mut m = manifest::bundled();
    let example = manifest_for(logline_test_guests::length_filter(), "");
    m.enzymes.extend(example.enzymes);
    let report = conformance::check(host(), &m, &corpora()).unwrap();
    assert!(report.spans > 700, "{}", report.spans);
    assert_eq!(report.enzymes.len(), 5);
    assert_eq!(report.total(), 0, "{}", report.table());
}

#[test]
fn each_rule_catches_its_breach() {
    let tagger = Tagger::default();
    // The hostile guest misbehaves only on ids containing "bad".
    let s = span("bad-1");
    let breaches = |mode: &str| -> Vec<Breach> {
        let e = hostile(mode, "").unwrap();
        let mut worker = conformance::worker_stage(&e);
        // The worker instance has seen another span first.
        conformance::check_span(&e, &mut worker, &span("bad-0"), &tagger);
        conformance::check_span(&e, &mut worker, &s, &tagger).into_iter().map(|(b, _)| b).collect()
    };
    assert_eq!(breaches("ok"), []);
    assert_eq!(breaches("rewrite"), [Breach::NotIdempotent]);
    // Output that depends on earlier calls is neither.
    assert_eq!(breaches("counter"), [Breach::NotDeterministic, Breach::NotIdempotent]);
    assert_eq!(breaches("change-id"), [Breach::Failed]);
    assert_eq!(breaches("reserved-key"), [Breach::Failed]);
    // A variant id another span has is Phase 1's `duplicate_id`, not this.
    assert_eq!(breaches("reuse-id"), []);
    assert_eq!(breaches("variants"), []);
}
