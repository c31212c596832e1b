//! `logline enzymes check MANIFEST --conformance CORPUS`: what every
//! enzyme must do, whatever its language, checked on real spans:
//!
//! - **succeeds** on valid spans, and so keeps the id and leaves the
//!   host-owned keys alone (the host refuses either as `invalid_output`);
//!   the spans it lets go on (it and its variants) have distinct ids;
//! - **deterministic**: the same span gives the same output from a fresh
//!   instance and from one that has already seen it (no clock, no chance,
//!   no state carried between spans);
//! - **idempotent**: its own output, given back, comes back unchanged.

use super::chain::{self, ChainOutput, Stage};
use super::{EnzymeHost, LoadedEnzyme};
use crate::lookup::{Lookups, NoLookups};
use crate::manifest::{Manifest, OnError, When};
use crate::span::Span;
use crate::tags::Tagger;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// A rule an enzyme broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breach {
    /// A call failed on a valid span (a changed id and a host-owned key
    /// are failures the host reports as `invalid_output`).
    Failed,
    /// Two spans it let go on share an id.
    DuplicateId,
    /// Another run on the same span gave other output.
    NotDeterministic,
    /// Its output, given back, changed again.
    NotIdempotent,
}

impl Breach {
    pub fn as_str(self) -> &'static str {
        match self {
            Breach::Failed => "failed",
            Breach::DuplicateId => "duplicate_id",
            Breach::NotDeterministic => "not_deterministic",
            Breach::NotIdempotent => "not_idempotent",
        }
    }
}

/// One breach, with where.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub enzyme: String,
    pub corpus: String,
    pub line: u64,
    pub span: String,
    pub breach: Breach,
    pub detail: String,
}

/// One enzyme's line of the table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnzymeConformance {
    pub enzyme: String,
    pub spans: u64,
    pub breaches: BTreeMap<String, u64>,
}

/// What `--conformance` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConformanceReport {
    pub corpora: Vec<String>,
    pub spans: u64,
    pub enzymes: Vec<EnzymeConformance>,
    pub findings: Vec<Finding>,
}

impl ConformanceReport {
    pub fn total(&self) -> u64 {
        self.enzymes.iter().flat_map(|e| e.breaches.values()).sum()
    }

    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "conformance: {} spans from {}", self.spans, self.corpora.join(", "));
        let _ = writeln!(s, "  {:<24} {:>8} {:>9}  by rule", "enzyme", "spans", "breaches");
        for e in &self.enzymes {
            let total: u64 = e.breaches.values().sum();
            let by: Vec<String> = e.breaches.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(s, "  {:<24} {:>8} {:>9}  {}", e.enzyme, e.spans, total, by.join(", "));
        }
        for f in self.findings.iter().take(20) {
            let _ = writeln!(
                s,
                "  ✗ {}:{} span {} — {} {}: {}",
                f.corpus,
                f.line,
                f.span,
                f.enzyme,
                f.breach.as_str(),
                f.detail
            );
        }
        if self.findings.len() > 20 {
            let _ = writeln!(s, "  … and {} more", self.findings.len() - 20);
        }
        s
    }
}

/// The output of one call, as compared: each span that goes on (JSON,
/// no vectors), drops with their reasons, failures with their kinds.
fn fingerprint(o: &ChainOutput) -> String {
    let mut s = String::new();
    for it in &o.items {
        s.push_str(&it.span.to_json_line(false, &[]));
        s.push('\n');
    }
    for d in &o.dropped {
        let _ = writeln!(s, "drop {}", d.reason);
    }
    for f in &o.failures {
        let _ = writeln!(s, "fail {}: {f}", f.kind.as_str());
    }
    s
}

