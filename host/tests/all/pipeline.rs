//! Phase 0 and Phase 1 on the bundled example spans, with the real model.

use crate::common::{example_spans, shared_embedder, shared_host};
use logline::enzyme::Lookups;
use logline::index::{HnswParams, SpanIndex, exact_top_k};
use logline::manifest;
use logline::output::sink::RejectCode;
use logline::pipeline::orchestrate::{self, OrchestrateOptions};
use logline::pipeline::prepare::{self, CombinedMode, EmbeddingsMode, PrepareOptions};
use logline::report::{Phase0Stats, Phase1Report};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn prepare_opts(input: &Path, out: &Path) -> PrepareOptions {
    PrepareOptions {
        input: input.to_path_buf(),
        out_dir: out.to_path_buf(),
        min_quality: 80.0,
        embeddings: EmbeddingsMode::Inline,
        sidecar_dtype: logline::embed::sidecar::Dtype::F32,
        combined: CombinedMode::Mean,
        max_line: logline::ingest::DEFAULT_MAX_LINE,
        hnsw: HnswParams { threads: 1, ..HnswParams::default() },
        tagger: Default::default(),
        dedupe: logline::dedupe::DedupeParams { mode: logline::dedupe::DedupeMode::Mark, threshold: 0.95 },
        chunk: 64,
        progress: logline::progress::Mode::Quiet,
    }
}

/// Phase 0 over the example spans, once for all tests.
pub fn prepared() -> &'static (tempfile::TempDir, Phase0Stats) {
    static P: OnceLock<(tempfile::TempDir, Phase0Stats)> = OnceLock::new();
    P.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let stats = prepare::prepare(&prepare_opts(&example_spans(), dir.path()), shared_embedder()).unwrap();
        (dir, stats)
    })
}

pub fn orchestrate_into(out: &Path, m: manifest::Manifest, reproducible: bool) -> anyhow::Result<Phase1Report> {
    let input = prepare::outputs(prepared().0.path()).0;
    let opts = OrchestrateOptions {
        input,
        out_dir: out.to_path_buf(),
        manifest: m,
        workers: 2,
        scorer: None,
        resume: false,
        reproducible,
        progress: logline::progress::Mode::Quiet,
        shard: None,
    };
    orchestrate::orchestrate(&opts, shared_host(), shared_embedder())
}

/// Phase 1 with the bundled manifest, once for all tests.
fn orchestrated() -> &'static (tempfile::TempDir, Phase1Report) {
    static P: OnceLock<(tempfile::TempDir, Phase1Report)> = OnceLock::new();
    P.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let report = orchestrate_into(dir.path(), manifest::bundled(), true).unwrap();
        (dir, report)
    })
}

pub fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn phase0_accounts_for_every_line() {
    let (dir, stats) = prepared();
    let (out, rejects, stats_path, _) = prepare::outputs(dir.path());
    let nonblank =
        std::fs::read_to_string(example_spans()).unwrap().lines().filter(|l| !l.trim().is_empty()).count() as u64;
    assert_eq!(stats.total, nonblank);
    assert_eq!(stats.valid + stats.invalid + stats.filtered, stats.total);
    // Line 144 has `"context": null`: absent, not invalid (pandas writes these).
    assert_eq!((stats.valid, stats.invalid, stats.filtered), (154, 9, 37));
    let out = lines(&out);
    let rej = lines(&rejects);
    assert_eq!(out.len() as u64, stats.valid);
    assert_eq!(stats.spans_out(), stats.valid, "`mark` keeps every duplicate");
    assert_eq!(rej.len() as u64, stats.invalid + stats.filtered);
    for r in &rej {
        assert!(r["line"].as_u64().unwrap() >= 1);
        assert!(!r["reasons"].as_array().unwrap().is_empty(), "{r}");
        assert!(r["raw"].is_string() || r["raw_base64"].is_string());
        assert!(matches!(r["reason"].as_str(), Some("invalid" | "filtered")));
        assert_eq!(r["stage"], "input");
        assert_eq!(r["detail"], r["reasons"][0]["detail"]);
    }
    assert_eq!(stats.rejected.get(RejectCode::Invalid), stats.invalid);
    assert_eq!(stats.rejected.get(RejectCode::Filtered), stats.filtered);
    let saved: Phase0Stats = serde_json::from_slice(&std::fs::read(stats_path).unwrap()).unwrap();
    assert_eq!(saved.valid, stats.valid);
    assert!(stats.unique_domains > 5 && stats.unique_actions > 5);
    assert!(stats.mean_input_quality.unwrap() >= 80.0);
}

