//! `logline scorer train / eval / run --scorer` on the committed labelled
//! fixture (bench/quality/fixture: questions and graded answers written for
//! LogLine, plus garbage made from them), with the real model.

use crate::common::{example_spans, shared_embedder};
use crate::pipeline::{lines, orchestrate_into, prepare_opts, prepared};
use logline::pipeline::orchestrate;
use logline::score::labelled::{self, Where};
use logline::score::model::{TrainOptions, TrainedScorer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/quality/fixture/labelled.ndjson")
}

fn split(name: &str) -> Vec<Where> {
    vec![format!("metadata.split={name}").parse().unwrap()]
}

fn read(name: &str) -> labelled::Labelled {
    let mut d = labelled::read(&fixture(), "metadata.grade", &split(name)).unwrap();
    labelled::ensure_embeddings(&mut d.spans, shared_embedder()).unwrap();
    d
}

/// A scorer trained on the fixture's train split, saved once.
fn trained() -> &'static (tempfile::TempDir, PathBuf) {
    static T: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    T.get_or_init(|| {
        let e = shared_embedder();
        let opts =
            TrainOptions { label: "metadata.grade".into(), label_range: Some([0.0, 10.0]), ..Default::default() };
        let scorer = labelled::train(&read("train"), &opts, e.model_key(), e.dims()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = scorer.save(dir.path()).unwrap();
        (dir, path)
    })
}

#[test]
fn a_scorer_trained_on_labels_ranks_held_out_spans_better_than_length() {
    let loaded = TrainedScorer::load(&trained().1).unwrap();
    let (ev, predictions) = labelled::evaluate(&loaded, &read("valid"), None, Some("metadata.topic")).unwrap();
    let by = |n: &str| ev.agreement.iter().find(|a| a.name == n).unwrap().clone();
    let (model, length) = (by("trained scorer"), by("answer length"));
    assert!(ev.spans >= 30, "{}", ev.table());
    assert!(model.spearman >= 0.6, "{}", ev.table());
    assert!(model.spearman > length.spearman && model.auc > length.auc, "{}", ev.table());
    assert!(ev.table().contains("calibration"));
    // One prediction per span measured, and a row per group whose counts add up.
    assert_eq!(predictions.len(), ev.spans);
    assert_eq!(ev.group_table.iter().map(|g| g.spans).sum::<usize>(), ev.spans);
    assert_eq!(ev.group_table.len(), ev.groups.unwrap());
    assert!(ev.group_table.windows(2).all(|w| w[0].mean_label >= w[1].mean_label), "{}", ev.table());
}

#[test]
fn group_means_in_the_eval_table_match_the_predictions() {
    let loaded = TrainedScorer::load(&trained().1).unwrap();
    let (ev, predictions) = labelled::evaluate(&loaded, &read("valid"), None, Some("metadata.topic")).unwrap();
    for g in &ev.group_table {
        let mine: Vec<&labelled::Prediction> =
            predictions.iter().filter(|p| p.group.as_deref() == Some(g.group.as_str())).collect();
        let mean = mine.iter().map(|p| p.label).sum::<f64>() / mine.len() as f64;
        assert_eq!(mine.len(), g.spans);
        assert!((mean - g.mean_label).abs() < 1e-3, "{} {mean} {}", g.group, g.mean_label);
    }
}

