//! Phase 3, `logline selfplay`, on the model of the example spans: the
//! leakage gate, provenance and depth, determinism for a seed, and the
//! accepted spans accumulating into the train split past an exact audit.

use crate::common::shared_embedder;
use crate::matcher::model_dir;
use logline::matcher::Model;
use logline::matcher::split::Split;
use logline::selfplay::gates::{Leak, Leakage};
use logline::vector::{dot, normalized, normalized_mean};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The held-out spans are guarded twice: a paraphrase of a test request
/// (embedding) and a verbatim run of 13 words from a test answer (n-gram).
#[test]
fn a_planted_paraphrase_of_a_test_span_is_rejected_as_leakage() {
    let model = Model::load(&model_dir().1).unwrap();
    let leakage = Leakage::new(&model.heldout, 0.9, 13);
    let test = model
        .heldout
        .iter()
        .find(|h| h.split == Split::Test && h.trajectory.outcome.split_whitespace().count() >= 20)
        .expect("a test span with a long answer");
    let e = shared_embedder();
    let paraphrase = format!("Quick question, {} Thanks a lot!", test.trajectory.query);
    let answer = "I would start by reading the logs of the failing step.";
    let v = e.embed(&[paraphrase.as_str(), answer]).unwrap();
    let (q, a) = (normalized(&v[0]), normalized(&v[1]));
    match leakage.check(&format!("{paraphrase}\n{answer}"), &q, &normalized_mean(&q, &a)) {
        Some(Leak::Embedding(id, cos)) => assert!(cos >= 0.9, "{id} {cos}"),
        other => panic!("the paraphrase passed: {other:?}"),
    }
    // Thirteen words of the test answer inside unrelated text, with vectors far from every held-out span.
    let words: Vec<&str> = test.trajectory.outcome.split_whitespace().take(13).collect();
    let text = format!("Unrelated preface about gardening. {} And more unrelated words.", words.join(" "));
    let far: Vec<f32> = {
        let mut v = vec![0.0f32; q.len()];
        // The direction least like any held-out vector: opposite to their mean.
        for h in &model.heldout {
            for (x, y) in v.iter_mut().zip(&h.query_vec) {
                *x -= y;
            }
        }
        normalized(&v)
    };
    assert!(model.heldout.iter().all(|h| dot(&h.query_vec, &far) < 0.9));
    assert!(matches!(leakage.check(&text, &far, &far), Some(Leak::Ngram(_))), "a shared 13-gram passed");
    assert_eq!(leakage.check("Unrelated preface about gardening and soil.", &far, &far), None);
}

fn selfplay(out: &Path, extra: &[&str]) -> Value {
    // The example spans are unlabelled templates: relaxed quality and
    // confidence gates let some candidates reach leakage, dedupe and novelty.
    let defaults = [
        ("--rounds", "3"),
        ("--prompts-per-round", "64"),
        ("--variation-share", "0.5"),
        ("--quality-gate", "0"),
        ("--min-confidence", "0"),
        ("--seed", "7"),
    ];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_logline"));
    cmd.env("SELFPLAY_TEST_KEY", crate::serve::KEY).arg("selfplay").arg(&model_dir().1).arg("-o").arg(out);
    for (flag, value) in defaults.iter().filter(|(f, _)| !extra.contains(f)) {
        cmd.args([flag, value]);
    }
    let o = cmd.args(extra).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap()
}

