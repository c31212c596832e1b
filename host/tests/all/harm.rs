//! Do no harm: the default chain's built-ins, run as components through the
//! host over real spans and the generator's example spans, break no
//! invariant. Real spans: bench/corpus/registry (committed: crate sources
//! from crates.io — diffs between two releases, whole files, configs, docs,
//! byte for byte) and, where it has been built, bench/corpus/real (commit
//! histories of public repositories, not committed).

use super::common::host;
use logline::harm::runner;
use logline::manifest::{self, Origin};
use std::path::PathBuf;

fn repo(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(p)
}

fn default_manifest() -> manifest::Manifest {
    let text = std::fs::read_to_string(repo("examples/enzymes.toml")).unwrap();
    manifest::parse(&text, Origin::File(repo("examples/enzymes.toml"))).unwrap()
}

/// The real corpus, where it has been built (`bench/corpus/real/build.py`)
/// or laid in the shared folder beside the checkout. Its text comes from
/// public repositories' histories, so it is not committed here.
fn real_corpus() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("LOGLINE_REAL_CORPUS").map(PathBuf::from),
        Some(repo("bench/corpus/real/spans.ndjson")),
        Some(repo("../shared/corpus/real/spans.ndjson")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

#[test]
fn builtins_do_no_harm_on_real_and_generated_spans() {
    let registry = repo("bench/corpus/registry/spans.ndjson");
    assert!(registry.is_file(), "the committed real corpus {} is missing", registry.display());
    let mut corpora = vec![repo("examples/data/diamonds.ndjson"), registry];
    match real_corpus() {
        Some(p) => corpora.push(p),
        None => eprintln!(
            "NOTE: no commit-history corpus here (bench/corpus/real/spans.ndjson or ../shared/corpus/real/spans.ndjson): checking the committed registry corpus and the generated spans"
        ),
    }
    let report = runner::run(host(), &default_manifest(), &corpora, 0).unwrap();
    eprintln!("{}", report.table());
    assert!(report.spans >= 500, "{} spans", report.spans);
    let changes: u64 = report.enzymes.iter().map(|e| e.changes).sum();
    assert!(changes > 0, "the chain changed nothing: the check would be vacuous");
    assert_eq!(report.total_violations(), 0, "{}", report.table());
}

#[test]
fn annotators_change_no_text() {
    let corpora = vec![repo("examples/data/diamonds.ndjson")];
    let report = runner::run(host(), &default_manifest(), &corpora, 0).unwrap();
    for e in report.enzymes.iter().filter(|e| e.role == "annotator") {
        assert_eq!(e.changes, 0, "{} changed text", e.enzyme);
        assert!(e.spans > 0);
    }
}
