//! The shard contract (`prepare --shard K/N`, `index build`, `orchestrate
//! WORK --shard K/N`, `report merge`): the same outputs as one `logline
//! run` after a canonical sort, done markers that make a relaunch skip
//! work, and a fixed N per work folder.

use crate::common::example_spans;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn logline(args: &[&str], cache: &Path) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_logline"));
    c.args(args);
    // The steps that embed share one cache.
    if matches!(args[0], "run" | "prepare" | "orchestrate") {
        c.arg("--cache-dir").arg(cache);
    }
    c.output().unwrap()
}

fn ok(args: &[&str], cache: &Path) -> String {
    let out = logline(args, cache);
    assert!(out.status.success(), "logline {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fails(args: &[&str], cache: &Path) -> String {
    let out = logline(args, cache);
    assert!(!out.status.success(), "logline {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The example spans, then a line repeating the first span's id (in the
/// last shard's block: a single run rejects it as `duplicate_id`, so must
/// the shard) and a line that is not JSON.
pub fn input(dir: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(example_spans()).unwrap();
    let first = text.lines().next().unwrap().to_string();
    text.push_str(&first.replacen("\"this\":\"", "\"this\":\"Again: ", 1));
    text.push_str("\n{not json\n");
    let p = dir.join("spans.ndjson");
    std::fs::write(&p, text).unwrap();
    p
}

/// Every line as canonical JSON, sorted.
fn canonical_lines(p: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut v: Vec<String> =
        text.lines().map(|l| serde_json::to_string(&sorted(serde_json::from_str(l).unwrap())).unwrap()).collect();
    v.sort();
    v
}

fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<(String, Value)> = m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(keys.into_iter().collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        x => x,
    }
}

/// A report without what differs by machine and schedule: paths, times,
/// memory, the embedding counters (each shard embeds its own share) and
/// the settings string (the index build's thread count).
fn report(p: &Path) -> Value {
    fn scrub(v: &mut Value) {
        if let Value::Object(m) = v {
            m.retain(|k, _| {
                !matches!(
                    k.as_str(),
                    "output_path"
                        | "rejects_path"
                        | "sidecar_path"
                        | "peak_rss_mb"
                        | "model_secs"
                        | "duration_ms"
                        | "embeddings"
                        | "settings"
                        | "build_ms"
                )
            });
            m.values_mut().for_each(scrub);
        }
    }
    let mut v: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    scrub(&mut v);
    sorted(v)
}

const SPAN_FILES: &[&str] = &[
    "diamonds-enriched.ndjson",
    "diamonds-enriched.rejects.ndjson",
    "diamonds-enriched.duplicates.ndjson",
    "diamonds-plus.ndjson",
    "diamonds-plus.rejects.ndjson",
];
const BYTE_FILES: &[&str] = &["diamonds-enriched.hnsw.bin", "diamonds-enriched.index.bin"];

pub fn assert_same_run(one: &Path, merged: &Path) {
    for f in SPAN_FILES {
        let (a, b) = (canonical_lines(&one.join(f)), canonical_lines(&merged.join(f)));
        assert_eq!(a.len(), b.len(), "{f}: line counts");
        assert!(a == b, "{f} differs");
    }
    for f in BYTE_FILES {
        assert!(std::fs::read(one.join(f)).unwrap() == std::fs::read(merged.join(f)).unwrap(), "{f} differs");
    }
    for f in ["diamonds-enriched.stats.json", "diamonds-plus.report.json"] {
        assert_eq!(report(&one.join(f)), report(&merged.join(f)), "{f}");
    }
    let html = std::fs::read_to_string(merged.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "the merged run has its HTML report");
}

/// The contract run by a shell loop would: every prepare shard, the index,
/// every orchestrate shard, the fold.
fn sharded(input: &Path, work: &Path, out: &Path, n: u32, p0: &[&str], cache: &Path) {
    sharded_with(input, work, out, n, p0, &[], cache)
}

/// [`sharded`] with more `orchestrate` flags (`p1`).
fn sharded_with(input: &Path, work: &Path, out: &Path, n: u32, p0: &[&str], p1: &[&str], cache: &Path) {
    let (i, w, o) = (input.to_str().unwrap(), work.to_str().unwrap(), out.to_str().unwrap());
    for k in 1..=n {
        let s = format!("{k}/{n}");
        let mut args = vec!["prepare", "-q", "-i", i, "-o", w, "--shard", &s];
        args.extend(p0);
        ok(&args, cache);
    }
    ok(&["index", "build", "-q", w, "--reproducible"], cache);
    for k in (1..=n).rev() {
        let s = format!("{k}/{n}");
        let mut args = vec!["orchestrate", "-q", w, "--shard", &s, "--reproducible"];
        args.extend(p1);
        ok(&args, cache);
    }
    ok(&["report", "merge", "-q", w, "-o", o], cache);
}

#[test]
fn sharded_run_equals_one_run_after_a_canonical_sort() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let one = dir.path().join("one");
    let i = input.to_str().unwrap();
    ok(&["run", "-q", "-i", i, "-o", one.to_str().unwrap(), "--reproducible"], &cache);
    let merged = dir.path().join("merged");
    sharded(&input, &dir.path().join("work"), &merged, 3, &[], &cache);
    assert_same_run(&one, &merged);

    // The repeated id is rejected where the single run rejects it, by the
    // last shard, which never held the first line.
    let rejects = std::fs::read_to_string(merged.join("diamonds-enriched.rejects.ndjson")).unwrap();
    assert!(rejects.contains("duplicate_id"), "{rejects}");
    // Nothing is lost: every input line is a span or a reject.
    let stats: Value =
        serde_json::from_slice(&std::fs::read(merged.join("diamonds-enriched.stats.json")).unwrap()).unwrap();
    let lines = std::fs::read_to_string(&input).unwrap().lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(stats["total"].as_u64().unwrap() as usize, lines);
    assert_eq!(
        stats["valid"].as_u64().unwrap() + stats["invalid"].as_u64().unwrap() + stats["filtered"].as_u64().unwrap(),
        lines as u64
    );
}

/// An enzyme gives every span a variant with the same new id. A single run
/// keeps the variant of the first span in input order and rejects the rest
/// as `duplicate_id`; each shard only sees its own, so `report merge` must
/// reject the ids another shard's earlier variant took (it kept one per
/// shard before).
#[test]
fn a_variant_id_two_shards_made_is_kept_once_as_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let i = input.to_str().unwrap();
    // At the default gate the first variant is kept; at 92 the first is
    // below the gate (a gate reject that still takes the id) in some shards.
    for (gate, kept_once) in [(None, 1), (Some(92), 0)] {
        let manifest = dir.path().join(format!("reuse-{gate:?}.toml"));
        let pipeline = gate.map_or(String::new(), |g| format!("[pipeline]\nquality_gate = {g}\n\n"));
        std::fs::write(
            &manifest,
            format!(
                "{pipeline}[[enzyme]]\nname = \"reuse\"\npath = {:?}\nconfig = {{ mode = \"reuse-id\", target = \"span-\" }}\n",
                logline_test_guests::hostile().display().to_string()
            ),
        )
        .unwrap();
        let m = manifest.to_str().unwrap();
        let one = dir.path().join(format!("one-{gate:?}"));
        ok(&["run", "-q", "-i", i, "-o", one.to_str().unwrap(), "--reproducible", "--manifest", m], &cache);
        let merged = dir.path().join(format!("merged-{gate:?}"));
        let work = dir.path().join(format!("work-{gate:?}"));
        sharded_with(&input, &work, &merged, 3, &[], &["--manifest", m], &cache);
        // More than one shard made the id (the case a shard cannot see).
        let makers = (1..=3)
            .filter(|k| {
                let part = work.join(format!("orchestrate/part-{k}"));
                ["diamonds-plus.ndjson", "diamonds-plus.rejects.ndjson"]
                    .iter()
                    .any(|f| std::fs::read_to_string(part.join(f)).unwrap().contains("\"id\":\"s1\""))
            })
            .count();
        assert!(makers >= 2, "the id was made by {makers} shard(s)");
        let kept = |dir: &Path| {
            std::fs::read_to_string(dir.join("diamonds-plus.ndjson")).unwrap().matches("{\"id\":\"s1\"").count()
        };
        assert_eq!(kept(&one), kept_once, "gate {gate:?}");
        assert_eq!(kept(&merged), kept_once, "gate {gate:?}");
        assert_same_run(&one, &merged);
    }
}

