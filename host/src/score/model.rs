//! A scorer trained on the owner's labels: the FineWeb-Edu / NeMo Curator
//! quality-classifier pattern in miniature — a linear head over the answer's
//! embedding and cheap text features, fitted to labels the owner trusts.
//!
//! The model is an elastic net (`linfa-elasticnet`, the rust-ml project's
//! coordinate-descent solver: pure Rust, no BLAS, deterministic). A linear
//! head is what the FineWeb-Edu classifier puts on its embeddings too; it is
//! small (one weight per feature), fast to apply (one dot product per span)
//! and its weights can be read. Features are standardised; the penalty is
//! chosen on a validation split by Spearman correlation, then the model is
//! refitted on every span.
//!
//! Saved as one JSON file (`scorer.json`) that names the embedding model it
//! was trained with: loading it against another model is refused.

use super::garbage::{self, Evidence, GarbageSettings};
use super::heuristic::{self, Thresholds};
use super::metrics;
use super::text::{self, word_count};
use crate::span::{Span, Status};
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The format tag of a saved scorer; bumped whenever the features change.
pub const FORMAT: &str = "logline-scorer/1";
/// The file in a scorer folder.
pub const FILE: &str = "scorer.json";

/// Text features, in order; the answer embedding follows them.
pub const TEXT_FEATURES: &[&str] = &[
    "log_answer_chars",
    "log_answer_words",
    "log_query_words",
    "log_length_ratio",
    "log_lines",
    "list_line_share",
    "log_headings",
    "code_share",
    "has_code",
    "log_paragraphs",
    "mean_sentence_words",
    "distinct_word_share",
    "query_answer_cosine",
    "clarity",
    "coherence",
    "depth",
    "actionability",
    "accuracy",
    "garbage_caps",
    "failed",
    "complexity",
];

/// A trained scorer, as saved.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainedScorer {
    pub format: String,
    /// The embedding model's key (name and file hash): the vectors the
    /// weights were fitted on.
    pub embedding_model: String,
    pub dims: usize,
    /// Where the labels were (`metadata.<key>`).
    pub label: String,
    /// The label values that map to 0 and to 100.
    pub label_range: [f64; 2],
    /// Feature names: [`TEXT_FEATURES`], then `answer_embedding[i]`.
    pub features: Vec<String>,
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
    pub weights: Vec<f64>,
    pub intercept: f64,
    pub penalty: f64,
    pub l1_ratio: f64,
    pub training: TrainingSummary,
}

/// What training saw and chose.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainingSummary {
    pub spans: usize,
    pub train_spans: usize,
    pub valid_spans: usize,
    pub skipped_without_label: usize,
    /// With `within_group`: spans left out as the only answer of their group.
    #[serde(default)]
    pub alone_in_group: usize,
    /// Labels were fitted relative to their group's mean.
    #[serde(default)]
    pub within_group: bool,
    pub seed: u64,
    /// Validation Spearman for each penalty tried.
    pub penalties: Vec<(f64, f64)>,
    pub valid_spearman: f64,
    pub valid_spearman_length: f64,
    pub valid_spearman_cosine: f64,
    pub nonzero_weights: usize,
}