fn spans(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out.join("spans.ndjson"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Two runs with one seed make the same spans (their `when` aside) and
/// the same report; every span says where it came from, and no variation
/// goes deeper than the limit.
#[test]
fn selfplay_is_deterministic_for_a_seed_and_marks_provenance_and_depth() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let ra = selfplay(&a, &["--max-depth", "1"]);
    let rb = selfplay(&b, &["--max-depth", "1"]);
    assert_eq!(ra["rounds"], rb["rounds"]);
    assert_eq!(ra["downstream"], rb["downstream"]);
    let strip = |mut v: Vec<Value>| {
        for s in &mut v {
            s.as_object_mut().unwrap().remove("when");
        }
        v
    };
    let (sa, sb) = (strip(spans(&a)), strip(spans(&b)));
    assert_eq!(sa, sb);
    let rejected_of = |d: &Path| std::fs::read_to_string(d.join("rejected.ndjson")).unwrap();
    assert_eq!(rejected_of(&a), rejected_of(&b), "the same rejections, with the same reasons");
    assert!(!sa.is_empty(), "nothing accepted: {ra}");
    let model = Model::load(&model_dir().1).unwrap();
    let train: std::collections::HashSet<&str> = model.records.iter().map(|r| r.id.as_str()).collect();
    for s in &sa {
        assert!(s["who"].as_str().unwrap().starts_with("logline-selfplay/"), "{s}");
        let m = &s["metadata"]["synthetic"];
        assert!(train.contains(m["seed_id"].as_str().unwrap()), "the seed is a train span: {s}");
        assert!(m["depth"].as_u64().unwrap() <= 1, "{s}");
        assert!(["matcher", "upstream"].contains(&m["responder"].as_str().unwrap()));
        assert!(["seed", "variation"].contains(&m["prompt"].as_str().unwrap()));
        assert!(s["id"].as_str().unwrap().starts_with("synth-s7-r"));
    }
    // Rejections are explained, and every candidate is either accepted or rejected.
    let rejected = std::fs::read_to_string(a.join("rejected.ndjson")).unwrap();
    let gates: Vec<String> = rejected
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["gate"].as_str().unwrap().to_string())
        .collect();
    assert!(gates.iter().all(|g| logline::selfplay::GATES.contains(&g.as_str())), "{gates:?}");
    assert_eq!(ra["candidates"].as_u64().unwrap() as usize, gates.len() + sa.len());
    // With no depth at all there are no variations.
    let c = selfplay(&dir.path().join("c"), &["--max-depth", "0", "--rounds", "1"]);
    assert_eq!(c["rounds"][0]["variations"], 0);
}

/// Accepted spans join the train split of a grown copy of the model: every
/// real span kept as it was (accumulate, never replace), the held-out
/// splits untouched, synthetic spans at most half, and an exact audit
/// finds no pair closer than the dedupe threshold.
#[test]
fn accepted_spans_accumulate_in_the_train_split_and_pass_an_exact_dedupe_audit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("synth");
    let report = selfplay(&out, &[]);
    let model = Model::load(&model_dir().1).unwrap();
    let grown = Model::load(&out.join("model")).unwrap();
    let real = model.records.len();
    let accepted = report["accepted"].as_u64().unwrap() as usize;
    assert!(accepted > 0, "{report}");
    assert_eq!(grown.records.len(), real + accepted);
    for (a, b) in model.records.iter().zip(&grown.records) {
        assert_eq!((&a.id, &a.query, &a.outcome), (&b.id, &b.query, &b.outcome));
    }
    assert!(grown.records[real..].iter().all(|r| r.id.starts_with("synth-")));
    assert_eq!(
        model.heldout.iter().map(|h| &h.trajectory.id).collect::<Vec<_>>(),
        grown.heldout.iter().map(|h| &h.trajectory.id).collect::<Vec<_>>()
    );
    assert!(accepted * 2 <= grown.records.len());
    for i in real..grown.records.len() {
        for j in 0..grown.records.len() {
            if i != j {
                let c = dot(grown.vectors.row(i), grown.vectors.row(j));
                assert!(c <= 0.9 + 1e-4, "{} and {} at cosine {c}", grown.records[i].id, grown.records[j].id);
            }
        }
    }
    let d = &report["downstream"];
    assert!(d["accuracy_with"].is_number() && d["verdict"].as_str().unwrap().contains("real test spans"), "{d}");
    assert!(report["diversity"][0]["real_only"].as_f64().unwrap() > 1.0);
}

/// With `--upstream`, a second server answers every prompt too — here a
/// `logline serve`, which speaks the OpenAI API — and its answers go
/// through the same gates, marked as the upstream's.
#[test]
fn an_upstream_server_answers_every_prompt_beside_the_matcher() {
    let (up, _keys) = crate::serve::start(&["--fallback-below", "0", "--no-feedback"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let url = format!("http://127.0.0.1:{}/v1", up.port);
    let r = selfplay(
        &out,
        &["--rounds", "1", "--prompts-per-round", "8", "--upstream", &url, "--upstream-key-env", "SELFPLAY_TEST_KEY"],
    );
    let by = &r["rounds"][0]["by_responder"];
    assert!(by["upstream"].as_u64().unwrap() >= 1, "{r}");
    assert_eq!(by["upstream"], by["matcher"], "both answer every prompt: {r}");
}