#[test]
fn sharded_sidecar_and_dropped_duplicates_equal_one_run() {
    // Sidecar rows are renumbered when the parts are joined, and
    // `--dedupe drop` moves lines after the index is built.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let p0 = ["--embeddings", "sidecar", "--dedupe", "drop", "--dedupe-threshold", "0.9"];
    let one = dir.path().join("one");
    let mut args = vec!["run", "-q", "-i", input.to_str().unwrap(), "-o", one.to_str().unwrap(), "--reproducible"];
    args.extend(p0);
    ok(&args, &cache);
    let merged = dir.path().join("merged");
    sharded(&input, &dir.path().join("work"), &merged, 2, &p0, &cache);
    assert_same_run(&one, &merged);
    let npy = "diamonds-enriched.embeddings.npy";
    assert!(std::fs::read(one.join(npy)).unwrap() == std::fs::read(merged.join(npy)).unwrap(), "{npy} differs");
}

#[test]
fn a_relaunch_skips_done_shards_and_n_is_fixed_per_work_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let (i, work) = (input.to_str().unwrap(), dir.path().join("work"));
    let w = work.to_str().unwrap();
    ok(&["prepare", "-q", "-i", i, "-o", w, "--shard", "2/2"], &cache);

    // Each later step names what it waits for.
    let e = fails(&["index", "build", w], &cache);
    assert!(e.contains("shard(s) 1 of 2"), "{e}");
    let e = fails(&["orchestrate", w, "--shard", "1/2"], &cache);
    assert!(e.contains("index is not built"), "{e}");
    // N is fixed by the first task.
    let e = fails(&["prepare", "-i", i, "-o", w, "--shard", "1/3"], &cache);
    assert!(e.contains("set up for 2 shards") && e.contains("says 3"), "{e}");
    // So is the input.
    let other = dir.path().join("other.ndjson");
    std::fs::copy(example_spans(), &other).unwrap();
    let e = fails(&["prepare", "-i", other.to_str().unwrap(), "-o", w, "--shard", "1/2"], &cache);
    assert!(e.contains("for the input"), "{e}");

    // A done shard is skipped, and says so.
    let marker = work.join("_done/prepare/2");
    let before = std::fs::read(&marker).unwrap();
    let e = ok(&["prepare", "-i", i, "-o", w, "--shard", "2/2"], &cache);
    assert!(e.contains("already done"), "{e}");
    assert_eq!(std::fs::read(&marker).unwrap(), before, "the marker is untouched");

    ok(&["prepare", "-q", "-i", i, "-o", w, "--shard", "1/2"], &cache);
    ok(&["index", "build", "-q", w], &cache);
    let e = ok(&["index", "build", w], &cache);
    assert!(e.contains("already done"), "{e}");
    ok(&["orchestrate", "-q", w, "--shard", "1/2"], &cache);
    let e = fails(&["report", "merge", w, "-o", dir.path().join("out").to_str().unwrap()], &cache);
    assert!(e.contains("shard(s) 2 of 2"), "{e}");
    // Every shard runs the same Phase 1.
    let e = fails(&["orchestrate", w, "--shard", "2/2", "--quality-gate", "10"], &cache);
    assert!(e.contains("other settings"), "{e}");
    ok(&["orchestrate", "-q", w, "--shard", "2/2"], &cache);
    ok(&["report", "merge", "-q", w, "-o", dir.path().join("out").to_str().unwrap()], &cache);
}

