//! `OUT/report.html`: one self-contained page (no network, no scripts or
//! fonts from elsewhere) with inline SVG plots of a run, built from the
//! files the phases wrote: Phase 0's stats, the duplicate groups, Phase 1's
//! report, its outputs (gate pass by `did` and domain) and the summary.
//!
//! The plots are drawn here as plain SVG (bars and paired bars: a few
//! dozen lines, where a plotting crate would add a font stack for the
//! same). Every plot is a `<figure class="plot" data-points="N">`; a small
//! inline script checks that each one drew its points and records the
//! result on `<body>` (`data-plots-ok`, `data-errors`), which the browser
//! test reads.

use super::{Phase0Stats, Phase1Report};
use crate::pipeline::{orchestrate, prepare};
use anyhow::Context as _;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The report's file name in the run's folder.
pub const FILE: &str = "report.html";

/// One series of labelled values.
struct Bars<'a> {
    title: &'a str,
    /// (label, values): one value per series.
    rows: Vec<(String, Vec<f64>)>,
    series: &'a [&'a str],
    /// How a value is printed.
    unit: &'a str,
}

const COLOURS: [&str; 3] = ["#3b6ea8", "#d08c2b", "#5a9a5a"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn number(x: f64, unit: &str) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}{unit}") } else { format!("{x:.1}{unit}") }
}

/// A horizontal bar chart (one bar per series and row).
fn bars(b: &Bars) -> String {
    let label_w = 190.0;
    let plot_w = 420.0;
    let bar_h = 14.0;
    let gap = 6.0;
    let k = b.series.len().max(1) as f64;
    let row_h = bar_h * k + gap;
    let legend_h = if b.series.len() > 1 { 22.0 } else { 0.0 };
    let height = legend_h + row_h * b.rows.len() as f64 + gap;
    let width = label_w + plot_w + 80.0;
    let max = b.rows.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0f64, f64::max).max(1e-9);
    let points = b.rows.iter().map(|(_, v)| v.len()).sum::<usize>();
    let mut s = String::new();
    let _ = write!(
        s,
        "<figure class=\"plot\" data-points=\"{points}\"><figcaption>{}</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">",
        esc(b.title)
    );
    if b.series.len() > 1 {
        for (i, name) in b.series.iter().enumerate() {
            let x = label_w + i as f64 * 140.0;
            let _ = write!(
                s,
                "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"14\">{}</text>",
                COLOURS[i % 3],
                x + 16.0,
                esc(name)
            );
        }
    }
    for (r, (label, values)) in b.rows.iter().enumerate() {
        let y0 = legend_h + r as f64 * row_h;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y0 + row_h / 2.0 + 2.0,
            esc(label)
        );
        for (i, v) in values.iter().enumerate() {
            let w = (v / max * plot_w).max(if *v > 0.0 { 1.0 } else { 0.0 });
            let y = y0 + i as f64 * bar_h;
            let _ = write!(
                s,
                "<rect class=\"bar\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\
                 <text x=\"{:.1}\" y=\"{}\">{}</text>",
                bar_h - 2.0,
                COLOURS[i % 3],
                esc(label),
                number(*v, b.unit),
                label_w + w + 4.0,
                y + bar_h - 4.0,
                number(*v, b.unit)
            );
        }
    }
    s.push_str("</svg></figure>\n");
    s
}

fn top(map: &BTreeMap<String, u64>, n: usize) -> Vec<(String, Vec<f64>)> {
    let mut v: Vec<(&String, &u64)> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(n).map(|(k, c)| (k.clone(), vec![*c as f64])).collect()
}

/// The labels of the ten score buckets.
fn deciles() -> Vec<String> {
    (0..10).map(|i| if i == 9 { "90–100".to_string() } else { format!("{}–{}", i * 10, i * 10 + 10) }).collect()
}

