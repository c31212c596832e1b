//! One input span's chain output → scored, gated, logged lines, and the
//! counters behind them. Runs on the workers; the main thread only writes.

use super::stats::Phase1Stats;
use crate::enzyme::chain::{ChainOutput, Item};
use crate::harm::{self, Role, text_changed};
use crate::output::sink::{RejectCode, RejectRecord, RejectStage};
use crate::pipeline::prepare::EmbeddingsMode;
use crate::pipeline::translog::{self, Scored};
use crate::score::{Scorer, Signals, Step, Verdict};
use crate::span::Span;
use std::collections::BTreeMap;

/// What rendering needs, the same for every span of a run.
pub struct RenderCtx<'a> {
    pub roles: &'a BTreeMap<String, Role>,
    pub scorer: &'a Scorer,
    pub gate: f64,
    pub timestamp: &'a str,
    pub reproducible: bool,
    pub embeddings: EmbeddingsMode,
}

/// One line for the sink.
pub enum Out {
    Keep(String),
    Reject(Box<RejectRecord>),
}

/// One output span, for the counters.
pub struct RenderedItem {
    pub before: f64,
    pub after: f64,
    pub passed: bool,
    pub changed: bool,
    pub variant: bool,
    /// For a variant: the enzyme that emitted it.
    pub variant_by: Option<String>,
    /// A variant whose id was already taken (it goes to the rejects).
    pub duplicate: bool,
    /// The garbage reasons that capped it.
    pub caps: Vec<&'static str>,
    pub labelled: bool,
}

/// One enzyme call, for the counters.
pub struct AppStat {
    pub enzyme: String,
    pub version: String,
    /// Changed `this`, `if_ok` or `if_not`.
    pub changed_text: bool,
    /// Changed only annotations.
    pub annotated: bool,
    pub harmful: bool,
    pub delta: f64,
    pub error: Option<String>,
    pub micros: f64,
}

/// An item scored: its log entry, first and final verdicts.
struct Judged {
    entry: serde_json::Value,
    before: f64,
    verdict: Verdict,
}

fn judge(item: &Item, ctx: &RenderCtx<'_>, stats: &mut Phase1Stats) -> Judged {
    // A snapshot made by a change the do-no-harm checks flag never gains.
    let mut harms: BTreeMap<usize, Vec<harm::Violation>> = BTreeMap::new();
    for a in item.applications.iter().filter(|a| a.changed()) {
        let role = ctx.roles.get(&a.enzyme).copied().unwrap_or_default();
        let v = harm::check(&item.snapshots[a.before], &item.snapshots[a.after], role);
        if !v.is_empty() {
            harms.insert(a.after, v);
        }
    }
    let steps: Vec<Step<'_>> =
        item.snapshots.iter().enumerate().map(|(i, s)| Step { span: s, harmful: harms.contains_key(&i) }).collect();
    let signals: Vec<Signals> = item.snapshots.iter().map(|s| Signals::of(s)).collect();
    let verdicts = ctx.scorer.judge_steps(&steps, &signals);
    for a in &item.applications {
        let changed_text = a.changed() && text_changed(&item.snapshots[a.before], &item.snapshots[a.after]);
        stats.count_app(&AppStat {
            enzyme: a.enzyme.clone(),
            version: a.version.clone(),
            changed_text,
            annotated: a.changed() && !changed_text,
            harmful: a.changed() && harms.contains_key(&a.after),
            delta: verdicts[a.after].score - verdicts[a.before].score,
            error: a.error_kind.map(|k| k.as_str().to_string()),
            micros: if ctx.reproducible { 0.0 } else { a.duration_ms * 1000.0 },
        });
    }
    let entry =
        translog::entry(item, ctx.timestamp, ctx.reproducible, Some(&Scored { verdicts: &verdicts, harms: &harms }));
    let before = verdicts[0].score;
    let verdict = verdicts.into_iter().last().expect("at least one snapshot");
    Judged { entry, before, verdict }
}

/// The span's JSON line with its log (vectors inline or not).
fn span_line(span: &Span, log: &serde_json::Value, inline: bool) -> String {
    span.to_json_line(inline, &[("transformation_log", log)])
}

