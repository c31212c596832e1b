//! `logline export --format chat|parquet` on the example spans after Phase 1: the
//! `messages` shape trainers read, every span accounted for, threads as
//! multi-turn conversations.

use crate::pipeline::{lines, orchestrate_into};
use logline::export::{ChatOptions, export_chat};
use logline::manifest;
use std::collections::HashSet;

fn alternates(messages: &[serde_json::Value]) -> bool {
    !messages.is_empty()
        && messages.iter().enumerate().all(|(i, m)| {
            m["role"] == if i % 2 == 0 { "user" } else { "assistant" }
                && m["content"].as_str().is_some_and(|c| !c.is_empty())
        })
}

/// Phase 1 output of the example spans, and its curated spans.
fn curated() -> (tempfile::TempDir, Vec<serde_json::Value>) {
    let out = tempfile::tempdir().unwrap();
    orchestrate_into(out.path(), manifest::bundled(), true).unwrap();
    let plus = lines(&out.path().join("diamonds-plus.ndjson"));
    (out, plus)
}

#[test]
fn chat_export_writes_user_assistant_pairs_and_accounts_for_every_span() {
    let (out, plus) = curated();
    let dir = out.path().join("export");
    let s = export_chat(out.path(), &dir, &ChatOptions::default()).unwrap();
    let chat = lines(&dir.join("chat.jsonl"));
    let skipped = lines(&dir.join("chat.skipped.ndjson"));
    assert_eq!(s.spans as usize, plus.len());
    assert_eq!(chat.len() + skipped.len(), plus.len(), "every span exported or skipped");
    for c in &chat {
        let m = c["messages"].as_array().unwrap();
        assert_eq!(m.len(), 2);
        assert!(alternates(m), "{c}");
        let span = plus.iter().find(|p| p["id"] == c["id"]).unwrap();
        assert_eq!((&m[0]["content"], &m[1]["content"]), (&span["this"], &span["if_ok"]));
        assert_ne!(span["status"], "failed");
    }
    for k in &skipped {
        let span = plus.iter().find(|p| p["id"] == k["id"]).unwrap();
        match k["reason"].as_str().unwrap() {
            "failed" => assert_eq!(span["status"], "failed"),
            "no_answer" => assert!(span["if_ok"].is_null()),
            "duplicate" => assert!(span.get("duplicate_of").is_some()),
            r => panic!("unexpected reason {r}"),
        }
    }
    // Failed spans kept, answered by their if_not.
    let with_failed = export_chat(out.path(), &dir, &ChatOptions { failed: true, ..Default::default() }).unwrap();
    assert_eq!(with_failed.conversations, s.conversations + s.skipped_failed);
    // Marked duplicates left out on request, each with its reason.
    let marked = plus.iter().filter(|p| p.get("duplicate_of").is_some() && p["status"] != "failed").count();
    assert!(marked > 0, "the example spans have planted copies");
    let dedup = export_chat(out.path(), &dir, &ChatOptions { skip_duplicates: true, ..Default::default() }).unwrap();
    assert_eq!(
        (dedup.skipped_duplicates as usize, dedup.conversations as usize),
        (marked, s.conversations as usize - marked)
    );
    let skipped = lines(&dir.join("chat.skipped.ndjson"));
    for k in skipped.iter().filter(|k| k["reason"] == "duplicate") {
        assert!(plus.iter().any(|p| p["id"] == k["id"] && p.get("duplicate_of").is_some()));
    }
}