/// Gate pass counts by `did` and by domain, from Phase 1's outputs.
#[derive(Default)]
struct Pass {
    by_did: BTreeMap<String, (u64, u64)>,
    by_domain: BTreeMap<String, (u64, u64)>,
}

#[derive(Deserialize)]
struct Light {
    did: String,
    #[serde(default)]
    context: Option<serde_json::Value>,
}

fn pass_counts(dir: &Path) -> anyhow::Result<Pass> {
    let (plus, rejects, ..) = orchestrate::outputs(dir);
    let mut p = Pass::default();
    let mut add = |l: Light, passed: bool| {
        let domain = l
            .context
            .as_ref()
            .and_then(|c| c.get("environment"))
            .and_then(|e| e.as_str())
            .unwrap_or("(none)")
            .to_string();
        for (map, key) in [(&mut p.by_did, l.did), (&mut p.by_domain, domain)] {
            let e = map.entry(key).or_default();
            e.1 += 1;
            if passed {
                e.0 += 1;
            }
        }
    };
    for (path, passed) in [(plus, true), (rejects, false)] {
        if !path.is_file() {
            continue;
        }
        // Streamed: with inline vectors these files are large.
        let file = std::fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
        for line in std::io::BufRead::lines(std::io::BufReader::new(file)) {
            let line = line.with_context(|| format!("reading {}", path.display()))?;
            let line = line.as_str();
            if passed {
                if let Ok(l) = serde_json::from_str::<Light>(line) {
                    add(l, true);
                }
            } else {
                #[derive(Deserialize)]
                struct Reject {
                    stage: String,
                    span: Option<Light>,
                }
                // The gate's rejects; the chain's and invalid lines never reached it.
                if let Ok(Reject { stage, span: Some(l) }) = serde_json::from_str::<Reject>(line)
                    && stage == "gate"
                {
                    add(l, false);
                }
            }
        }
    }
    Ok(p)
}

fn pass_rows(map: &BTreeMap<String, (u64, u64)>, n: usize) -> Vec<(String, Vec<f64>)> {
    let mut v: Vec<(&String, &(u64, u64))> = map.iter().collect();
    v.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
    v.into_iter()
        .take(n)
        .map(|(k, (passed, total))| (format!("{k} ({total})"), vec![*passed as f64 * 100.0 / (*total).max(1) as f64]))
        .collect()
}

fn table(rows: &[(&str, String)]) -> String {
    let mut s = String::from("<table>");
    for (k, v) in rows {
        let _ = write!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
    }
    s.push_str("</table>\n");
    s
}