/// Render one input span's outcome. `duplicate[i]` says that the id of
/// `r.items[i]` (a variant) is already taken.
pub fn render(r: &ChainOutput, duplicate: &[bool], ctx: &RenderCtx<'_>) -> (Vec<Out>, Phase1Stats) {
    let mut out = Vec::with_capacity(r.items.len() + r.dropped.len() + r.rejected.len());
    let mut stats = Phase1Stats::default();
    for (i, item) in r.items.iter().enumerate() {
        let j = judge(item, ctx, &mut stats);
        let after = j.verdict.score;
        let dup = duplicate.get(i).copied().unwrap_or(false);
        let passed = after >= ctx.gate && !dup;
        let changed = translog::changed(item);
        let log = translog::log(&item.span, j.entry);
        let mut span = item.span.clone();
        if ctx.embeddings == EmbeddingsMode::Sidecar && changed {
            // Phase 1 output keeps vectors only for changed spans (inline);
            // unchanged ones keep their row in Phase 0's sidecar.
            span.enriched.embedding_row = None;
        }
        let inline = ctx.embeddings == EmbeddingsMode::Inline || span.enriched.embedding_row.is_none();
        stats.count_item(&RenderedItem {
            before: j.before,
            after,
            passed: after >= ctx.gate,
            changed,
            variant: item.variant_of.is_some(),
            variant_by: item.variant_by.clone(),
            duplicate: dup,
            caps: j.verdict.caps.iter().map(|c| c.reason.as_str()).collect(),
            labelled: j.verdict.label.is_some(),
        });
        if passed {
            out.push(Out::Keep(span_line(&span, &log, inline)));
            continue;
        }
        let json = span_line(&span, &log, false);
        let rec = if dup {
            RejectRecord::span(
                RejectStage::Chain,
                RejectCode::DuplicateId,
                &span,
                json,
                "an enzyme made a variant whose id is already used".into(),
            )
        } else {
            let (code, detail) = match j.verdict.cap_reason() {
                Some(g) => (
                    RejectCode::Garbage,
                    format!(
                        "{}: {}",
                        g.as_str(),
                        j.verdict.caps.iter().find(|c| c.reason == g).map(|c| c.detail.as_str()).unwrap_or("")
                    ),
                ),
                None => (RejectCode::BelowGate, format!("score {after} < gate {}", ctx.gate)),
            };
            let mut rec = RejectRecord::span(RejectStage::Gate, code, &span, json, detail);
            rec.caps = j.verdict.caps.iter().map(|c| c.reason.as_str()).collect();
            rec
        };
        out.push(Out::Reject(Box::new(RejectRecord { score: Some(after), gate: Some(ctx.gate), ..rec })));
    }
    for d in &r.dropped {
        let j = judge(&d.item, ctx, &mut stats);
        stats.count_dropped(&d.enzyme);
        let log = translog::log(&d.item.span, j.entry);
        let json = span_line(&d.item.span, &log, false);
        let rec = RejectRecord::span(RejectStage::Chain, RejectCode::Dropped, &d.item.span, json, d.reason.clone());
        out.push(Out::Reject(Box::new(RejectRecord {
            enzyme: Some(d.enzyme.clone()),
            score: Some(j.verdict.score),
            ..rec
        })));
    }
    for x in &r.rejected {
        let j = judge(&x.item, ctx, &mut stats);
        stats.rejected_by_errors += 1;
        let log = translog::log(&x.item.span, j.entry);
        let json = span_line(&x.item.span, &log, false);
        let rec =
            RejectRecord::span(RejectStage::Chain, RejectCode::EnzymeError, &x.item.span, json, x.failure.to_string());
        out.push(Out::Reject(Box::new(RejectRecord {
            enzyme: Some(x.failure.enzyme.clone()),
            error_kind: Some(x.failure.kind),
            score: Some(j.verdict.score),
            ..rec
        })));
    }
    stats.enzyme_errors += r.failures.len() as u64;
    (out, stats)
}