#[test]
fn garbage_gets_a_low_estimate_from_a_trained_scorer() {
    let loaded = TrainedScorer::load(&trained().1).unwrap();
    let valid = read("valid");
    let (mut garbage, mut good) = (Vec::new(), Vec::new());
    for (s, y) in valid.spans.iter().zip(&valid.labels) {
        let Some(p) = loaded.model.predict(s) else { continue };
        if labelled::field(s, "metadata.garbage_kind").is_some() {
            garbage.push(p);
        } else if *y >= 8.0 {
            good.push(p);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    assert!(!garbage.is_empty() && !good.is_empty());
    assert!(mean(&garbage) + 25.0 < mean(&good), "garbage {garbage:?} good {good:?}");
}

#[test]
fn run_with_a_scorer_estimates_with_it_and_keeps_the_owners_label() {
    let out = tempfile::tempdir().unwrap();
    let loaded = TrainedScorer::load(&trained().1).unwrap();
    let sha = loaded.sha256[..12].to_string();
    let input = logline::pipeline::prepare::outputs(prepared().0.path()).0;
    let opts = orchestrate::OrchestrateOptions {
        input,
        out_dir: out.path().to_path_buf(),
        manifest: logline::manifest::bundled(),
        workers: 2,
        scorer: Some(loaded),
        resume: false,
        reproducible: true,
        progress: logline::progress::Mode::Quiet,
        shard: None,
    };
    orchestrate::orchestrate(&opts, crate::common::shared_host(), shared_embedder()).unwrap();
    let plus = std::fs::read_to_string(orchestrate::outputs(out.path()).0).unwrap();
    let mut seen = 0;
    for line in plus.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let q = &v["transformation_log"][0]["quality_dimensions"];
        if q["estimated_by"] == sha.as_str() {
            seen += 1;
            // Labelled spans: the owner's label is still the prior.
            if let Some(l) = q["label"].as_f64() {
                assert_eq!(q["prior"].as_f64(), Some(l), "{q}");
            }
        }
    }
    assert!(seen > 0, "no verdict names the scorer");
    // Without it, the same run names no scorer.
    let plain = tempfile::tempdir().unwrap();
    orchestrate_into(plain.path(), logline::manifest::bundled(), true).unwrap();
    let text = std::fs::read_to_string(orchestrate::outputs(plain.path()).0).unwrap();
    assert!(!text.contains("estimated_by"));
}

#[test]
fn a_scorer_for_another_embedding_model_is_refused_by_run() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&trained().1).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["embedding_model"] = "some-other-model:0123".into();
    std::fs::write(dir.path().join("scorer.json"), v.to_string()).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_logline"))
        .args(["-q", "run", "-i"])
        .arg(example_spans())
        .arg("-o")
        .arg(&out)
        .arg("--scorer")
        .arg(dir.path())
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("some-other-model") && err.contains("Train the scorer again"), "{err}");
}

