//! `logline scorer train / eval`: labelled spans in, a trained scorer or an
//! evaluation out.

use super::metrics::{self, Bin};
use super::model::{self, Loaded, Sample, TrainOptions, TrainedScorer};
use super::{QualitySettings, Scorer, Signals};
use crate::derive::{self, CombinedMode};
use crate::embed::Embedder;
use crate::span::Span;
use anyhow::bail;
use serde::Serialize;
use std::path::Path;

/// A `KEY=VALUE` condition on a span: `did`, `who`, `status`, or a
/// `metadata.` / `context.` key.
#[derive(Debug, Clone)]
pub struct Where {
    pub key: String,
    pub value: String,
}

impl std::str::FromStr for Where {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, v) = s.split_once('=').ok_or_else(|| format!("expected KEY=VALUE, got {s:?}"))?;
        field_path_ok(k)?;
        Ok(Where { key: k.to_string(), value: v.to_string() })
    }
}

fn field_path_ok(k: &str) -> Result<(), String> {
    let ok = matches!(k, "id" | "did" | "who" | "status" | "this")
        || k.strip_prefix("metadata.").or_else(|| k.strip_prefix("context.")).is_some_and(|r| !r.is_empty());
    if ok { Ok(()) } else { Err(format!("{k:?}: use did, who, status, id, this, metadata.<key> or context.<key>")) }
}

/// The value at `key` (see [`Where`]) as text: strings as they are, numbers
/// and booleans as JSON writes them.
pub fn field(span: &Span, key: &str) -> Option<String> {
    let (raw, rest) = match key {
        "id" => return Some(span.id.clone()),
        "did" => return Some(span.did.clone()),
        "who" => return Some(span.who.clone()),
        "this" => return Some(span.this.clone()),
        "status" => return Some(span.status.as_str().to_string()),
        _ => match key.split_once('.')? {
            ("metadata", r) => (span.metadata.as_ref()?, r),
            ("context", r) => (span.context.as_ref()?, r),
            _ => return None,
        },
    };
    let v: serde_json::Value = serde_json::from_str(raw.get()).ok()?;
    match v.get(rest)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A number at `metadata.<key>` (the label).
pub fn label_value(span: &Span, label: &str) -> Option<f64> {
    let key = label.strip_prefix("metadata.")?;
    let meta: serde_json::Value = serde_json::from_str(span.metadata.as_ref()?.get()).ok()?;
    meta.get(key)?.as_f64().filter(|v| v.is_finite())
}

/// Labelled spans read from a file.
pub struct Labelled {
    pub spans: Vec<Span>,
    pub labels: Vec<f64>,
    /// Lines that matched the conditions but carried no numeric label.
    pub without_label: usize,
    /// Lines left out by the conditions.
    pub filtered: usize,
}

/// Read spans (raw or enriched) with a label at `label`; lines failing
/// `filters` are skipped, a line that is not a valid span is an error that
/// names its file and line.
pub fn read(path: &Path, label: &str, filters: &[Where]) -> anyhow::Result<Labelled> {
    if label.strip_prefix("metadata.").is_none_or(str::is_empty) {
        bail!("--label must be `metadata.<key>`, got {label:?}");
    }
    let mut out = Labelled { spans: Vec::new(), labels: Vec::new(), without_label: 0, filtered: 0 };
    crate::validate::read_strict(path, |mut span| {
        if !filters.iter().all(|w| field(&span, &w.key).as_deref() == Some(w.value.as_str())) {
            out.filtered += 1;
            return Ok(());
        }
        let Some(y) = label_value(&span, label) else {
            out.without_label += 1;
            return Ok(());
        };
        span.enriched.complexity_score = crate::complexity::complexity_score(span.response());
        out.spans.push(span);
        out.labels.push(y);
        Ok(())
    })?;
    Ok(out)
}

/// Embed what the file did not carry (through the embedding cache); returns
/// how many spans needed it.
pub fn ensure_embeddings(spans: &mut [Span], embedder: &Embedder) -> anyhow::Result<usize> {
    let mut missing: Vec<usize> = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        let e = &s.enriched;
        if e.query_embedding.is_none() || (s.if_ok.is_some() && e.response_embedding.is_none()) {
            missing.push(i);
        }
    }
    for chunk in missing.chunks(2048) {
        let mut batch: Vec<Span> = chunk.iter().map(|&i| spans[i].clone()).collect();
        derive::embed_spans(embedder, &mut batch, CombinedMode::Mean)?;
        for (&i, s) in chunk.iter().zip(batch) {
            spans[i].enriched = s.enriched;
        }
    }
    Ok(missing.len())
}

fn answer_length(s: &Span) -> f64 {
    s.response().chars().count() as f64
}