/// One span's features, or why it has none.
pub fn features(span: &Span, dims: usize) -> Result<Vec<f64>, &'static str> {
    let q = span.enriched.query_embedding.as_deref().ok_or("no query embedding")?;
    let a = span.enriched.response_embedding.as_deref().ok_or("no answer embedding (the span has no if_ok)")?;
    if a.len() != dims || q.len() != dims {
        return Err("embedding length differs from the scorer's");
    }
    let cos = crate::vector::cosine(q, a) as f64;
    let answer = span.response();
    let parts = text::split(answer);
    let words = word_count(answer) as f64;
    let qwords = word_count(&span.this) as f64;
    let lines: Vec<&str> = answer.lines().filter(|l| !l.trim().is_empty()).collect();
    let nlines = lines.len().max(1) as f64;
    let list = lines
        .iter()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with(['-', '*', '+', '•'])
                || t.split_once(['.', ')']).is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .count() as f64;
    let headings = lines.iter().filter(|l| l.trim_start().starts_with('#')).count() as f64;
    let code_chars: usize = parts.code.iter().map(|l| l.len()).sum();
    let paragraphs = answer.split("\n\n").filter(|p| !p.trim().is_empty()).count() as f64;
    let sentences = answer.split(['.', '!', '?']).filter(|s| word_count(s) > 0).count().max(1) as f64;
    let lower = answer.to_lowercase();
    let all: Vec<String> = text::words(&lower).collect();
    let distinct = all.iter().collect::<std::collections::HashSet<_>>().len() as f64;
    let t = Thresholds::default();
    let d = heuristic::dimensions(span, Some(cos as f32), &t);
    let caps = garbage::detect(
        span,
        Evidence { query_answer_cosine: Some(cos as f32), relevance: None },
        &GarbageSettings::default(),
    );
    let mut x = Vec::with_capacity(TEXT_FEATURES.len() + dims);
    x.extend([
        (answer.chars().count() as f64).ln_1p(),
        words.ln_1p(),
        qwords.ln_1p(),
        (words + 1.0).ln() - (qwords + 1.0).ln(),
        nlines.ln_1p(),
        list / nlines,
        headings.ln_1p(),
        code_chars as f64 / answer.len().max(1) as f64,
        if parts.code.is_empty() { 0.0 } else { 1.0 },
        paragraphs.ln_1p(),
        (words / sentences).min(100.0),
        if all.is_empty() { 0.0 } else { distinct / all.len() as f64 },
        cos,
        d.clarity,
        d.coherence,
        d.depth,
        d.actionability,
        d.accuracy,
        caps.len() as f64,
        if span.status == Status::Failed { 1.0 } else { 0.0 },
        span.enriched.complexity_score,
    ]);
    debug_assert_eq!(x.len(), TEXT_FEATURES.len());
    x.extend(a.iter().map(|&v| v as f64));
    Ok(x)
}

/// All feature names for `dims`-long embeddings.
pub fn feature_names(dims: usize) -> Vec<String> {
    TEXT_FEATURES.iter().map(|s| s.to_string()).chain((0..dims).map(|i| format!("answer_embedding[{i}]"))).collect()
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub label: String,
    /// Label values mapped to 0 and 100 (default: the labels' min and max).
    pub label_range: Option<[f64; 2]>,
    /// Share of groups held out to choose the penalty.
    pub valid_fraction: f64,
    pub seed: u64,
    pub penalties: Vec<f64>,
    pub l1_ratio: f64,
    /// Fit each label relative to the mean label of its group (the other
    /// answers to the same question): what makes one answer better than
    /// another, not which questions draw high labels.
    pub within_group: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            label: "metadata.quality_score".into(),
            label_range: None,
            valid_fraction: 0.2,
            seed: 0,
            penalties: vec![0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002],
            l1_ratio: 0.5,
            within_group: false,
        }
    }
}

/// One labelled example.
#[derive(Debug, Clone)]
pub struct Sample {
    pub x: Vec<f64>,
    pub y: f64,
    /// Examples of one group (a thread, a question) stay on one side of the split.
    pub group: String,
    pub length: f64,
    pub cosine: f64,
}

fn in_valid(group: &str, seed: u64, fraction: f64) -> bool {
    let h = Sha256::digest(format!("{seed}:{group}").as_bytes());
    (u16::from_be_bytes([h[0], h[1]]) as f64) < fraction * 65536.0
}

fn standardise(rows: &[&Sample], n_features: usize) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len().max(1) as f64;
    let mut mean = vec![0.0; n_features];
    for r in rows {
        for (m, v) in mean.iter_mut().zip(&r.x) {
            *m += v / n;
        }
    }
    let mut var = vec![0.0; n_features];
    for r in rows {
        for ((s, v), m) in var.iter_mut().zip(&r.x).zip(&mean) {
            *s += (v - m) * (v - m) / n;
        }
    }
    let scale = var.into_iter().map(|v| if v > 1e-12 { v.sqrt() } else { 1.0 }).collect();
    (mean, scale)
}

struct Fit {
    weights: Vec<f64>,
    intercept: f64,
}

fn fit(
    rows: &[&Sample],
    mean: &[f64],
    scale: &[f64],
    unit: impl Fn(f64) -> f64,
    penalty: f64,
    l1: f64,
) -> anyhow::Result<Fit> {
    use linfa::traits::Fit as _;
    let d = mean.len();
    let mut x = ndarray::Array2::<f64>::zeros((rows.len(), d));
    for (i, r) in rows.iter().enumerate() {
        for j in 0..d {
            x[[i, j]] = (r.x[j] - mean[j]) / scale[j];
        }
    }
    let y = ndarray::Array1::from_iter(rows.iter().map(|r| unit(r.y)));
    let ds = linfa::Dataset::new(x, y);
    let model = linfa_elasticnet::ElasticNet::params()
        .penalty(penalty)
        .l1_ratio(l1)
        .max_iterations(2000)
        .tolerance(1e-5)
        .fit(&ds)
        .context("fitting the elastic net")?;
    Ok(Fit { weights: model.hyperplane().to_vec(), intercept: model.intercept() })
}

fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

fn apply(x: &[f64], mean: &[f64], scale: &[f64], w: &[f64], b: f64) -> f64 {
    b + x.iter().zip(mean).zip(scale).zip(w).map(|(((v, m), s), w)| (v - m) / s * w).sum::<f64>()
}

/// Each label moved by its group's mean to the mean of all labels; spans
/// alone in their group say nothing about their group and are left out.
fn within_group(mut samples: Vec<Sample>) -> Vec<Sample> {
    let mut sums: std::collections::HashMap<&str, (f64, usize)> = std::collections::HashMap::new();
    for s in &samples {
        let e = sums.entry(&s.group).or_default();
        e.0 += s.y;
        e.1 += 1;
    }
    let overall = samples.iter().map(|s| s.y).sum::<f64>() / samples.len().max(1) as f64;
    // Each span's group mean, or None when it is alone in its group.
    let means: Vec<Option<f64>> = samples
        .iter()
        .map(|s| {
            let (sum, n) = sums[s.group.as_str()];
            (n > 1).then(|| sum / n as f64)
        })
        .collect();
    let mut means = means.into_iter();
    samples.retain_mut(|s| match means.next().flatten() {
        Some(mean) => {
            s.y = s.y - mean + overall;
            true
        }
        None => false,
    });
    samples
}

/// Fit a scorer on `samples` (features from [`features`]).
pub fn train(
    samples: Vec<Sample>,
    skipped: usize,
    opts: &TrainOptions,
    embedding_model: &str,
    dims: usize,
) -> anyhow::Result<TrainedScorer> {
    if samples.len() < 10 {
        bail!("{} labelled spans; a scorer needs at least 10", samples.len());
    }
    let [lo, hi] = opts.label_range.unwrap_or_else(|| {
        let lo = samples.iter().map(|s| s.y).fold(f64::INFINITY, f64::min);
        let hi = samples.iter().map(|s| s.y).fold(f64::NEG_INFINITY, f64::max);
        [lo, hi]
    });
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        bail!("the labels span no range ({lo}..{hi}): every span has the same label, there is nothing to learn");
    }
    let unit = |y: f64| (y - lo) / (hi - lo);
    let given = samples.len();
    let samples = if opts.within_group { within_group(samples) } else { samples };
    if opts.within_group && samples.len() < 10 {
        bail!(
            "--within-group: {} labelled spans share a group with another; a scorer needs at least 10",
            samples.len()
        );
    }
    let alone_in_group = given - samples.len();
    let n_features = TEXT_FEATURES.len() + dims;
    let (train, valid): (Vec<&Sample>, Vec<&Sample>) =
        samples.iter().partition(|s| !in_valid(&s.group, opts.seed, opts.valid_fraction));
    if train.len() < 5 || valid.len() < 5 {
        bail!(
            "the split by group left {} training and {} validation spans; label more spans or spread them over more threads",
            train.len(),
            valid.len()
        );
    }
    let (mean, scale) = standardise(&train, n_features);
    let labels: Vec<f64> = valid.iter().map(|s| s.y).collect();
    let mut tried = Vec::new();
    let mut best = (f64::NEG_INFINITY, opts.penalties[0]);
    for &p in &opts.penalties {
        let f = fit(&train, &mean, &scale, unit, p, opts.l1_ratio)?;
        let pred: Vec<f64> = valid.iter().map(|s| apply(&s.x, &mean, &scale, &f.weights, f.intercept)).collect();
        // Constant predictions (every weight zero) rank nothing.
        let rho = metrics::spearman(&pred, &labels);
        let rho = if rho.is_nan() { 0.0 } else { rho };
        tracing::info!("penalty {p}: validation Spearman {rho:.3}");
        tried.push((p, metrics::round4(rho)));
        if rho > best.0 + 1e-9 {
            best = (rho, p);
        }
    }
    let all: Vec<&Sample> = samples.iter().collect();
    let (mean, scale) = standardise(&all, n_features);
    let f = fit(&all, &mean, &scale, unit, best.1, opts.l1_ratio)?;
    let length: Vec<f64> = valid.iter().map(|s| s.length).collect();
    let cosine: Vec<f64> = valid.iter().map(|s| s.cosine).collect();
    Ok(TrainedScorer {
        format: FORMAT.into(),
        embedding_model: embedding_model.into(),
        dims,
        label: opts.label.clone(),
        label_range: [lo, hi],
        features: feature_names(dims),
        mean,
        scale,
        weights: f.weights.iter().map(|w| metrics::round8(*w)).collect(),
        intercept: f.intercept,
        penalty: best.1,
        l1_ratio: opts.l1_ratio,
        training: TrainingSummary {
            spans: samples.len(),
            train_spans: train.len(),
            valid_spans: valid.len(),
            skipped_without_label: skipped,
            alone_in_group,
            within_group: opts.within_group,
            seed: opts.seed,
            penalties: tried,
            valid_spearman: metrics::round4(best.0),
            valid_spearman_length: metrics::round4(finite(metrics::spearman(&length, &labels))),
            valid_spearman_cosine: metrics::round4(finite(metrics::spearman(&cosine, &labels))),
            nonzero_weights: f.weights.iter().filter(|w| **w != 0.0).count(),
        },
    })
}