#[test]
fn phase0_writes_tags_complexity_and_embeddings() {
    let (dir, _) = prepared();
    for s in lines(&prepare::outputs(dir.path()).0) {
        assert!(s["semantic_tags"].is_array());
        assert!(s["complexity_score"].as_f64().unwrap() <= 100.0);
        // Nested, as the original guide reads them (`.embeddings.…`).
        for k in ["query_embedding", "combined_embedding"] {
            assert_eq!(s["embeddings"][k].as_array().unwrap().len(), 384, "{k}");
            assert!(s.get(k).is_none(), "not flat");
        }
        assert_eq!(s["embeddings"]["response_embedding"].is_array(), s["if_ok"].is_string());
        if let Some(d) = s["context"]["environment"].as_str() {
            assert!(s["semantic_tags"].as_array().unwrap().iter().any(|t| t == d));
        }
    }
}

#[test]
fn the_index_loads_searches_and_answers_lookups() {
    let (dir, stats) = prepared();
    let index = SpanIndex::load(dir.path(), prepare::STEM).unwrap();
    assert_eq!(index.len() as u64, stats.valid);
    let spans = lines(&prepare::outputs(dir.path()).0);
    let points: Vec<Vec<f32>> = spans
        .iter()
        .map(|s| {
            s["embeddings"]["combined_embedding"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect()
        })
        .collect();
    // Recall@10 against exact search, each span's own vector as the query.
    let (mut found, mut wanted) = (0usize, 0usize);
    for (i, p) in points.iter().enumerate() {
        let id = spans[i]["id"].as_str().unwrap();
        let exact: Vec<&str> =
            exact_top_k(&points, p, 10, Some(i)).into_iter().map(|j| spans[j]["id"].as_str().unwrap()).collect();
        let got: Vec<String> = index.search(p, 10, Some(id)).into_iter().map(|h| h.id).collect();
        found += exact.iter().filter(|e| got.iter().any(|g| g == *e)).count();
        wanted += exact.len();
    }
    let recall = found as f64 / wanted as f64;
    assert!(recall >= 0.95, "recall@10 = {recall}");
    // A filtered search returns k hits whenever k spans match (it returned
    // only those among the graph's ef_search candidates).
    let did_of: std::collections::HashMap<&str, &str> =
        spans.iter().map(|s| (s["id"].as_str().unwrap(), s["did"].as_str().unwrap())).collect();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for d in did_of.values() {
        *counts.entry(d).or_default() += 1;
    }
    let (&did, &n) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
    let far = spans.iter().position(|s| s["did"] != did).unwrap();
    let keep = |node: u32| did_of[index.id(node)] == did;
    let hits = index.search_filtered(&points[far], n, None, &keep);
    assert_eq!(hits.len(), n, "{did}: {} of {n}", hits.len());
    assert!(hits.iter().all(|h| did_of[h.id.as_str()] == did));
    assert!(hits.windows(2).all(|w| w[0].similarity >= w[1].similarity));
    // Threads: earlier spans of the thread, oldest first.
    let threaded = spans.iter().rev().find(|s| s["context"]["thread_id"].is_string()).unwrap();
    let id = threaded["id"].as_str().unwrap();
    let key = index.thread_key(id).unwrap();
    let earlier = index.thread(&key, id, 10);
    assert!(!earlier.is_empty(), "{id} has earlier spans");
    let whens: Vec<i64> = earlier.iter().map(|e| logline::span::when_millis(&e.when)).collect();
    assert!(whens.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(earlier.iter().all(|e| e.id != id));
    assert!(!index.tags(id).is_empty());
}

#[test]
fn phase1_counts_add_up() {
    let (dir, r) = orchestrated();
    let (plus, rejects, report, _) = orchestrate::outputs(dir.path());
    assert_eq!(r.total_processed, 154);
    assert_eq!(
        r.total_processed + r.variants_added,
        r.diamonds_plus
            + r.diamonds_original
            + r.rejected
            + r.dropped_by_enzymes
            + r.rejected_by_errors
            + r.duplicate_variant_ids
    );
    let plus = lines(&plus);
    let rej = lines(&rejects);
    assert_eq!(plus.len() as u64, r.diamonds_plus + r.diamonds_original);
    assert_eq!(
        rej.len() as u64,
        r.rejected + r.dropped_by_enzymes + r.rejected_by_errors + r.duplicate_variant_ids + r.invalid_input
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    for key in [
        "total_processed",
        "diamonds_plus",
        "diamonds_original",
        "rejected",
        "dropped_by_enzymes",
        "variants_added",
        "enzyme_errors",
        "avg_quality_improvement",
        "top_enzymes",
        "quality_histogram_before",
        "quality_histogram_after",
        "duration_ms",
    ] {
        assert!(saved.get(key).is_some(), "report lacks {key}");
    }
    assert_eq!(
        saved["quality_histogram_after"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum::<u64>(),
        r.diamonds_plus + r.diamonds_original + r.rejected
    );
}

#[test]
fn the_gate_keeps_a_sensible_share() {
    let (_, r) = orchestrated();
    assert!(r.pass_rate > 0.2 && r.pass_rate < 0.9, "pass rate {}", r.pass_rate);
    assert!(r.score_percentiles["max"] > 85.0);
}

#[test]
fn outputs_carry_their_transformation_log() {
    let (dir, r) = orchestrated();
    for s in lines(&orchestrate::outputs(dir.path()).0) {
        let log = &s["transformation_log"][0];
        let score = log["quality_score"].as_f64().unwrap();
        assert!(score >= r.quality_gate, "{score}");
        assert!(log["intent"].is_string());
        for a in log["enzyme_applications"].as_array().unwrap() {
            for k in [
                "enzyme",
                "version",
                "input_hash",
                "output_hash",
                "duration_ms",
                "changes",
                "success",
                "quality_before",
                "quality_after",
            ] {
                assert!(a.get(k).is_some(), "{k} missing in {a}");
            }
        }
        assert!(s["enrichment"]["intent"].is_string(), "semantic-enricher ran");
    }
    // One reject record shape; the report counts each code the sink wrote.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(orchestrate::outputs(dir.path()).2).unwrap()).unwrap();
    let mut by_code: std::collections::BTreeMap<String, u64> = Default::default();
    for s in lines(&orchestrate::outputs(dir.path()).1) {
        assert!(s["line"].as_u64().unwrap() >= 1, "{s}");
        assert!(matches!(s["stage"].as_str(), Some("input" | "chain" | "gate")), "{s}");
        assert!(s["detail"].is_string(), "{s}");
        if s["stage"] != "input" {
            assert_eq!(s["span"]["id"], s["id"], "{s}");
        }
        *by_code.entry(format!("dropped_{}", s["reason"].as_str().unwrap())).or_default() += 1;
    }
    assert_eq!(serde_json::to_value(&by_code).unwrap(), report["rejects"]);
}

#[test]
fn secrets_do_not_reach_the_outputs() {
    let (dir, _) = orchestrated();
    let re = regex::Regex::new(r"AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xox[bp]-[0-9A-Za-z-]{10,}|sk_live_[0-9A-Za-z]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----").unwrap();
    for f in [orchestrate::outputs(dir.path()).0, orchestrate::outputs(dir.path()).1] {
        let text = std::fs::read_to_string(&f).unwrap();
        let leaks: Vec<&str> = re.find_iter(&text).map(|m| m.as_str()).filter(|m| !m.contains("EXAMPLE")).collect();
        assert!(leaks.is_empty(), "{}: {leaks:?}", f.display());
    }
}

#[test]
fn same_input_and_manifest_give_byte_identical_outputs() {
    let (a, _) = orchestrated();
    let b = tempfile::tempdir().unwrap();
    orchestrate_into(b.path(), manifest::bundled(), true).unwrap();
    let (pa, ra, repa, _) = orchestrate::outputs(a.path());
    let (pb, rb, repb, _) = orchestrate::outputs(b.path());
    for (x, y) in [(pa, pb), (ra, rb)] {
        assert!(std::fs::read(&x).unwrap() == std::fs::read(&y).unwrap(), "{} differs", x.display());
    }
    let strip = |p: &PathBuf| {
        let mut v: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        v.as_object_mut().unwrap().retain(|k, _| !k.ends_with("_path"));
        v
    };
    assert_eq!(strip(&repa), strip(&repb));
}