fn qa_cosine(s: &Span) -> f64 {
    Signals::of(s).coherence_cosine.map_or(0.0, f64::from)
}

/// Train on `data` (embeddings present) with the key of the embedding model.
pub fn train(
    data: &Labelled,
    opts: &TrainOptions,
    embedding_model: &str,
    dims: usize,
) -> anyhow::Result<TrainedScorer> {
    let mut samples = Vec::with_capacity(data.spans.len());
    let mut unusable = 0;
    for (s, &y) in data.spans.iter().zip(&data.labels) {
        match model::features(s, dims) {
            Ok(x) => samples.push(Sample {
                x,
                y,
                group: field(s, "context.thread_id").unwrap_or_else(|| s.this.clone()),
                length: answer_length(s),
                cosine: qa_cosine(s),
            }),
            Err(_) => unusable += 1,
        }
    }
    if unusable > 0 {
        tracing::warn!("{unusable} labelled spans have no answer to score and were left out");
    }
    model::train(samples, data.without_label + unusable, opts, embedding_model, dims)
}

/// One way of scoring, measured.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub name: String,
    pub spearman: f64,
    pub auc: f64,
    /// Spearman of the per-group means (with `--per`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_spearman: Option<f64>,
}

/// One group (`--per`): how its spans' label and estimate average, and
/// where each ranks among the groups (1 = highest mean).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupRow {
    pub group: String,
    pub spans: usize,
    pub mean_label: f64,
    pub mean_estimate: f64,
    pub mean_length: f64,
    pub label_rank: usize,
    pub estimate_rank: usize,
    pub length_rank: usize,
}

/// One span's estimate beside its label (`--predictions`).
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub id: String,
    pub label: f64,
    pub estimate: f64,
    pub answer_chars: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// `logline scorer eval`'s answer.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub scorer: String,
    pub label: String,
    pub spans: usize,
    pub without_label: usize,
    pub without_answer: usize,
    /// Label value at or above which a span counts as positive (AUC).
    pub positive_from: f64,
    pub positives: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<usize>,
    pub agreement: Vec<Agreement>,
    /// With `--per`: each group's mean label and estimate, best label first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_table: Vec<GroupRow>,
    /// Calibration of the trained scorer against the label on 0–100.
    pub calibration: Vec<Bin>,
    pub calibration_error: f64,
    pub microseconds_per_span: f64,
}

/// Measure a trained scorer on labelled spans, beside the baselines (answer
/// length, query–answer cosine) and the default heuristic estimate.
pub fn evaluate(
    loaded: &Loaded,
    data: &Labelled,
    positive_from: Option<f64>,
    per: Option<&str>,
) -> anyhow::Result<(Evaluation, Vec<Prediction>)> {
    let m = &loaded.model;
    let heuristic = Scorer::new(QualitySettings::default());
    let (mut est, mut len, mut cos, mut heur, mut labels, mut groups) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut ids = Vec::new();
    let mut without_answer = 0;
    let mut secs = 0.0;
    for (s, &y) in data.spans.iter().zip(&data.labels) {
        let t = std::time::Instant::now();
        let Some(e) = m.predict(s) else {
            without_answer += 1;
            continue;
        };
        secs += t.elapsed().as_secs_f64();
        est.push(e);
        len.push(answer_length(s));
        cos.push(qa_cosine(s));
        heur.push(heuristic.estimate(s, Signals::of(s)).0);
        labels.push(y);
        ids.push(s.id.clone());
        groups.push(per.map(|k| field(s, k).unwrap_or_default()).unwrap_or_default());
    }
    if est.len() < 2 {
        bail!("{} spans with a label and an answer; nothing to evaluate", est.len());
    }
    let [lo, hi] = m.label_range;
    let from = positive_from.unwrap_or((lo + hi) / 2.0);
    let positive: Vec<bool> = labels.iter().map(|y| *y >= from).collect();
    let group_rho = |x: &[f64]| {
        per.map(|_| {
            let a = metrics::group_means(&groups, x);
            let b = metrics::group_means(&groups, &labels);
            let av: Vec<f64> = a.iter().map(|g| g.1).collect();
            let bv: Vec<f64> = b.iter().map(|g| g.1).collect();
            metrics::round4(metrics::spearman(&av, &bv))
        })
    };
    let measure = |name: &str, x: &[f64]| Agreement {
        name: name.into(),
        spearman: metrics::round4(metrics::spearman(x, &labels)),
        auc: metrics::round4(metrics::auc(x, &positive)),
        group_spearman: group_rho(x),
    };
    let agreement = vec![
        measure("trained scorer", &est),
        measure("answer length", &len),
        measure("query-answer cosine", &cos),
        measure("heuristic estimate", &heur),
    ];
    let group_table = per.map(|_| group_table(&groups, &labels, &est, &len)).unwrap_or_default();
    let label_scores: Vec<f64> = labels.iter().map(|y| m.label_to_score(*y)).collect();
    let (calibration, calibration_error) = metrics::calibration(&est, &label_scores);
    let predictions = ids
        .into_iter()
        .zip(&labels)
        .zip(&est)
        .zip(&len)
        .zip(&groups)
        .map(|((((id, &label), &estimate), &answer_chars), g)| Prediction {
            id,
            label,
            estimate: metrics::round2(estimate),
            answer_chars,
            group: per.map(|_| g.clone()),
        })
        .collect();
    let evaluation = Evaluation {
        scorer: loaded.path.display().to_string(),
        label: m.label.clone(),
        spans: est.len(),
        without_label: data.without_label,
        without_answer,
        positive_from: from,
        positives: positive.iter().filter(|p| **p).count(),
        per: per.map(str::to_string),
        groups: per.map(|_| metrics::group_means(&groups, &labels).len()),
        agreement,
        group_table,
        calibration,
        calibration_error,
        microseconds_per_span: metrics::round2(1e6 * secs / est.len() as f64),
    };
    Ok((evaluation, predictions))
}

