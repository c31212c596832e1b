//! The Ray driver (`python/`, `logline-ray`) on a real two-node Ray
//! cluster on loopback: `python/tests/test_cluster.py` kills one task's
//! worker (retried), fails another on every attempt (the launch stops), and
//! launches again (only the failed shard runs); the outputs then equal one
//! `logline run` after a canonical sort.

use crate::shard::{assert_same_run, input};
use std::path::Path;
use std::process::Command;

#[test]
fn logline_ray_is_installed_and_explains_its_flags() {
    let Some(python) = crate::common::ray_python() else { return };
    let bin = python.with_file_name("logline-ray");
    let out = Command::new(&bin).args(["run", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for flag in ["--shards", "--address", "--work", "--max-retries", "--cpus-per-task", "shared"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

#[test]
fn ray_two_node_cluster_retries_a_killed_task_relaunches_and_equals_one_run() {
    let Some(python) = crate::common::ray_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = input(dir.path());
    let one = dir.path().join("one");
    let out = Command::new(env!("CARGO_BIN_EXE_logline"))
        .args(["run", "-q", "--reproducible", "-i"])
        .arg(&input)
        .arg("-o")
        .arg(&one)
        .arg("--cache-dir")
        .arg(&cache)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let merged = dir.path().join("merged");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../python/tests/test_cluster.py");
    let out = Command::new(python)
        .arg(script)
        .arg("--logline")
        .arg(env!("CARGO_BIN_EXE_logline"))
        .arg("--input")
        .arg(&input)
        .arg("--out")
        .arg(&merged)
        // The tasks get the driver's LOGLINE_* variables: one cache.
        .env("LOGLINE_CACHE_DIR", &cache)
        .output()
        .unwrap();
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the cluster test failed:\n{log}");
    assert!(log.contains("on 2 nodes"), "{log}");
    eprintln!("{}", log.lines().filter(|l| l.starts_with("ray cluster test")).collect::<Vec<_>>().join("\n"));
    assert_same_run(&one, &merged);
}
