//! Crash safety: `logline run` killed with SIGKILL at many points, then
//! `--resume`d, ends with the same outputs as an uninterrupted run.

use crate::common::example_spans;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn logline(out: &Path, cache: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_logline"));
    c.args([
        "run",
        "--quiet",
        "--reproducible",
        "--resume",
        "--batch-size",
        "8",
        "--checkpoint-every",
        "1",
        "--workers",
        "2",
    ])
    .arg("-i")
    .arg(example_spans())
    .arg("-o")
    .arg(out)
    .arg("--cache-dir")
    .arg(cache)
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    c
}

fn line_set(p: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).lines().map(str::to_string).collect()
}

const OUTPUTS: &[&str] = &[
    "diamonds-enriched.ndjson",
    "diamonds-enriched.rejects.ndjson",
    "diamonds-plus.ndjson",
    "diamonds-plus.rejects.ndjson",
];

#[test]
fn killed_runs_resume_to_the_same_outputs() {
    let cache = tempfile::tempdir().unwrap();
    let reference = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = logline(reference.path(), cache.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let full = start.elapsed();
    // A warm second run is the one the kills interrupt.
    let warm = tempfile::tempdir().unwrap();
    let start = Instant::now();
    assert!(logline(warm.path(), cache.path()).status().unwrap().success());
    let warm_time = start.elapsed();
    eprintln!("uninterrupted run: {full:?} cold, {warm_time:?} warm");

    // Deterministic "random" kill points spread over the warm run's length.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let trials = 10;
    let mut interrupted = 0;
    for k in 0..trials {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let jitter = (x % 1000) as f64 / 1000.0;
        let mut at = warm_time.mul_f64((k as f64 + jitter) / (trials as f64 + 1.0));
        // Kill once; every other trial, kill the first resume too. The warm
        // run was timed while other tests shared the cores: when a run now
        // ends before its kill, the trial starts again, killing earlier.
        let dir = loop {
            let dir = tempfile::tempdir().unwrap();
            let mut landed = 0;
            for _ in 0..(1 + k % 2) {
                let mut child = logline(dir.path(), cache.path()).spawn().unwrap();
                std::thread::sleep(at);
                if child.try_wait().unwrap().is_none() {
                    landed += 1;
                }
                let _ = child.kill();
                let _ = child.wait();
            }
            if landed > 0 || at < std::time::Duration::from_millis(20) {
                interrupted += landed;
                break dir;
            }
            at /= 2;
        };
        let out = logline(dir.path(), cache.path()).output().unwrap();
        assert!(out.status.success(), "trial {k} (killed at {at:?}): {}", String::from_utf8_lossy(&out.stderr));
        for f in OUTPUTS {
            let (a, b) = (line_set(&reference.path().join(f)), line_set(&dir.path().join(f)));
            assert!(a == b, "trial {k} (killed at {at:?}): {f} differs: {} vs {} lines", a.len(), b.len());
        }
        for f in std::fs::read_dir(dir.path()).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().to_string();
            assert!(!name.ends_with(".partial"), "trial {k}: {name} left behind");
        }
    }
    assert!(interrupted >= 10, "only {interrupted} kills landed while the run was going");
}

/// `--resume` reuses a finished Phase 0 only under the same settings: a
/// changed `--dedupe` runs it again (and the stats' copy of the index
/// manifest then lists the dropped nodes, as the manifest file does).
#[test]
fn resume_reruns_phase0_when_its_settings_changed() {
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let o = logline(out.path(), cache.path()).args(["--skip-phase1"]).args(extra).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stats = out.path().join("diamonds-enriched.stats.json");
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(stats).unwrap()).unwrap()
    };
    let first = run(&[]);
    assert_eq!(first["duplicates"]["mode"], "mark");
    let same = run(&[]);
    assert_eq!(same["duration_ms"], first["duration_ms"], "the same settings: Phase 0 is reused");
    let dropped = run(&["--dedupe", "drop"]);
    assert_eq!(dropped["duplicates"]["mode"], "drop", "changed settings: Phase 0 ran again");
    let n = dropped["duplicates"]["dropped"].as_u64().unwrap();
    assert!(n > 0, "the example spans hold duplicates");
    assert_eq!(dropped["index"]["removed"].as_array().unwrap().len() as u64, n);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("diamonds-enriched.hnsw.json")).unwrap()).unwrap();
    assert_eq!(manifest["removed"], dropped["index"]["removed"]);
}