/// Build `dir/report.html` from what the phases left in `dir`.
pub fn write(dir: &Path) -> anyhow::Result<PathBuf> {
    let (_, _, stats_path, _) = prepare::outputs(dir);
    let (_, _, report_path, _) = orchestrate::outputs(dir);
    let read = |p: &Path| -> anyhow::Result<Option<Vec<u8>>> {
        if p.is_file() {
            Ok(Some(std::fs::read(p).with_context(|| format!("reading {}", p.display()))?))
        } else {
            Ok(None)
        }
    };
    let p0: Option<Phase0Stats> = read(&stats_path)?
        .map(|b| serde_json::from_slice(&b).with_context(|| format!("{}: not Phase 0 stats", stats_path.display())))
        .transpose()?;
    let p1: Option<Phase1Report> = read(&report_path)?
        .map(|b| serde_json::from_slice(&b).with_context(|| format!("{}: not a Phase 1 report", report_path.display())))
        .transpose()?;
    anyhow::ensure!(
        p0.is_some() || p1.is_some(),
        "{} has neither {} nor {}: run `logline run` first",
        dir.display(),
        stats_path.display(),
        report_path.display()
    );

    let mut body = String::new();
    if let Some(s) = &p0 {
        body.push_str("<h2>Phase 0 — prepare</h2>\n");
        body.push_str(&table(&[
            ("input", s.input.clone()),
            ("lines", s.total.to_string()),
            ("valid", s.valid.to_string()),
            ("in the enriched output", s.spans_out().to_string()),
            ("mean input quality", s.mean_input_quality.map_or("–".into(), |q| format!("{q:.1}"))),
            (
                "took",
                format!(
                    "{:.1} s ({:.0} lines/s)",
                    s.duration_ms / 1000.0,
                    s.total as f64 / (s.duration_ms / 1000.0).max(1e-9)
                ),
            ),
        ]));
        let mut outcome = vec![("valid".to_string(), vec![s.valid as f64])];
        for (k, v) in &s.rejected.0 {
            outcome.push((k.trim_start_matches("dropped_").to_string(), vec![*v as f64]));
        }
        body.push_str(&bars(&Bars { title: "Input lines by outcome", rows: outcome, series: &["lines"], unit: "" }));
        if !s.reasons.is_empty() {
            body.push_str(&bars(&Bars {
                title: "Reject reasons (a line may have several)",
                rows: top(&s.reasons, 15),
                series: &["lines"],
                unit: "",
            }));
        }
        if s.input_quality_histogram.iter().any(|&n| n > 0) {
            let rows = deciles().into_iter().zip(s.input_quality_histogram).map(|(l, n)| (l, vec![n as f64])).collect();
            body.push_str(&bars(&Bars {
                title: "Input quality (the owner's label) of valid spans",
                rows,
                series: &["spans"],
                unit: "",
            }));
        }
        for (title, map) in [
            ("Domains (top 15)", &s.domains),
            ("Actions — did (top 15)", &s.actions),
            ("Semantic tags (top 15)", &s.tags),
        ] {
            if !map.is_empty() {
                body.push_str(&bars(&Bars { title, rows: top(map, 15), series: &["spans"], unit: "" }));
            }
        }
        if let Some(d) = &s.duplicates {
            body.push_str(&format!(
                "<h3>Duplicates</h3><p>{} duplicates in {} groups ({} exact, {} semantic at cosine ≥ {}), {}; groups in <code>{}</code>.</p>\n",
                d.duplicates,
                d.groups,
                d.exact,
                d.semantic,
                d.threshold,
                if d.mode == "drop" { format!("{} dropped", d.dropped) } else { "marked, none dropped".into() },
                esc(&crate::dedupe::groups_path(dir, prepare::STEM).file_name().unwrap_or_default().to_string_lossy())
            ));
            if !d.sizes.is_empty() {
                let order = ["2", "3", "4-9", "10+"];
                let rows = order
                    .iter()
                    .filter_map(|k| d.sizes.get(*k).map(|n| (format!("size {k}"), vec![*n as f64])))
                    .collect();
                body.push_str(&bars(&Bars { title: "Duplicate groups by size", rows, series: &["groups"], unit: "" }));
            }
        }
    }
    if let Some(r) = &p1 {
        body.push_str("<h2>Phase 1 — orchestrate</h2>\n");
        body.push_str(&table(&[
            ("processed", r.total_processed.to_string()),
            ("passed the gate", format!("{} ({:.1} %)", r.diamonds_plus + r.diamonds_original, r.pass_rate * 100.0)),
            ("gate", format!("{}", r.quality_gate)),
            ("mean change in score", format!("{:+.2}", r.avg_quality_improvement)),
            (
                "took",
                format!(
                    "{:.1} s ({:.0} spans/s)",
                    r.duration_ms / 1000.0,
                    r.total_processed as f64 / (r.duration_ms / 1000.0).max(1e-9)
                ),
            ),
        ]));
        let rows = deciles()
            .into_iter()
            .enumerate()
            .map(|(i, l)| (l, vec![r.quality_histogram_before[i] as f64, r.quality_histogram_after[i] as f64]))
            .collect();
        body.push_str(&bars(&Bars {
            title: "Quality before and after the enzymes",
            rows,
            series: &["before", "after"],
            unit: "",
        }));
        let pass = pass_counts(dir)?;
        if !pass.by_did.is_empty() {
            body.push_str(&bars(&Bars {
                title: "Gate pass rate by did (spans), top 15",
                rows: pass_rows(&pass.by_did, 15),
                series: &["% passed"],
                unit: " %",
            }));
            body.push_str(&bars(&Bars {
                title: "Gate pass rate by domain (spans), top 15",
                rows: pass_rows(&pass.by_domain, 15),
                series: &["% passed"],
                unit: " %",
            }));
        }
        let mut rejects = BTreeMap::new();
        for (k, v) in &r.rejects.0 {
            rejects.insert(k.trim_start_matches("dropped_").to_string(), *v);
        }
        for (k, v) in &r.capped {
            rejects.insert(format!("capped: {k}"), *v);
        }
        if !rejects.is_empty() {
            body.push_str(&bars(&Bars {
                title: "Rejects and garbage caps",
                rows: top(&rejects, 20),
                series: &["spans"],
                unit: "",
            }));
        }
        if !r.enzymes.is_empty() {
            let rows = r.enzymes.iter().map(|(k, e)| (k.clone(), vec![e.calls as f64, e.changed as f64])).collect();
            body.push_str(&bars(&Bars {
                title: "Enzymes: calls and changes",
                rows,
                series: &["calls", "changed"],
                unit: "",
            }));
            let rows = r.enzymes.iter().map(|(k, e)| (k.clone(), vec![e.micros_sum / e.calls.max(1) as f64])).collect();
            body.push_str(&bars(&Bars { title: "Enzymes: mean time per call", rows, series: &["µs"], unit: " µs" }));
            let rows = r.enzymes.iter().map(|(k, e)| (k.clone(), vec![e.impact_sum.abs()])).collect();
            body.push_str(&bars(&Bars {
                title: "Enzymes: total score impact (absolute points)",
                rows,
                series: &["points"],
                unit: "",
            }));
        }
    }
    if let (Some(a), Some(b)) = (&p0, &p1) {
        let rows = vec![
            ("Phase 0".to_string(), vec![a.duration_ms / 1000.0]),
            ("Phase 1".to_string(), vec![b.duration_ms / 1000.0]),
        ];
        body.push_str(&bars(&Bars { title: "Time by phase", rows, series: &["seconds"], unit: " s" }));
    }

    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>LogLine report — {}</title>\n<style>{STYLE}</style></head>\n<body>\n<h1>LogLine report</h1>\n<p class=\"meta\">{}</p>\n{body}<script>{CHECK}</script>\n</body></html>\n",
        esc(&dir.display().to_string()),
        esc(&format!("{} · LogLine {}", dir.display(), env!("CARGO_PKG_VERSION")))
    );
    let path = dir.join(FILE);
    crate::output::write_file(&path, html.as_bytes())?;
    Ok(path)
}

const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:2em auto;max-width:900px;color:#222}\
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}\
figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.3em}\
svg text{font:11px system-ui,sans-serif;fill:#333}table{border-collapse:collapse}\
th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}.meta{color:#666}";

/// Checks every plot drew what it claims, and records errors on `<body>`.
const CHECK: &str = "(function(){var errors=0;var old=console.error;\
console.error=function(){errors++;old.apply(console,arguments)};\
window.addEventListener('error',function(){errors++});\
var figs=document.querySelectorAll('figure.plot'),ok=0;\
figs.forEach(function(f){var want=+f.dataset.points;var bars=f.querySelectorAll('rect.bar');\
var drawn=Array.prototype.filter.call(bars,function(b){return b.getBBox().width>0}).length;\
if(want>0&&bars.length===want&&drawn>0){ok++}else{console.error('plot without data: '+f.querySelector('figcaption').textContent)}});\
document.body.dataset.plots=figs.length;document.body.dataset.plotsOk=ok;document.body.dataset.errors=errors;})();";