#[test]
fn index_build_refuses_a_part_cut_short() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let (i, work) = (input.to_str().unwrap(), dir.path().join("work"));
    let w = work.to_str().unwrap();
    for k in ["1/2", "2/2"] {
        ok(&["prepare", "-q", "-i", i, "-o", w, "--shard", k], &cache);
    }
    let part = work.join("prepare/part-2.ndjson");
    let text = std::fs::read_to_string(&part).unwrap();
    let cut: Vec<&str> = text.lines().collect();
    std::fs::write(&part, cut[..cut.len() - 1].join("\n") + "\n").unwrap();
    let e = fails(&["index", "build", w], &cache);
    assert!(e.contains("shard 2") && e.contains("again"), "{e}");
    assert!(!work.join("_done/index").exists());
}

#[test]
fn device_cuda_without_a_gpu_falls_back_to_the_cpu_and_says_why() {
    // No GPU here (nor in CI): the run goes on, on the CPU, with the same
    // vectors, and a warning naming the reason. Without `setup.sh --cuda`
    // the reason is the missing CUDA build of ONNX Runtime; with it, the CUDA
    // build loads with its libraries and the provider finds no driver.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let (cpu, gpu) = (dir.path().join("cpu"), dir.path().join("gpu"));
    ok(&["prepare", "-q", "-i", input.to_str().unwrap(), "-o", cpu.to_str().unwrap()], &cache);
    let out = Command::new(env!("CARGO_BIN_EXE_logline"))
        .args(["prepare", "-i", input.to_str().unwrap(), "-o", gpu.to_str().unwrap(), "--device", "cuda", "--no-cache"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("--device cuda") && err.contains("on the CPU instead"), "{err}");
    let models = std::env::var_os("LOGLINE_MODEL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../models"));
    let f = "diamonds-enriched.ndjson";
    assert_eq!(canonical_lines(&cpu.join(f)), canonical_lines(&gpu.join(f)));
    if !models.join("onnxruntime-gpu/libonnxruntime.so").exists() {
        assert!(err.contains("no CUDA build of ONNX Runtime") && err.contains("setup.sh --cuda"), "{err}");
        return;
    }
    // Set up: a CUDA library needs the driver, and says so.
    assert!(err.contains("libcuda.so.1"), "{err}");
    // The CUDA build of ONNX Runtime itself loads (without the preloads its
    // provider fails instead) and its CPU path gives the same vectors.
    let bare = dir.path().join("bare");
    let out = Command::new(env!("CARGO_BIN_EXE_logline"))
        .args(["prepare", "-i", input.to_str().unwrap(), "-o", bare.to_str().unwrap(), "--cuda", "--no-cache"])
        .env("LOGLINE_CUDA_DIR", dir.path().join("no-cuda-libs"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("CUDA execution provider") && err.contains("on the CPU instead"), "{err}");
    assert_eq!(canonical_lines(&cpu.join(f)), canonical_lines(&bare.join(f)));
}
