//! `report.html` after `logline run` on the example spans: self-contained,
//! rebuilt identically by `logline report`, and rendered by a real browser
//! (headless Chromium) with no console errors and data in every plot.

use crate::common::{chromium, example_spans, logline};
use std::path::Path;
use std::process::Command;

fn run_into(dir: &Path) {
    let o = logline(&["run", "-i", example_spans().to_str().unwrap(), "-o", dir.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn run_writes_a_self_contained_report_that_report_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path());
    let path = dir.path().join("report.html");
    let html = std::fs::read_to_string(&path).unwrap();
    // Nothing is fetched: no external script, style, image or font.
    for needle in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(needle), "report.html refers to something outside it: {needle}");
    }
    assert_eq!(html.matches("http").count(), html.matches("http://www.w3.org/2000/svg").count());
    for part in ["Phase 0", "Duplicates", "Quality before and after", "Gate pass rate by did", "Enzymes: calls"] {
        assert!(html.contains(part), "report.html lacks {part}");
    }
    std::fs::remove_file(&path).unwrap();
    let o = logline(&["report", dir.path().to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), html, "rebuilt from the same files");

    let empty = tempfile::tempdir().unwrap();
    let o = logline(&["report", empty.path().to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("run `logline run` first"));
}

/// Chromium as the environment notes start it: headless, no sandbox (root),
/// no background networking, a fresh profile.
fn chromium_cmd(bin: &Path, profile: &Path) -> Command {
    let mut c = Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn the_report_renders_in_headless_chromium_with_data_in_every_plot_and_no_console_errors() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path());
    let url = format!("file://{}", dir.path().join("report.html").display());
    let o = chromium_cmd(&bin, &dir.path().join("profile")).arg("--dump-dom").arg(&url).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let body = dom.split("<body").nth(1).and_then(|b| b.split('>').next()).unwrap_or("");
    let attr = |name: &str| -> Option<u64> {
        body.split(&format!("{name}=\"")).nth(1).and_then(|v| v.split('"').next()).and_then(|v| v.parse().ok())
    };
    let (plots, ok, errors) = (attr("data-plots"), attr("data-plots-ok"), attr("data-errors"));
    assert!(plots.is_some_and(|n| n >= 10), "the page's check did not run: <body{body}>");
    assert_eq!(ok, plots, "every plot drew its data: <body{body}>");
    assert_eq!(errors, Some(0));

    // A screenshot, kept as an artefact where the test's temp files live.
    let keep = std::env::temp_dir().join("logline-report-test");
    std::fs::create_dir_all(&keep).unwrap();
    let shot = keep.join("report.png");
    let o = chromium_cmd(&bin, &dir.path().join("profile2"))
        .args(["--window-size=1000,4000", &format!("--screenshot={}", shot.display()), &url])
        .output()
        .unwrap();
    assert!(
        o.status.success() && std::fs::metadata(&shot).unwrap().len() > 10_000,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    eprintln!("screenshot: {}", shot.display());
}
