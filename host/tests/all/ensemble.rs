//! Phase 4, `logline ensemble`, on the model of the example spans.

use crate::matcher::model_dir;
use serde_json::Value;
use std::process::Command;

/// The ensemble is built on the calibration split and judged on the test
/// split beside the global matcher, each request's domain matcher and the
/// fixed-weight baseline; each domain expert has its Mondrian coverage.
#[test]
fn the_ensemble_is_judged_on_the_test_split_beside_single_matchers_and_fixed_weights() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ens");
    let o = Command::new(env!("CARGO_BIN_EXE_logline"))
        .arg("ensemble")
        .arg(&model_dir().1)
        .arg("-o")
        .arg(&out)
        .args(["--min-domain", "10", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ens: Value = serde_json::from_str(&std::fs::read_to_string(out.join("ensemble.json")).unwrap()).unwrap();
    let eval: Value = serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).unwrap()).unwrap();
    let experts: Vec<&str> = ens["experts"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(experts.first(), Some(&"(global)"));
    assert_eq!(experts.last(), Some(&"(general)"));
    assert!(experts.len() >= 3, "at least one domain has 10 train spans: {experts:?}");
    assert_eq!(ens["stacking"]["features"].as_array().unwrap().len(), 6);
    let names: Vec<&str> = eval["predictors"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["global matcher", "domain matcher", "fixed weights 0.5/0.5", "stacked ensemble"]);
    let test = eval["test"].as_u64().unwrap();
    for p in eval["predictors"].as_array().unwrap() {
        assert_eq!(p["n"].as_u64(), Some(test));
        let (acc, ece) = (p["accuracy"].as_f64().unwrap(), p["ece"].as_f64().unwrap());
        assert!((0.0..=1.0).contains(&acc) && (0.0..=1.0).contains(&ece), "{p}");
    }
    let per: u64 = eval["per_domain"].as_array().unwrap().iter().map(|d| d["test_spans"].as_u64().unwrap()).sum();
    assert_eq!(per, test, "every test span is in one domain expert's row");
    assert!(eval["verdict"].as_str().unwrap().contains("points"));
    // --json prints the same evaluation on stdout.
    let printed: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(printed, eval);
}