#[test]
fn chat_export_by_thread_makes_one_conversation_per_thread_in_time_order() {
    let (out, plus) = curated();
    let dir = out.path().join("export");
    let per_span = export_chat(out.path(), &dir, &ChatOptions::default()).unwrap();
    let s = export_chat(out.path(), &dir, &ChatOptions { threads: true, ..Default::default() }).unwrap();
    let chat = lines(&dir.join("chat.jsonl"));
    assert_eq!(s.messages, per_span.messages, "the same turns, grouped");
    assert!(s.conversations < per_span.conversations, "the example data has multi-span threads");
    let mut seen = HashSet::new();
    for c in &chat {
        let m = c["messages"].as_array().unwrap();
        let ids: Vec<&str> = c["span_ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(alternates(m) && m.len() == 2 * ids.len(), "{c}");
        let whens: Vec<&str> =
            ids.iter().map(|id| plus.iter().find(|p| p["id"] == *id).unwrap()["when"].as_str().unwrap()).collect();
        let ms: Vec<i64> = whens.iter().map(|w| logline::span::when_millis(w)).collect();
        assert!(ms.windows(2).all(|w| w[0] <= w[1]), "turns in time order: {whens:?}");
        assert!(ids.iter().all(|id| seen.insert(id.to_string())), "a span in two conversations");
    }
}

/// Parquet: typed columns, every curated span and every gate or chain
/// reject with a span becomes one row, and pyarrow reads each field back
/// equal to the NDJSON it came from (`parquet_check.py`).
#[test]
fn parquet_export_round_trips_every_field_through_pyarrow() {
    let (out, plus) = curated();
    let dir = out.path().join("export");
    let s = logline::export::export_parquet(out.path(), &dir, true).unwrap();
    let rejects = lines(&out.path().join("diamonds-plus.rejects.ndjson"));
    let with_span = rejects.iter().filter(|r| r.get("span").is_some()).count();
    assert_eq!((s.curated as usize, s.rejects as usize), (plus.len(), with_span));
    assert_eq!(s.rows as usize, plus.len() + with_span);
    assert_eq!(s.with_embeddings as usize, plus.len(), "curated spans carry their vectors");
    let card = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for part in ["data_files: spans.parquet", "## Gate", "## Enzymes", "security", "## Fields", "`combined_embedding`"]
    {
        assert!(card.contains(part), "the dataset card lacks {part}:\n{card}");
    }
    let Some(python) = crate::common::pyarrow_python() else { return };
    let o = std::process::Command::new(python)
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/all/parquet_check.py"))
        .arg(dir.join("spans.parquet"))
        .arg(out.path().join("diamonds-plus.ndjson"))
        .arg(out.path().join("diamonds-plus.rejects.ndjson"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["problems"], serde_json::json!([]), "{r}");
    assert_eq!((r["rows"].as_u64(), r["checked"].as_u64()), (Some(s.rows), Some(s.rows)));
    assert_eq!((r["dims"].as_u64(), r["rejects"].as_u64()), (Some(384), Some(with_span as u64)));
}

/// With `--embeddings sidecar` the curated spans carry a row in Phase 0's
/// `.npy` instead of vectors: the export reads them from there, equal to
/// the vectors an inline run writes.
#[test]
fn parquet_export_reads_vectors_from_the_sidecar() {
    let (_inline, plus) = curated();
    let dir = tempfile::tempdir().unwrap();
    let o = crate::common::logline(&[
        "run",
        "-i",
        crate::common::example_spans().to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
        "--embeddings",
        "sidecar",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let side_plus = lines(&dir.path().join("diamonds-plus.ndjson"));
    assert!(side_plus.iter().any(|s| s.get("embeddings").is_none() && s.get("embedding_row").is_some()));
    let s = logline::export::export_parquet(dir.path(), &dir.path().join("export"), false).unwrap();
    assert_eq!((s.rows as usize, s.with_embeddings as usize), (side_plus.len(), side_plus.len()));
    let Some(python) = crate::common::pyarrow_python() else { return };
    let script = r#"
import json, struct, sys
import pyarrow.parquet as pq
rows = {r["id"]: r["combined_embedding"] for r in pq.read_table(sys.argv[1]).to_pylist()}
f32 = lambda x: struct.unpack("<f", struct.pack("<f", x))[0]
same = diff = 0
for line in open(sys.argv[2]):
    s = json.loads(line)
    if s["id"] in rows:
        v = s["embeddings"]["combined_embedding"]
        if all(a == f32(b) for a, b in zip(rows[s["id"]], v)): same += 1
        else: diff += 1
print(json.dumps({"same": same, "diff": diff}))
"#;
    let inline = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(inline.path(), plus.iter().map(|p| p.to_string() + "\n").collect::<String>()).unwrap();
    let o = std::process::Command::new(python)
        .args(["-c", script])
        .arg(dir.path().join("export/spans.parquet"))
        .arg(inline.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["diff"], 0, "{r}");
    assert!(r["same"].as_u64().unwrap() as usize >= plus.len() * 9 / 10, "{r}");
}
