//! Recall over fake secrets of every kind in gitleaks' rule set, each in
//! many contexts (`common/formats.rs`, `common/contexts.rs`): at least 0.98
//! of them must be redacted whole, none partially, every redaction on a
//! literal, JSON documents must still parse, and a second run must change
//! nothing.
//!
//! `cargo test -p enzyme-security --test recall -- --nocapture` prints the
//! figures, per context and per format.

mod common;

use common::contexts::{Case, cases};
use common::formats::{GITLEAKS, formats};
use common::literal_check::on_literal;
use enzyme_security::scan::Finding;
use std::collections::BTreeMap;

pub const RECALL_TARGET: f64 = 0.98;

fn covered(found: &[Finding], s: usize, e: usize) -> bool {
    let mut pos = s;
    for f in found {
        if f.end <= pos {
            continue;
        }
        if f.start > pos {
            break;
        }
        pos = f.end;
        if pos >= e {
            return true;
        }
    }
    pos >= e
}

#[derive(Default)]
struct Outcome {
    secrets: usize,
    hits: usize,
    partial: usize,
    kind_ok: usize,
    stray: usize,
    not_literal: Vec<String>,
    broken_json: Vec<String>,
    not_idempotent: Vec<String>,
    misses: Vec<String>,
    by_context: BTreeMap<&'static str, (usize, usize)>,
    by_format: BTreeMap<&'static str, (usize, usize)>,
}

impl Outcome {
    fn recall(&self) -> f64 {
        self.hits as f64 / self.secrets as f64
    }
}

fn evaluate(cases: &[Case]) -> Outcome {
    let scanner = common::default_scanner();
    let mut o = Outcome::default();
    for c in cases {
        let found = scanner.find(&c.text, None);
        for &(s, e) in &c.secrets {
            o.secrets += 1;
            let ctx = o.by_context.entry(c.context).or_default();
            let fmt = o.by_format.entry(c.format).or_default();
            ctx.1 += 1;
            fmt.1 += 1;
            if covered(&found, s, e) {
                o.hits += 1;
                ctx.0 += 1;
                fmt.0 += 1;
                if found.iter().any(|f| f.start <= s && s < f.end && f.kind == c.kind) {
                    o.kind_ok += 1;
                }
            } else {
                let touched = found.iter().any(|f| f.start < e && s < f.end);
                o.partial += touched as usize;
                o.misses.push(format!(
                    "{} / {}{}: {:?}",
                    c.format,
                    c.context,
                    if touched { " (PARTIAL)" } else { "" },
                    c.text
                ));
            }
        }
        for f in &found {
            if !c.secrets.iter().any(|&(s, e)| f.start < e && s < f.end) {
                o.stray += 1;
                o.misses.push(format!(
                    "{} / {}: stray {} on {:?}",
                    c.format,
                    c.context,
                    f.kind.name(),
                    &c.text[f.start..f.end]
                ));
            }
            // Prose is not code: the literal check is for everything else.
            if !c.context.starts_with("chat")
                && c.context != "log-line"
                && let Err(why) = on_literal(&c.text, f)
            {
                o.not_literal.push(format!("{} / {}: {why}", c.format, c.context));
            }
        }
        let (out, _) = scanner.redact(&c.text, None).unwrap_or((c.text.clone(), vec![]));
        if let Some((again, _)) = scanner.redact(&out, None) {
            o.not_idempotent.push(format!("{} / {}: {out:?} -> {again:?}", c.format, c.context));
        }
        if c.json {
            let start = out.find('{').unwrap_or(0);
            if serde_json::from_str::<serde_json::Value>(&out[start..]).is_err() {
                o.broken_json.push(format!("{} / {}: {out}", c.format, c.context));
            }
        }
    }
    o
}

fn report(o: &Outcome) -> String {
    let mut s = String::from("recall by context:\n");
    for (c, (h, n)) in &o.by_context {
        s.push_str(&format!("  {c:<18} {h:>4} / {n:<4} {:.3}\n", *h as f64 / *n as f64));
    }
    s.push_str("formats below 1.0:\n");
    for (f, (h, n)) in o.by_format.iter().filter(|(_, (h, n))| h < n) {
        s.push_str(&format!("  {f:<45} {h:>3} / {n}\n"));
    }
    for m in o.misses.iter().take(60) {
        s.push_str(&format!("  {m}\n"));
    }
    s.push_str(&format!(
        "\nformats {} | cases with secrets {} | secrets {} | redacted whole {} | partial {} | stray redactions {} | kind named right {}\nrecall {:.4} (target {RECALL_TARGET})\n",
        o.by_format.len(),
        o.by_context.values().map(|v| v.1).sum::<usize>(),
        o.secrets,
        o.hits,
        o.partial,
        o.stray,
        o.kind_ok,
        o.recall()
    ));
    s
}

#[test]
fn recall_on_gitleaks_kinds_meets_target() {
    let o = evaluate(&cases(1));
    println!("{}", report(&o));
    assert_eq!(o.partial, 0, "partially redacted secrets:\n{}", report(&o));
    assert!(o.recall() >= RECALL_TARGET, "recall {:.4} < {RECALL_TARGET}", o.recall());
    assert!(o.not_literal.is_empty(), "redactions off a literal:\n{}", o.not_literal.join("\n"));
    assert!(o.broken_json.is_empty(), "JSON no longer parses:\n{}", o.broken_json.join("\n"));
    assert!(o.not_idempotent.is_empty(), "a second run changed:\n{}", o.not_idempotent.join("\n"));
}

#[test]
fn recall_is_stable_across_seeds() {
    for seed in 2..5 {
        let o = evaluate(&cases(seed));
        assert!(o.partial == 0 && o.recall() >= RECALL_TARGET, "seed {seed}:\n{}", report(&o));
    }
}

/// Every gitleaks rule id is covered by a format here, or left out with a
/// reason; every format named exists.
#[test]
fn every_gitleaks_rule_is_covered_or_explained() {
    let ids: Vec<&str> = formats().iter().map(|f| f.id).collect();
    let mut covered = 0;
    for (rule, cover) in GITLEAKS {
        if let Some(why) = cover.strip_prefix("SKIP: ") {
            assert!(why.len() > 10, "{rule}: say why it is left out");
            continue;
        }
        covered += 1;
        for f in cover.split(',') {
            assert!(ids.contains(&f), "{rule}: no format {f}");
        }
    }
    println!("gitleaks rules: {} | covered {covered} | left out {}", GITLEAKS.len(), GITLEAKS.len() - covered);
    assert!(GITLEAKS.len() >= 222);
}