impl TrainedScorer {
    /// The estimate for one span, 0–100; None when the span lacks what the
    /// model reads (embeddings of the query and the answer).
    pub fn predict(&self, span: &Span) -> Option<f64> {
        let x = features(span, self.dims).ok()?;
        Some(self.predict_features(&x))
    }

    /// The estimate for a feature row, 0–100.
    pub fn predict_features(&self, x: &[f64]) -> f64 {
        let unit = apply(x, &self.mean, &self.scale, &self.weights, self.intercept);
        (100.0 * unit).clamp(0.0, 100.0)
    }

    /// A label value on the 0–100 scale of the estimates.
    pub fn label_to_score(&self, y: f64) -> f64 {
        let [lo, hi] = self.label_range;
        (100.0 * (y - lo) / (hi - lo)).clamp(0.0, 100.0)
    }

    /// Write `dir/scorer.json` (the folder is created).
    pub fn save(&self, dir: &Path) -> anyhow::Result<PathBuf> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(FILE);
        let body = serde_json::to_string_pretty(self)?;
        crate::output::write_file(&path, body.as_bytes())?;
        Ok(path)
    }

    /// Read a scorer folder (or its `scorer.json`), refusing another format.
    pub fn load(path: &Path) -> anyhow::Result<Loaded> {
        let file = if path.is_dir() { path.join(FILE) } else { path.to_path_buf() };
        let bytes = std::fs::read(&file).with_context(|| format!("reading the scorer {}", file.display()))?;
        let head: serde_json::Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("{}: not a scorer (invalid JSON)", file.display()))?;
        let format = head.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != FORMAT {
            bail!(
                "{}: scorer format {format:?}, this logline reads {FORMAT:?}; train it again with `logline scorer train`",
                file.display()
            );
        }
        let model: TrainedScorer =
            serde_json::from_slice(&bytes).with_context(|| format!("{}: not a valid scorer", file.display()))?;
        let n = TEXT_FEATURES.len() + model.dims;
        if model.features != feature_names(model.dims)
            || [model.mean.len(), model.scale.len(), model.weights.len()] != [n, n, n]
        {
            bail!("{}: the features do not match this logline's ({n} expected); train it again", file.display());
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Loaded { model, path: file, sha256 })
    }
}

/// A scorer read from disk, with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: TrainedScorer,
    pub path: PathBuf,
    /// Of the file's bytes: part of a run's settings.
    pub sha256: String,
}

