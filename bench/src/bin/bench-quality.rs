//! The garbage detectors over labelled span files, without embedding
//! anything: how many real answers each detector caps (false caps, per
//! `did`) and how many of each garbage kind it catches. Off-topic needs the
//! embeddings `logline prepare` writes: on raw input it is not judged.
//!
//! ```text
//! cargo run --release -p logline-bench --bin bench-quality -- FILE.ndjson… [--split train] [--show 20] [--relevance DIR] [--manifest M.toml]
//! ```
//! A span is garbage when `metadata.garbage_kind` is set, else real.
//! `--relevance DIR` asks the relevance model in DIR (e.g.
//! `models/relevance-minilm-l6`) where the cosine leaves doubt, as
//! `logline run` does; without it that rule is not judged. `--manifest`
//! takes the detectors' settings from a manifest's `[quality]` instead of
//! the defaults.

use logline::score::{QualitySettings, Scorer, Signals};
use logline::validate::{Mode, Validator};
use std::collections::BTreeMap;

fn main() -> anyhow::Result<()> {
    let mut files = Vec::new();
    let mut split: Option<String> = None;
    let mut show = 10usize;
    let mut relevance_dir: Option<std::path::PathBuf> = None;
    let mut settings = QualitySettings::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--split" => split = args.next(),
            "--show" => show = args.next().and_then(|s| s.parse().ok()).unwrap_or(10),
            "--relevance" => relevance_dir = args.next().map(Into::into),
            "--manifest" => {
                let path = std::path::PathBuf::from(args.next().unwrap_or_default());
                settings = logline::manifest::load_file(&path)?.quality;
            }
            _ => files.push(a),
        }
    }
    // The gate's detectors as `logline run` has them.
    let mut scorer = Scorer::new(settings);
    if let Some(d) = relevance_dir {
        // Found as the embedding model is (its folder, ONNX Runtime beside it or ORT_DYLIB_PATH).
        let files = logline::embed::locate(Some(&d), logline::embed::RELEVANCE_MODEL)?;
        let relevance = logline::embed::Relevance::load(&files.dir, &files.ort_lib, 1)?;
        scorer = scorer.with_relevance(std::sync::Arc::new(relevance));
    }
    // kind -> (spans, capped, by reason)
    let mut kinds: BTreeMap<String, (u64, u64, BTreeMap<String, u64>)> = BTreeMap::new();
    let mut real_by_did: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut missed: Vec<String> = Vec::new();
    let mut false_caps: Vec<String> = Vec::new();
    // Real answers with a judge label: (spans, capped) among those the judge
    // preferred to the reference, and the others.
    let (mut judge_won, mut judge_lost) = ((0u64, 0u64), (0u64, 0u64));
    for f in &files {
        // Enriched input (from `logline prepare`) carries embeddings: off-topic is judged too.
        let mut v = Validator::new(Mode::Enriched, 0.0);
        for (i, line) in std::fs::read_to_string(f)?.lines().enumerate() {
            let meta: serde_json::Value = serde_json::from_str(line)?;
            let meta = &meta["metadata"];
            if let Some(s) = &split
                && meta["split"].as_str().is_some_and(|x| x != s)
            {
                continue;
            }
            let line_ref = ingest_line(line, i as u64 + 1);
            let Ok(span) = v.check(&line_ref) else { continue };
            let kind = meta["garbage_kind"].as_str().unwrap_or("real").to_string();
            let signals = Signals::of(&span);
            let cosine = signals.coherence_cosine;
            let caps = scorer.caps(&span, signals);
            let e = kinds.entry(kind.clone()).or_default();
            e.0 += 1;
            if !caps.is_empty() {
                e.1 += 1;
            }
            for c in &caps {
                *e.2.entry(c.reason.as_str().to_string()).or_default() += 1;
            }
            let preview = |s: &str| s.chars().take(160).collect::<String>().replace('\n', "⏎");
            if kind == "real"
                && let Some(p) = meta["judge_preference"].as_f64()
            {
                let w = if p >= 1.5 { &mut judge_won } else { &mut judge_lost };
                w.0 += 1;
                w.1 += u64::from(!caps.is_empty());
            }
            if kind == "real" {
                let d = real_by_did.entry(span.did.clone()).or_default();
                d.0 += 1;
                if !caps.is_empty() {
                    d.1 += 1;
                    false_caps.push(format!(
                        "{} [{}] {}: {} | …{}",
                        span.id,
                        caps.iter().map(|c| c.reason.as_str()).collect::<Vec<_>>().join(","),
                        caps[0].detail,
                        preview(&span.this),
                        preview(
                            &span
                                .response()
                                .chars()
                                .rev()
                                .take(120)
                                .collect::<String>()
                                .chars()
                                .rev()
                                .collect::<String>()
                        )
                    ));
                }
            } else if caps.is_empty() && (cosine.is_some() || !matches!(kind.as_str(), "swapped" | "off_topic")) {
                missed.push(format!("{} [{kind}] {}", span.id, preview(span.response())));
            }
        }
    }
    println!("{:<16} {:>7} {:>7} {:>7}  by reason", "kind", "spans", "capped", "rate");
    for (k, (n, c, by)) in &kinds {
        let by: Vec<String> = by.iter().map(|(r, n)| format!("{r} {n}")).collect();
        println!("{k:<16} {n:>7} {c:>7} {:>6.1}%  {}", 100.0 * *c as f64 / *n as f64, by.join(", "));
    }
    println!("\nreal answers capped (false caps), by did:");
    for (d, (n, c)) in &real_by_did {
        println!("  {d:<20} {c:>5} / {n:<6} {:>5.1}%", 100.0 * *c as f64 / *n as f64);
    }
    if judge_won.0 + judge_lost.0 > 0 {
        let rate = |(n, c): (u64, u64)| 100.0 * c as f64 / n.max(1) as f64;
        println!(
            "  judge preferred to the reference: {} / {} capped ({:.2}%); the others: {} / {} ({:.2}%)",
            judge_won.1,
            judge_won.0,
            rate(judge_won),
            judge_lost.1,
            judge_lost.0,
            rate(judge_lost)
        );
    }
    println!("\nfirst false caps:");
    for l in false_caps.iter().take(show) {
        println!("  {l}");
    }
    println!("\ngarbage not caught (off topic is judged only on enriched input):");
    for l in missed.iter().take(show) {
        println!("  {l}");
    }
    Ok(())
}

fn ingest_line(text: &str, no: u64) -> logline::ingest::Line {
    logline::ingest::Line { no, bytes: text.as_bytes().to_vec(), truncated_from: None }
}