/// A first difference between two fingerprints, for the report.
fn first_difference(a: &str, b: &str) -> String {
    let mut at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(at) {
        at -= 1;
    }
    let from = a[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    let clip = |t: &str| t.get(from..).unwrap_or("").chars().take(100).collect::<String>();
    format!("first run …{} / then …{}", clip(a), clip(b))
}

/// Run one span through one stage.
fn call(stage: &mut Stage, span: Span, tagger: &Tagger) -> ChainOutput {
    // `skip`: a failure is reported in `failures`, never aborts the check.
    match chain::run(std::slice::from_mut(stage), span, tagger) {
        Ok(o) => o,
        Err(f) => ChainOutput { failures: vec![f], ..Default::default() },
    }
}

fn fresh(e: &Arc<LoadedEnzyme>, lookups: &Arc<dyn Lookups>) -> Stage {
    Stage { instance: e.instance(lookups.clone()), when: When::default(), policy: OnError::Skip }
}

/// A worker's long-lived instance of `e`: it has seen other spans before,
/// so what it answers shows any state carried between spans.
pub fn worker_stage(e: &Arc<LoadedEnzyme>) -> Stage {
    fresh(e, &(Arc::new(NoLookups) as Arc<dyn Lookups>))
}

/// Check one enzyme on one span; breaches found. `a` is a worker's
/// instance ([`worker_stage`]); each span also gets one fresh instance.
pub fn check_span(e: &Arc<LoadedEnzyme>, a: &mut Stage, span: &Span, tagger: &Tagger) -> Vec<(Breach, String)> {
    let lookups: Arc<dyn Lookups> = Arc::new(NoLookups);
    let mut out = Vec::new();
    let first = call(a, span.clone(), tagger);
    if let Some(f) = first.failures.first() {
        out.push((Breach::Failed, format!("{}: {f}", f.kind.as_str())));
        return out;
    }
    let mut ids = std::collections::HashSet::new();
    for it in &first.items {
        if !ids.insert(it.span.id.as_str()) {
            out.push((Breach::DuplicateId, format!("two spans that go on have the id `{}`", it.span.id)));
        }
    }
    let fp = fingerprint(&first);
    let again = fingerprint(&call(a, span.clone(), tagger));
    let mut b = fresh(e, &lookups);
    let other = fingerprint(&call(&mut b, span.clone(), tagger));
    if again != fp {
        out.push((Breach::NotDeterministic, format!("same instance, called again: {}", first_difference(&fp, &again))));
    } else if other != fp {
        out.push((Breach::NotDeterministic, format!("fresh instance: {}", first_difference(&fp, &other))));
    }
    // Its own output (the span that goes on), given back to it.
    if let Some(cont) = first.items.iter().find(|it| it.variant_of.is_none()) {
        let twice = call(&mut b, cont.span.clone(), tagger);
        let before = cont.span.to_json_line(false, &[]);
        match twice.items.iter().find(|it| it.variant_of.is_none()) {
            Some(t) if t.span.to_json_line(false, &[]) == before => {}
            Some(t) => out.push((Breach::NotIdempotent, first_difference(&before, &t.span.to_json_line(false, &[])))),
            None => out.push((Breach::NotIdempotent, "its own output was dropped or failed".into())),
        }
    }
    out
}

/// Check every enzyme of `manifest` on every span of `corpora`.
pub fn check(host: &EnzymeHost, manifest: &Manifest, corpora: &[PathBuf]) -> anyhow::Result<ConformanceReport> {
    let enzymes = host.load_all(&manifest.enzymes)?;
    let tagger = Tagger::new(&manifest.tags);
    let mut report = ConformanceReport::default();
    let mut spans: Vec<(String, Span)> = Vec::new();
    for corpus in corpora {
        let name = corpus.display().to_string();
        report.corpora.push(name.clone());
        let (found, _) = crate::derive::read_corpus(corpus, &tagger)?;
        spans.extend(found.into_iter().map(|s| (name.clone(), s)));
    }
    report.spans = spans.len() as u64;
    for e in &enzymes {
        let mut row = EnzymeConformance { enzyme: e.name.clone(), spans: spans.len() as u64, ..Default::default() };
        // Spans are independent: check them in parallel, report in order.
        let found: Vec<Vec<(Breach, String)>> =
            spans.par_iter().map_init(|| worker_stage(e), |a, (_, s)| check_span(e, a, s, &tagger)).collect();
        for ((corpus, s), found) in spans.iter().zip(found) {
            for (breach, detail) in found {
                *row.breaches.entry(breach.as_str().to_string()).or_default() += 1;
                report.findings.push(Finding {
                    enzyme: e.name.clone(),
                    corpus: corpus.clone(),
                    line: s.line,
                    span: s.id.clone(),
                    breach,
                    detail,
                });
            }
        }
        report.enzymes.push(row);
    }
    Ok(report)
}
