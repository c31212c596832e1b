//! Phase 0's duplicate detection through the `logline` binary: exact copies
//! and near-copies are grouped, the best member is kept, `drop` moves the
//! others to the rejects file and out of the index, and nothing is lost.

use crate::common::logline;
use crate::pipeline::lines;
use logline::index::SpanIndex;
use logline::pipeline::prepare;
use serde_json::{Value, json};
use std::path::Path;

fn span(id: &str, this: &str, answer: &str, quality: f64) -> String {
    json!({
        "id": id, "who": "user:ana", "did": "ask", "this": this, "when": "2026-03-01T10:00:00Z",
        "status": "completed", "if_ok": answer, "metadata": {"quality_score": quality}
    })
    .to_string()
}

/// a1 and a2 are one question and answer (case and spacing differ), a3 the
/// same question with one sentence more, b and c unrelated.
fn input(dir: &Path) -> std::path::PathBuf {
    let q = "How do I reverse a linked list in place in Rust?";
    let a = "Walk the list once, keeping the previous node: take each node's `next`, point it back at the \
             previous node, and move on. When you reach the end, the previous node is the new head.";
    let lines = [
        span("a1", q, a, 88.0),
        span(
            "b",
            "What is the capital of Australia?",
            "Canberra, not Sydney: it was chosen as a compromise in 1908.",
            92.0,
        ),
        span("a2", &q.to_lowercase(), &a.replace(' ', "  "), 95.0),
        span("a3", q, &format!("{a} That is all there is to it."), 90.0),
        span("c", "Which HTTP status means the resource was not found?", "404 Not Found.", 90.0),
        "{not json".to_string(),
    ];
    let path = dir.join("spans.ndjson");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn prepare(dir: &Path, mode: &str) -> (Vec<Value>, Vec<Value>, Value) {
    let out = dir.join(mode);
    let input = input(dir);
    let o = logline(&["prepare", "-i", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--dedupe", mode, "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (spans, rejects, stats, _) = prepare::outputs(&out);
    (lines(&spans), lines(&rejects), serde_json::from_slice(&std::fs::read(stats).unwrap()).unwrap())
}

fn by_id<'a>(spans: &'a [Value], id: &str) -> &'a Value {
    spans.iter().find(|s| s["id"] == id).unwrap_or_else(|| panic!("no span {id}"))
}

#[test]
fn duplicates_are_marked_with_the_best_member_kept_and_nothing_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (spans, rejects, stats) = prepare(dir.path(), "mark");
    assert_eq!((spans.len(), rejects.len()), (5, 1));
    // a2 has the highest label: it is kept, a1 (exact) and a3 (near) point at it.
    assert_eq!(by_id(&spans, "a2")["duplicate_group"], "a2");
    assert!(by_id(&spans, "a2").get("duplicate_of").is_none());
    for id in ["a1", "a3"] {
        assert_eq!(
            (&by_id(&spans, id)["duplicate_group"], &by_id(&spans, id)["duplicate_of"]),
            (&json!("a2"), &json!("a2"))
        );
    }
    for id in ["b", "c"] {
        assert!(by_id(&spans, id).get("duplicate_group").is_none(), "{id} is nobody's duplicate");
    }
    let d = &stats["duplicates"];
    assert_eq!(
        (d["groups"].as_u64(), d["duplicates"].as_u64(), d["exact"].as_u64(), d["semantic"].as_u64()),
        (Some(1), Some(2), Some(1), Some(1))
    );
    let groups = lines(&dir.path().join("mark/diamonds-enriched.duplicates.ndjson"));
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["kept"]["id"], "a2");
    let members: Vec<(&str, &str)> = groups[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(members, [("a1", "exact"), ("a3", "semantic")]);
    for m in groups[0]["members"].as_array().unwrap() {
        assert!(m["similarity"].as_f64().unwrap() >= 0.95, "{m}");
    }
}

#[test]
fn drop_sends_duplicates_to_the_rejects_file_with_the_kept_id_and_out_of_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let (spans, rejects, stats) = prepare(dir.path(), "drop");
    let ids: Vec<&str> = spans.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["b", "a2", "c"], "input order, duplicates gone");
    assert_eq!(spans.len() + rejects.len(), 6, "every input line is in one file");
    let dup: Vec<&Value> = rejects.iter().filter(|r| r["reason"] == "duplicate").collect();
    assert_eq!(dup.len(), 2);
    for (r, (id, line)) in dup.iter().zip([("a1", 1), ("a3", 4)]) {
        assert_eq!((r["id"].as_str(), r["line"].as_u64(), r["stage"].as_str()), (Some(id), Some(line), Some("dedupe")));
        assert_eq!(r["duplicate_of"], "a2");
        assert_eq!(r["span"]["duplicate_of"], "a2", "the span is kept whole, marked");
        assert!(r["detail"].as_str().unwrap().contains("a2"));
    }
    assert_eq!(stats["rejected"]["dropped_duplicate"], 2);
    assert_eq!(stats["duplicates"]["dropped"], 2);

    // The index answers for the kept spans only.
    let index = SpanIndex::load(&dir.path().join("drop"), prepare::STEM).unwrap();
    assert!(index.node("a1").is_none() && index.node("a3").is_none() && index.node("a2").is_some());
    let a2: Vec<f32> = serde_json::from_value(by_id(&spans, "a2")["embeddings"]["combined_embedding"].clone()).unwrap();
    let hits: Vec<String> = index.search(&a2, 5, None).into_iter().map(|h| h.id).collect();
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(!hits.iter().any(|h| h == "a1" || h == "a3"), "{hits:?}");
}

#[test]
fn dedupe_off_marks_nothing_and_writes_no_groups() {
    let dir = tempfile::tempdir().unwrap();
    let (spans, _, stats) = prepare(dir.path(), "off");
    assert_eq!(spans.len(), 5);
    assert!(spans.iter().all(|s| s.get("duplicate_group").is_none()));
    assert!(stats.get("duplicates").is_none());
    assert!(!dir.path().join("off/diamonds-enriched.duplicates.ndjson").exists());
}

#[test]
fn a_threshold_outside_zero_to_one_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = input(dir.path());
    let o = logline(&[
        "prepare",
        "-i",
        input.to_str().unwrap(),
        "-o",
        dir.path().join("x").to_str().unwrap(),
        "--dedupe-threshold",
        "1.5",
    ]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--dedupe-threshold"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