impl Loaded {
    /// Refuse vectors from another embedding model.
    pub fn check_embedding_model(&self, key: &str, dims: usize) -> anyhow::Result<()> {
        if self.model.embedding_model != key || self.model.dims != dims {
            bail!(
                "the scorer {} was trained on embeddings of {:?} ({} dims); this run embeds with {key:?} ({dims} dims). Train the scorer again with this model",
                self.path.display(),
                self.model.embedding_model,
                self.model.dims
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Samples whose label follows feature 0 (answer chars) and one
    /// embedding dimension, plus noise from a fixed generator.
    fn samples(n: usize, dims: usize) -> Vec<Sample> {
        let mut seed = 7u64;
        let mut rnd = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as f64 / (1u64 << 31) as f64) - 0.5
        };
        (0..n)
            .map(|i| {
                let mut x: Vec<f64> = (0..TEXT_FEATURES.len() + dims).map(|_| rnd()).collect();
                let y = 5.0 + 3.0 * x[0] - 2.0 * x[TEXT_FEATURES.len() + 1] + 0.2 * rnd();
                x[1] = 1.0; // a constant feature must not break standardising
                Sample { length: x[0], cosine: rnd(), x, y, group: format!("t{}", i / 3) }
            })
            .collect()
    }

    fn trained() -> TrainedScorer {
        train(samples(300, 8), 0, &TrainOptions::default(), "test-model:abc", 8).unwrap()
    }

    #[test]
    fn a_trained_scorer_follows_its_labels() {
        let m = trained();
        assert!(m.training.valid_spearman > 0.9, "{:?}", m.training);
        let test = samples(100, 8);
        let pred: Vec<f64> = test.iter().map(|s| m.predict_features(&s.x)).collect();
        let labels: Vec<f64> = test.iter().map(|s| s.y).collect();
        assert!(metrics::spearman(&pred, &labels) > 0.9);
        assert!(pred.iter().all(|p| (0.0..=100.0).contains(p)));
    }

    #[test]
    fn training_is_deterministic() {
        assert_eq!(trained(), trained());
    }

    #[test]
    fn a_scorer_refuses_another_embedding_model() {
        let dir = tempfile::tempdir().unwrap();
        trained().save(dir.path()).unwrap();
        let loaded = TrainedScorer::load(dir.path()).unwrap();
        assert!(loaded.check_embedding_model("test-model:abc", 8).is_ok());
        let e = loaded.check_embedding_model("other-model:def", 8).unwrap_err().to_string();
        assert!(e.contains("other-model") && e.contains("Train the scorer again"), "{e}");
        assert!(loaded.check_embedding_model("test-model:abc", 384).is_err());
    }

    #[test]
    fn a_scorer_of_another_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = trained().save(dir.path()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap().replace(FORMAT, "logline-scorer/0");
        std::fs::write(&path, text).unwrap();
        let e = TrainedScorer::load(&path).unwrap_err().to_string();
        assert!(e.contains("logline-scorer/0") && e.contains("train it again"), "{e}");
    }

    #[test]
    fn within_group_a_lenient_grader_on_some_questions_changes_nothing() {
        let opts = TrainOptions { within_group: true, label_range: Some([0.0, 20.0]), ..Default::default() };
        let plain = samples(300, 8);
        let mut lenient = samples(300, 8);
        // Every answer to questions t0..t9 graded 4 points higher.
        for s in lenient.iter_mut().filter(|s| s.group.len() == 2) {
            s.y += 4.0;
        }
        let a = train(plain.clone(), 0, &opts, "m", 8).unwrap();
        let b = train(lenient.clone(), 0, &opts, "m", 8).unwrap();
        for (x, y) in a.weights.iter().zip(&b.weights) {
            assert!((x - y).abs() < 1e-6, "{x} vs {y}");
        }
        // Centred labels keep the signal within each question.
        assert!(a.training.valid_spearman > 0.7, "{:?}", a.training);
        // Without it, the lenient grading is something to learn.
        let opts = TrainOptions { within_group: false, ..opts };
        let (a, b) = (train(plain, 0, &opts, "m", 8).unwrap(), train(lenient, 0, &opts, "m", 8).unwrap());
        assert!(a.weights.iter().zip(&b.weights).any(|(x, y)| (x - y).abs() > 1e-3));
    }

    #[test]
    fn within_group_leaves_out_answers_alone_in_their_group() {
        let opts = TrainOptions { within_group: true, ..Default::default() };
        let mut s = samples(300, 8);
        let grouped = train(s.clone(), 0, &opts, "m", 8).unwrap();
        assert_eq!(grouped.training.spans, 300);
        s.iter_mut().take(30).enumerate().for_each(|(i, s)| s.group = format!("alone{i}"));
        let m = train(s.clone(), 0, &opts, "m", 8).unwrap();
        assert_eq!(m.training.spans, 270);
        s.iter_mut().enumerate().for_each(|(i, s)| s.group = format!("alone{i}"));
        let e = train(s, 0, &opts, "m", 8).unwrap_err().to_string();
        assert!(e.contains("--within-group") && e.contains("0 labelled spans share a group"), "{e}");
    }

    #[test]
    fn constant_labels_are_refused() {
        let mut s = samples(50, 4);
        s.iter_mut().for_each(|s| s.y = 90.0);
        let e = train(s, 0, &TrainOptions::default(), "m", 4).unwrap_err().to_string();
        assert!(e.contains("same label"), "{e}");
    }
}
