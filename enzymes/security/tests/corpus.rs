//! Precision and recall over the labelled corpus (`common/corpus.rs`).
//!
//! `cargo test -p enzyme-security --test corpus -- --nocapture` prints the
//! numbers and the per-kind table.

mod common;

use common::corpus::{CORPUS, evaluate, instances};
use enzyme_security::Kind;

#[test]
fn corpus_precision_and_recall() {
    let cases = instances(1);
    let out = evaluate(&cases);
    println!("{}", out.report);
    assert!(CORPUS.len() >= 150, "corpus has {} cases", CORPUS.len());
    assert_eq!(out.partial, 0, "a secret was partially redacted");
    assert!(out.precision >= 0.97, "precision {:.4} < 0.97", out.precision);
    assert!(out.recall >= 0.97, "recall {:.4} < 0.97", out.recall);
    assert!(out.kind_accuracy >= 0.95, "kind accuracy {:.4} < 0.95", out.kind_accuracy);
}

/// The same templates with other random bodies: the numbers must not
/// depend on one lucky draw.
#[test]
fn corpus_is_stable_across_seeds() {
    for seed in 2..6 {
        let out = evaluate(&instances(seed));
        assert!(out.partial == 0 && out.precision >= 0.97 && out.recall >= 0.97, "seed {seed}:\n{}", out.report);
    }
}

/// Every kind has at least one positive case, here or in the gitleaks-kinds
/// corpus (`common/formats.rs`). Identifier kinds are off by default; the
/// regression tests enable them explicitly.
#[test]
fn corpus_covers_every_kind() {
    let cases = instances(1);
    let formats = common::formats::formats();
    for k in Kind::ALL.iter().filter(|k| k.on_by_default()) {
        let n = cases.iter().flat_map(|c| &c.expect).filter(|e| e.kind == Some(*k)).count()
            + formats.iter().filter(|f| f.kind == *k).count();
        assert!(n >= 1, "no corpus case for {}", k.name());
    }
}
