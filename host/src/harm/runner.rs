//! `logline enzymes check MANIFEST --harm CORPUS.ndjson`: run a manifest's
//! chain over a corpus and check every change each enzyme makes against
//! the invariants of its role; tidy enzymes are also run a second time on
//! their own output, which must not change it again.

use super::{Role, Rule, Violation, check, text_changed};
use crate::enzyme::chain::{self, Item, StagePool};
use crate::enzyme::{EnzymeHost, Lookups, NoLookups};
use crate::manifest::Manifest;
use crate::tags::Tagger;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

/// One enzyme's line of the table.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnzymeHarm {
    pub enzyme: String,
    pub role: String,
    /// Spans the enzyme was called on.
    pub spans: u64,
    /// Calls that changed `this`, `if_ok` or `if_not`.
    pub changes: u64,
    pub violations: BTreeMap<String, u64>,
}

/// One violation, with where it happened.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub corpus: String,
    pub line: u64,
    pub span: String,
    pub enzyme: String,
    #[serde(flatten)]
    pub violation: Violation,
}

/// What `--harm` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HarmReport {
    pub corpora: Vec<String>,
    pub spans: u64,
    pub invalid_lines: u64,
    pub enzymes: Vec<EnzymeHarm>,
    pub violations: Vec<Found>,
}

impl HarmReport {
    pub fn total_violations(&self) -> u64 {
        self.enzymes.iter().flat_map(|e| e.violations.values()).sum()
    }

    /// One table: enzyme, role, spans, changes, violations by rule.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "do-no-harm check: {} spans from {} ({} invalid lines skipped)",
            self.spans,
            self.corpora.join(", "),
            self.invalid_lines
        );
        let _ = writeln!(
            s,
            "  {:<20} {:<10} {:>8} {:>8} {:>10}  by rule",
            "enzyme", "role", "spans", "changes", "violations"
        );
        for e in &self.enzymes {
            let total: u64 = e.violations.values().sum();
            let by: Vec<String> = e.violations.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(
                s,
                "  {:<20} {:<10} {:>8} {:>8} {:>10}  {}",
                e.enzyme,
                e.role,
                e.spans,
                e.changes,
                total,
                by.join(", ")
            );
        }
        for f in self.violations.iter().take(20) {
            let _ = writeln!(
                s,
                "  ✗ {}:{} span {} — {} {} in {}: {}",
                f.corpus,
                f.line,
                f.span,
                f.enzyme,
                f.violation.rule.as_str(),
                f.violation.field,
                f.violation.detail
            );
        }
        if self.violations.len() > 20 {
            let _ = writeln!(s, "  … and {} more", self.violations.len() - 20);
        }
        s
    }
}

/// One enzyme call's result: (enzyme, line, span id, violations, changed text).
type Row = (String, u64, String, Vec<Violation>, bool);

/// Run the chain of `manifest` over each corpus and check every change.
pub fn run(host: &EnzymeHost, manifest: &Manifest, corpora: &[PathBuf], workers: usize) -> anyhow::Result<HarmReport> {
    let enzymes = host.load_all(&manifest.enzymes)?;
    let roles: BTreeMap<String, Role> = manifest.enzymes.iter().map(|e| (e.name.clone(), e.role)).collect();
    let tagger = Tagger::new(&manifest.tags);
    let lookups: Arc<dyn Lookups> = Arc::new(NoLookups);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(crate::threads_or_all(workers)).build()?;
    let pool_of_stages = StagePool::new(enzymes, manifest, lookups);
    let mut report = HarmReport::default();
    let mut table: BTreeMap<String, EnzymeHarm> = manifest
        .enzymes
        .iter()
        .map(|e| {
            (e.name.clone(), EnzymeHarm { enzyme: e.name.clone(), role: e.role.as_str().into(), ..Default::default() })
        })
        .collect();
    for corpus in corpora {
        let name = corpus.display().to_string();
        report.corpora.push(name.clone());
        let (spans, invalid) = crate::derive::read_corpus(corpus, &tagger)?;
        report.invalid_lines += invalid;
        report.spans += spans.len() as u64;
        let results: Vec<anyhow::Result<Vec<Row>>> = pool.install(|| {
            spans
                .into_par_iter()
                .map(|span| {
                    let mut stages = pool_of_stages.take();
                    let (id, line) = (span.id.clone(), span.line);
                    let out = chain::run(&mut stages, span, &tagger).map_err(|f| anyhow::anyhow!("{f}"))?;
                    let items: Vec<&Item> = out
                        .items
                        .iter()
                        .chain(out.dropped.iter().map(|d| &d.item))
                        .chain(out.rejected.iter().map(|r| &r.item))
                        .collect();
                    let mut rows = Vec::new();
                    for item in items {
                        for a in &item.applications {
                            let (before, after) = (&item.snapshots[a.before], &item.snapshots[a.after]);
                            let role = roles.get(&a.enzyme).copied().unwrap_or_default();
                            let mut v = if a.changed() { check(before, after, role) } else { Vec::new() };
                            let changed = a.changed() && text_changed(before, after);
                            if role == Role::Tidy
                                && changed
                                && let Some(k) = stages.iter().position(|s| s.instance.enzyme().name == a.enzyme)
                            {
                                let again = chain::run(&mut stages[k..k + 1], (**after).clone(), &tagger);
                                if let Ok(again) = again
                                    && again.items.first().is_some_and(|i| text_changed(&i.span, after))
                                {
                                    v.push(Violation {
                                        field: "if_ok",
                                        rule: Rule::NotIdempotent,
                                        detail: "a second run changed the text again".into(),
                                    });
                                }
                            }
                            rows.push((a.enzyme.clone(), line, id.clone(), v, changed));
                        }
                    }
                    pool_of_stages.give_back(stages);
                    Ok(rows)
                })
                .collect()
        });
        for r in results {
            for (enzyme, line, span, violations, changed) in r? {
                let row = table.entry(enzyme.clone()).or_default();
                row.spans += 1;
                row.changes += changed as u64;
                for v in violations {
                    *row.violations.entry(v.rule.as_str().to_string()).or_default() += 1;
                    report.violations.push(Found {
                        corpus: name.clone(),
                        line,
                        span: span.clone(),
                        enzyme: enzyme.clone(),
                        violation: v,
                    });
                }
            }
        }
    }
    report.enzymes = manifest.enzymes.iter().filter_map(|e| table.remove(&e.name)).collect();
    Ok(report)
}