/// Each group's means and ranks, best mean label first.
fn group_table(groups: &[String], labels: &[f64], est: &[f64], len: &[f64]) -> Vec<GroupRow> {
    let count = |g: &str| groups.iter().filter(|x| *x == g).count();
    let l = metrics::group_means(groups, labels);
    let e = metrics::group_means(groups, est);
    let n = metrics::group_means(groups, len);
    // Rank 1 is the highest mean; ties keep the order the groups came in.
    let rank = |v: &[(String, f64)]| {
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&a, &b| v[b].1.total_cmp(&v[a].1));
        let mut r = vec![0; v.len()];
        for (pos, i) in order.into_iter().enumerate() {
            r[i] = pos + 1;
        }
        r
    };
    let (rl, re, rn) = (rank(&l), rank(&e), rank(&n));
    let mut rows: Vec<GroupRow> = (0..l.len())
        .map(|i| GroupRow {
            group: l[i].0.clone(),
            spans: count(&l[i].0),
            mean_label: metrics::round4(l[i].1),
            mean_estimate: metrics::round2(e[i].1),
            mean_length: metrics::round2(n[i].1),
            label_rank: rl[i],
            estimate_rank: re[i],
            length_rank: rn[i],
        })
        .collect();
    rows.sort_by_key(|r| r.label_rank);
    rows
}

impl Evaluation {
    /// The human-readable table.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "{} spans labelled by {} ({} positive: label >= {}){}",
            self.spans,
            self.label,
            self.positives,
            self.positive_from,
            if self.without_label + self.without_answer > 0 {
                format!("; left out: {} without a label, {} without an answer", self.without_label, self.without_answer)
            } else {
                String::new()
            }
        );
        let per = self.per.as_deref().map(|p| format!("  Spearman per {p} ({} groups)", self.groups.unwrap_or(0)));
        let _ = writeln!(t, "{:<22} {:>9} {:>7}{}", "", "Spearman", "AUC", per.unwrap_or_default());
        for a in &self.agreement {
            let g = a.group_spearman.map(|g| format!("  {g:>8.3}")).unwrap_or_default();
            let _ = writeln!(t, "{:<22} {:>9.3} {:>7.3}{g}", a.name, a.spearman, a.auc);
        }
        if !self.group_table.is_empty() {
            let _ = writeln!(
                t,
                "{:<40} {:>6} {:>10} {:>9} {:>11} {:>11}",
                self.per.as_deref().unwrap_or("group"),
                "spans",
                "mean label",
                "estimate",
                "rank: label",
                "scorer (len)"
            );
            for g in &self.group_table {
                let _ = writeln!(
                    t,
                    "{:<40} {:>6} {:>10.3} {:>9.1} {:>11} {:>7} ({:>2})",
                    g.group, g.spans, g.mean_label, g.mean_estimate, g.label_rank, g.estimate_rank, g.length_rank
                );
            }
        }
        let _ = writeln!(t, "calibration (estimate vs label on 0-100), error {:.1} points:", self.calibration_error);
        for b in &self.calibration {
            let _ = writeln!(
                t,
                "  {:>3}-{:<3} {:>6} spans  estimate {:>6.1}  label {:>6.1}",
                b.from, b.to, b.spans, b.mean_estimate, b.mean_label
            );
        }
        let _ = write!(t, "scoring cost: {:.1} µs per span (features + model)", self.microseconds_per_span);
        t
    }
}