#[test]
fn scorer_train_and_eval_work_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let scorer = dir.path().join("scorer");
    let run = |args: &[&str]| {
        let o = crate::common::logline(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let f = fixture();
    let f = f.to_str().unwrap();
    let s = scorer.to_str().unwrap();
    let cache = dir.path().join("cache");
    let c = cache.to_str().unwrap();
    // `scorer train` on the fixture's train split into `out`, with `extra` flags.
    let train = |out: &str, extra: &[&str]| {
        let base = ["--json", "-q", "scorer", "train", "-i", f, "--label", "metadata.grade"];
        let rest = ["--where", "metadata.split=train", "-o", out, "--cache-dir", c];
        run(&[&base[..], extra, &rest[..]].concat())
    };
    train(s, &[]);
    assert!(scorer.join("scorer.json").is_file());
    let json =
        run(&["--json", "-q", "scorer", "eval", s, "-i", f, "--where", "metadata.split=valid", "--cache-dir", c]);
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    let names: Vec<&str> = v["agreement"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["trained scorer", "answer length", "query-answer cosine", "heuristic estimate"]);
    // Labels relative to the other answers of each question: every fixture
    // question has two or more, so none is left out, and it still ranks.
    let relative = dir.path().join("relative");
    let r = relative.to_str().unwrap();
    let json = train(r, &["--within-group"]);
    let t: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!((t["within_group"].as_bool(), t["alone_in_group"].as_u64()), (Some(true), Some(0)), "{t}");
    assert!(t["valid_spearman"].as_f64().unwrap() > 0.3, "{t}");
    // A bad line names its file and line.
    let bad = dir.path().join("bad.ndjson");
    std::fs::write(&bad, "{\"id\":\"x\"}\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_logline"))
        .args(["-q", "scorer", "train", "-i", bad.to_str().unwrap(), "--label", "metadata.grade", "-o", s])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.ndjson:1"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Phase 0 then Phase 1 with the bundled manifest on `input`, in `dir`;
/// returns Phase 1's output folder.
fn through_the_default_gate(input: &Path, dir: &Path) -> PathBuf {
    let prep = dir.join("prep");
    logline::pipeline::prepare::prepare(&prepare_opts(input, &prep), shared_embedder()).unwrap();
    let out = dir.join("out");
    let opts = orchestrate::OrchestrateOptions {
        input: logline::pipeline::prepare::outputs(&prep).0,
        out_dir: out.clone(),
        manifest: logline::manifest::bundled(),
        workers: 2,
        scorer: None,
        resume: false,
        reproducible: true,
        progress: logline::progress::Mode::Quiet,
        shard: None,
    };
    orchestrate::orchestrate(&opts, crate::common::shared_host(), shared_embedder()).unwrap();
    out
}

/// The default manifest's gate on the fixture: every kind of garbage is
/// capped, and the real answers are kept. One swapped answer may pass: a
/// Rust borrow explanation under a C segfault question embeds at 0.29, on
/// the same topic, above the cosine (0.25) below which the relevance model is
/// asked (BENCHMARKS.md, #19).
#[test]
fn the_default_gate_drops_the_fixtures_garbage_and_keeps_its_answers() {
    let dir = tempfile::tempdir().unwrap();
    let out = through_the_default_gate(&fixture(), dir.path());
    let kept: std::collections::HashSet<String> =
        lines(&orchestrate::outputs(&out).0).iter().map(|v| v["id"].as_str().unwrap().to_string()).collect();
    let mut kinds: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let (mut real, mut real_kept, mut strong_dropped) = (0, 0, Vec::new());
    for s in lines(&fixture()) {
        let id = s["id"].as_str().unwrap().to_string();
        let m = &s["metadata"];
        if let Some(kind) = m["garbage_kind"].as_str() {
            let k = kinds.entry(kind.to_string()).or_default();
            k.0 += 1;
            k.1 += kept.contains(&id) as usize;
        } else {
            real += 1;
            real_kept += kept.contains(&id) as usize;
            if m["grade"].as_f64().unwrap() >= 8.0 && !kept.contains(&id) {
                strong_dropped.push(id);
            }
        }
    }
    assert_eq!(kinds.len(), 8, "{kinds:?}");
    for (kind, (n, k)) in &kinds {
        let allowed = if kind == "swapped" { 1 } else { 0 };
        assert!(*k <= allowed, "{kind}: {k} of {n} kept; {kinds:?}");
    }
    assert!(strong_dropped.is_empty(), "answers graded 8+ dropped: {strong_dropped:?}");
    assert!(real_kept as f64 >= 0.97 * real as f64, "{real_kept} of {real} real answers kept");
}

/// "How do I build a PC?" answered with a guide to learning guitar embeds at
/// 0.17 from its question and shares words with it ("build", "start"): the
/// run asks the relevance model, which reads the pair as no answer, and the
/// gate rejects it with that reason; the two real answers pass.
#[test]
fn a_swapped_answer_the_relevance_model_reads_as_no_answer_is_rejected() {
    let guitar = "Learning guitar can be a fun and rewarding experience, but it takes practice. Start with a few basic \
                  open chords, practise switching between them slowly, build up finger strength a little every day, \
                  and learn simple songs you love so that you stay motivated.";
    let pc = "Start by choosing a CPU and a motherboard with the same socket, then add RAM, a power supply, storage \
              and a case. Mount the CPU and its cooler on the motherboard, fit the RAM, put the board in the case, \
              connect the power supply cables, install the graphics card and the SSD, and boot into the BIOS to \
              check that everything is detected.";
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    let rows = [
        ("swapped", "How do I build a PC?", guitar),
        ("pc", "How do I build a PC?", pc),
        ("guitar", "How should a beginner start learning the guitar?", guitar),
    ];
    let text: String = rows
        .iter()
        .map(|(id, q, a)| {
            serde_json::json!({"id": id, "who": "user:x", "did": "ask_question", "this": q,
                "when": "2024-05-01T10:00:00Z", "status": "completed", "if_ok": a, "metadata": {"quality_score": 90}})
            .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(&input, text).unwrap();
    let out = through_the_default_gate(&input, dir.path());
    let (kept, rejects, _, _) = orchestrate::outputs(&out);
    let kept: Vec<String> = lines(&kept).iter().map(|v| v["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(kept, ["pc", "guitar"]);
    let rejected = lines(&rejects);
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["id"], "swapped");
    let detail = rejected[0]["detail"].as_str().unwrap();
    assert!(detail.starts_with("off_topic: the relevance model reads it as no answer"), "{detail}");
}
