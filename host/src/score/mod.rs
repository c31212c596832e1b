//! The quality verdict of one span (SPEC §3.4, redesigned): 0–100, a
//! property of the span alone.
//!
//! ```text
//! prior      = the owner's label (metadata.quality_score), blended with the
//!              estimate by `label_weight`; without a label, the estimate
//! adjustment = what the enzymes changed, measured as the change in the
//!              estimate, bounded by ±max_adjustment for a labelled span; an
//!              edit the do-no-harm checks flag never raises it
//! caps       = garbage detectors: each caps the score with a named reason
//! score      = min(prior + adjustment, caps), within 0..=100
//! ```
//!
//! The estimate is the weighted mean of five heuristic [`Dimensions`]
//! ([`heuristic`]); they also explain a score. Nothing in a verdict depends
//! on other spans: near-duplicates are a dedupe decision, not a quality
//! penalty (the old `novelty` dimension is gone).

pub mod garbage;
pub mod heuristic;
pub mod labelled;
pub mod metrics;
pub mod model;
pub mod text;
pub mod words;

pub use garbage::{Cap, Evidence, Garbage, GarbageSettings};
pub use heuristic::{Dimensions, Thresholds, Weights};

use crate::span::Span;
use serde::{Deserialize, Serialize};

/// `[quality]` in the manifest: the weights of the dimensions, how the
/// owner's label enters the score, thresholds and garbage detectors.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualitySettings {
    pub clarity: f64,
    pub coherence: f64,
    pub depth: f64,
    pub actionability: f64,
    pub accuracy: f64,
    /// Removed; kept only to explain the error when an old manifest sets it.
    #[serde(skip_serializing)]
    pub novelty: Option<f64>,
    /// Where the owner's rating is: `metadata.<key>`.
    pub label: String,
    /// The label's full scale (a label of `label_scale` means 100).
    pub label_scale: f64,
    /// prior = w·label + (1 − w)·estimate, for spans with a label.
    pub label_weight: f64,
    /// How far enzyme effects may move a labelled span's score, either way.
    pub max_adjustment: f64,
    /// A trained scorer (`logline scorer train`) whose prediction replaces
    /// the heuristic estimate; relative to the manifest's folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    pub thresholds: Thresholds,
    pub garbage: GarbageSettings,
}

impl Default for QualitySettings {
    fn default() -> Self {
        let w = Weights::default();
        QualitySettings {
            clarity: w.clarity,
            coherence: w.coherence,
            depth: w.depth,
            actionability: w.actionability,
            accuracy: w.accuracy,
            novelty: None,
            label: "metadata.quality_score".into(),
            label_scale: 100.0,
            label_weight: 1.0,
            max_adjustment: 5.0,
            model: None,
            thresholds: Thresholds::default(),
            garbage: GarbageSettings::default(),
        }
    }
}

impl QualitySettings {
    pub fn weights(&self) -> Weights {
        Weights {
            clarity: self.clarity,
            coherence: self.coherence,
            depth: self.depth,
            actionability: self.actionability,
            accuracy: self.accuracy,
        }
    }

    /// The first problem, as (key, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        if self.novelty.is_some() {
            return Err((
                "quality.novelty".into(),
                "was removed: a span's score no longer depends on other spans (near-duplicates are a dedupe decision); delete this key".into(),
            ));
        }
        for (key, w) in self.weights().as_array() {
            if !(w.is_finite() && w >= 0.0) {
                return Err((format!("quality.{key}"), format!("weights must be finite and >= 0, got {w}")));
            }
        }
        if self.weights().as_array().iter().map(|(_, w)| w).sum::<f64>() <= 0.0 {
            return Err(("quality".into(), "at least one weight must be > 0".into()));
        }
        if self.label_path().is_none() {
            return Err(("quality.label".into(), format!("must be `metadata.<key>`, got {:?}", self.label)));
        }
        if !(self.label_scale.is_finite() && self.label_scale > 0.0) {
            return Err(("quality.label_scale".into(), format!("must be > 0, got {}", self.label_scale)));
        }
        if !(0.0..=1.0).contains(&self.label_weight) {
            return Err(("quality.label_weight".into(), format!("must be within 0..=1, got {}", self.label_weight)));
        }
        if !(0.0..=100.0).contains(&self.max_adjustment) {
            return Err((
                "quality.max_adjustment".into(),
                format!("must be within 0..=100, got {}", self.max_adjustment),
            ));
        }
        let t = &self.thresholds;
        if t.coherence_low.partial_cmp(&t.coherence_high) != Some(std::cmp::Ordering::Less) {
            return Err(("quality.thresholds".into(), "coherence_low must be below coherence_high".into()));
        }
        if t.depth_full.is_nan() || t.depth_full <= 0.0 {
            return Err(("quality.thresholds.depth_full".into(), "must be > 0".into()));
        }
        self.garbage.check().map_err(|m| ("quality.garbage".into(), m))
    }

    /// The metadata key of the label.
    fn label_path(&self) -> Option<&str> {
        self.label.strip_prefix("metadata.").filter(|k| !k.is_empty())
    }
}

/// What the scorer needs beyond the span's text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals {
    /// Cosine of the query and answer embeddings (None without an answer).
    pub coherence_cosine: Option<f32>,
}

impl Signals {
    /// The signals of a span, from its own embeddings.
    pub fn of(span: &Span) -> Signals {
        let e = &span.enriched;
        let coherence_cosine = match (&e.query_embedding, &e.response_embedding) {
            (Some(q), Some(r)) => Some(crate::vector::cosine(q, r)),
            _ => None,
        };
        Signals { coherence_cosine }
    }
}

/// A span's score and everything that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub score: f64,
    /// The owner's label on the 0–100 scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<f64>,
    /// The estimate, 0–100: the trained scorer's when one is in use,
    /// otherwise the weighted heuristic dimensions.
    pub estimate: f64,
    /// The trained scorer that made the estimate (its file's sha256, first
    /// 12 digits); absent for the heuristic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_by: Option<String>,
    /// label_weight·label + (1 − label_weight)·estimate, or the estimate.
    pub prior: f64,
    /// What the enzymes' changes moved the score by (bounded for a labelled span).
    pub adjustment: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<Cap>,
    pub dimensions: Dimensions,
}

impl Verdict {
    /// The first cap's reason, for a reject line.
    pub fn cap_reason(&self) -> Option<Garbage> {
        self.caps.iter().min_by(|a, b| a.cap.total_cmp(&b.cap).then(a.reason.cmp(&b.reason))).map(|c| c.reason)
    }
}

/// One snapshot of a span on its way through the chain, for scoring.
pub struct Step<'a> {
    pub span: &'a Span,
    /// The change that produced this snapshot was flagged by the
    /// do-no-harm checks (always false for the first snapshot).
    pub harmful: bool,
}

/// Scores spans with the manifest's settings.
#[derive(Debug, Clone)]
pub struct Scorer {
    settings: QualitySettings,
    weights: Weights,
    model: Option<std::sync::Arc<model::Loaded>>,
    relevance: Option<std::sync::Arc<crate::embed::Relevance>>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Scorer {
    pub fn new(settings: QualitySettings) -> Self {
        let weights = settings.weights();
        Scorer { settings, weights, model: None, relevance: None }
    }

    /// Ask the relevance model about answers whose query–answer cosine
    /// leaves doubt (`quality.garbage.off_topic_relevance_cosine`).
    pub fn with_relevance(mut self, relevance: std::sync::Arc<crate::embed::Relevance>) -> Self {
        self.relevance = Some(relevance);
        self
    }

    /// Whether the settings ask for the relevance model: its cosine band is
    /// open and `off_topic` is not switched off.
    pub fn wants_relevance(&self) -> bool {
        let g = &self.settings.garbage;
        g.off_topic_relevance_cosine > 0.0 && !g.off.contains(&Garbage::OffTopic)
    }

    /// Load the relevance model beside the embedding model in use, with
    /// `sessions` sessions for as many workers, when the settings ask for it.
    pub fn with_relevance_beside(
        mut self,
        embedding: &crate::embed::ModelFiles,
        sessions: usize,
    ) -> anyhow::Result<Self> {
        self.load_relevance_beside(embedding, sessions)?;
        Ok(self)
    }

    /// [`Scorer::with_relevance_beside`] in place.
    pub fn load_relevance_beside(
        &mut self,
        embedding: &crate::embed::ModelFiles,
        sessions: usize,
    ) -> anyhow::Result<()> {
        if self.wants_relevance() {
            let relevance = crate::embed::Relevance::beside(embedding, sessions)?;
            tracing::info!("relevance model {}", relevance.key());
            self.relevance = Some(std::sync::Arc::new(relevance));
        }
        Ok(())
    }

    /// The garbage detectors' caps on one snapshot (the relevance model
    /// asked where the settings and the cosine call for it).
    pub fn caps(&self, span: &Span, signals: Signals) -> Vec<garbage::Cap> {
        let ask = |q: &str, a: &str| {
            let r = self.relevance.as_ref()?;
            r.score(q, a).map_err(|e| tracing::warn!("span {}: relevance model: {e:#}", span.id)).ok()
        };
        let ev = Evidence {
            query_answer_cosine: signals.coherence_cosine,
            relevance: self.relevance.is_some().then_some(&ask as garbage::Relevance<'_>),
        };
        garbage::detect(span, ev, &self.settings.garbage)
    }

    /// Estimate with a trained scorer instead of the heuristic dimensions
    /// (spans it cannot read, e.g. without an answer embedding, keep the
    /// heuristic).
    pub fn with_model(mut self, model: model::Loaded) -> Self {
        self.model = Some(std::sync::Arc::new(model));
        self
    }

    /// The trained scorer in use, if any.
    pub fn model(&self) -> Option<&model::Loaded> {
        self.model.as_deref()
    }

    pub fn settings(&self) -> &QualitySettings {
        &self.settings
    }

    /// The owner's label of `span` on the 0–100 scale, if it has one.
    pub fn label(&self, span: &Span) -> Option<f64> {
        let key = self.settings.label_path()?;
        let raw = if key == "quality_score" {
            span.facts.input_quality
        } else {
            let meta: serde_json::Value = serde_json::from_str(span.metadata.as_ref()?.get()).ok()?;
            meta.get(key)?.as_f64()
        }?;
        raw.is_finite().then(|| (100.0 * raw / self.settings.label_scale).clamp(0.0, 100.0))
    }

    /// The estimate of one snapshot and its dimensions.
    pub fn estimate(&self, span: &Span, signals: Signals) -> (f64, Dimensions) {
        self.estimate_by(span, signals).0
    }

    /// The estimate, its dimensions, and which trained scorer made it.
    fn estimate_by(&self, span: &Span, signals: Signals) -> ((f64, Dimensions), Option<String>) {
        let d = heuristic::dimensions(span, signals.coherence_cosine, &self.settings.thresholds);
        if let Some(m) = &self.model
            && let Some(p) = m.model.predict(span)
        {
            return ((p, d), Some(m.sha256[..12].to_string()));
        }
        ((self.weights.combine(&d), d), None)
    }

    /// The verdict of a span as it is (no enzymes).
    pub fn judge(&self, span: &Span, signals: Signals) -> Verdict {
        self.judge_steps(&[Step { span, harmful: false }], &[signals]).pop().expect("one step")
    }

    /// The verdict after each step of a chain: `steps[0]` is the span as it
    /// entered, each later one the span after a change.
    pub fn judge_steps(&self, steps: &[Step<'_>], signals: &[Signals]) -> Vec<Verdict> {
        assert_eq!(steps.len(), signals.len());
        let Some(first) = steps.first() else { return Vec::new() };
        let label = self.label(first.span);
        let s = &self.settings;
        let (estimates, by): (Vec<(f64, Dimensions)>, Vec<Option<String>>) =
            steps.iter().zip(signals).map(|(st, sig)| self.estimate_by(st.span, *sig)).unzip();
        let prior = match label {
            Some(l) => s.label_weight * l + (1.0 - s.label_weight) * estimates[0].0,
            None => estimates[0].0,
        };
        let bound = if label.is_some() { s.max_adjustment } else { 100.0 };
        let mut moved = 0.0;
        let mut out: Vec<Verdict> = Vec::with_capacity(steps.len());
        // The detectors read the text, the status, the action and the
        // cosine: a snapshot that only annotated the span keeps the caps of
        // the one before, without the detectors (or the relevance model)
        // running again.
        let mut detected: Vec<Vec<garbage::Cap>> = Vec::with_capacity(steps.len());
        for (i, (st, sig)) in steps.iter().zip(signals).enumerate() {
            let alike = i > 0 && {
                let (was, was_sig) = (steps[i - 1].span, signals[i - 1]);
                !crate::harm::text_changed(was, st.span)
                    && was.status == st.span.status
                    && was.did == st.span.did
                    && was_sig.coherence_cosine == sig.coherence_cosine
            };
            detected.push(if alike { detected[i - 1].clone() } else { self.caps(st.span, *sig) });
        }
        // Garbage in the input stays garbage: an enzyme that tidies a
        // truncated or looping answer does not lift its cap.
        let first_caps = &detected[0];
        for (i, st) in steps.iter().enumerate() {
            if i > 0 {
                let delta = estimates[i].0 - estimates[i - 1].0;
                moved += if st.harmful { delta.min(0.0) } else { delta };
            }
            let adjustment = moved.clamp(-bound, bound);
            let mut caps = detected[i].clone();
            for c in first_caps {
                if !caps.iter().any(|x| x.reason == c.reason) {
                    caps.push(c.clone());
                }
            }
            caps.sort_by_key(|c| c.reason);
            let mut score = (prior + adjustment).clamp(0.0, 100.0);
            for c in &caps {
                score = score.min(c.cap);
            }
            if st.harmful
                && let Some(prev) = out.last()
            {
                score = score.min(prev.score);
            }
            out.push(Verdict {
                score: round2(score),
                label: label.map(round2),
                estimate: round2(estimates[i].0),
                estimated_by: by[i].clone(),
                prior: round2(prior),
                adjustment: round2(adjustment),
                caps,
                dimensions: estimates[i].1,
            });
        }
        out
    }
}

/// Ten buckets of 10 points (the last holds 90–100 inclusive).
pub fn bucket(score: f64) -> usize {
    ((score / 10.0).floor() as usize).min(9)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Mode, parse_span};

    fn span(json: &str) -> Span {
        let mut s = parse_span(json, Mode::Input).unwrap();
        s.enriched.complexity_score = crate::complexity::complexity_score(s.response());
        s
    }

    const GOOD: &str = r#"{"id":"a","who":"u","did":"write_code","this":"How do I read a file line by line in Python?","when":"2024-05-01T10:00:00Z","status":"completed","confirmed_by":"reviewer","if_ok":"Open the file with a context manager and iterate over it:\n\n```python\nwith open(\"data.txt\") as f:\n    for line in f:\n        print(line.rstrip())\n```\n\nIterating over the file object reads one line at a time, so memory stays flat even for large files. Use `encoding=\"utf-8\"` when the file is not ASCII."}"#;

    fn labelled(score: f64) -> String {
        GOOD.replace(r#""confirmed_by""#, &format!(r#""metadata":{{"quality_score":{score}}},"confirmed_by""#))
    }

    #[test]
    fn a_good_unlabelled_span_passes_the_default_gate() {
        let v = Scorer::new(QualitySettings::default()).judge(&span(GOOD), Signals { coherence_cosine: Some(0.62) });
        assert!(v.score >= 85.0, "{v:?}");
        assert!(v.label.is_none() && v.caps.is_empty());
    }

    #[test]
    fn the_owners_label_is_the_prior() {
        let sc = Scorer::new(QualitySettings::default());
        // A weak heuristic signal (off-topic-ish cosine) does not drop a span its owner rated 90.
        let v = sc.judge(&span(&labelled(90.0)), Signals { coherence_cosine: Some(0.2) });
        assert_eq!((v.label, v.score), (Some(90.0), 90.0), "{v:?}");
        let low = sc.judge(&span(&labelled(40.0)), Signals { coherence_cosine: Some(0.62) });
        assert_eq!(low.score, 40.0);
        let blended = Scorer::new(QualitySettings { label_weight: 0.5, ..Default::default() })
            .judge(&span(&labelled(40.0)), Signals { coherence_cosine: Some(0.62) });
        assert!(blended.score > 40.0 && blended.score < blended.estimate, "{blended:?}");
    }

    #[test]
    fn a_label_in_another_field_and_scale() {
        let s = span(&GOOD.replace(r#""confirmed_by""#, r#""metadata":{"grade":7},"confirmed_by""#));
        let sc =
            Scorer::new(QualitySettings { label: "metadata.grade".into(), label_scale: 10.0, ..Default::default() });
        assert_eq!(sc.judge(&s, Signals::default()).label, Some(70.0));
    }

    #[test]
    fn garbage_caps_a_labelled_span_with_its_reason() {
        let looped = labelled(95.0)
            .replace("Iterating over the file object", &"Iterating over the file object is fast. ".repeat(10));
        let v = Scorer::new(QualitySettings::default()).judge(&span(&looped), Signals { coherence_cosine: Some(0.6) });
        assert_eq!(v.score, 20.0);
        assert_eq!(v.cap_reason(), Some(Garbage::Looping));
    }

    #[test]
    fn enzyme_effects_move_a_labelled_score_within_bounds() {
        let sc = Scorer::new(QualitySettings::default());
        let before = span(&labelled(88.0).replace("```python", "```"));
        let mut worse = before.clone();
        worse.if_ok = Some("Use open().".into());
        worse.enriched.complexity_score = crate::complexity::complexity_score(worse.response());
        let sig = Signals { coherence_cosine: Some(0.6) };
        let v = sc
            .judge_steps(&[Step { span: &before, harmful: false }, Step { span: &worse, harmful: false }], &[sig, sig]);
        assert_eq!(v[0].score, 88.0);
        assert_eq!(v[1].adjustment, -5.0, "{:?}", v[1]);
        let back = sc
            .judge_steps(&[Step { span: &worse, harmful: false }, Step { span: &before, harmful: false }], &[sig, sig]);
        assert!(back[1].adjustment > 0.0 && back[1].adjustment <= 5.0);
    }

    #[test]
    fn a_harmful_edit_never_raises_a_score() {
        let sc = Scorer::new(QualitySettings::default());
        let mut thin = span(GOOD);
        thin.if_ok = Some("Use open().".into());
        thin.enriched.complexity_score = crate::complexity::complexity_score(thin.response());
        let rich = span(GOOD);
        let sig = Signals { coherence_cosine: Some(0.6) };
        let v =
            sc.judge_steps(&[Step { span: &thin, harmful: false }, Step { span: &rich, harmful: true }], &[sig, sig]);
        assert_eq!(v[1].score, v[0].score, "{v:?}");
    }

    #[test]
    fn tidying_garbage_does_not_lift_its_cap() {
        let sc = Scorer::new(QualitySettings::default());
        let cut = span(&labelled(90.0).replace(r"print(line.rstrip())\n```", "print(line.rstrip())"));
        let mut closed = cut.clone();
        closed.if_ok = Some(format!("{}\n```", cut.response()));
        let sig = Signals { coherence_cosine: Some(0.6) };
        let v =
            sc.judge_steps(&[Step { span: &cut, harmful: false }, Step { span: &closed, harmful: false }], &[sig, sig]);
        assert_eq!(v[0].cap_reason(), Some(Garbage::Truncated), "{:?}", v[0]);
        assert_eq!((v[1].score, v[1].cap_reason()), (20.0, Some(Garbage::Truncated)));
    }

    #[test]
    fn score_is_independent_of_other_spans() {
        // The scorer has no index and no file: the same span and its own
        // embeddings give the same verdict, whatever else is processed.
        let sc = Scorer::new(QualitySettings::default());
        let a = sc.judge(&span(GOOD), Signals { coherence_cosine: Some(0.6) });
        for _ in 0..3 {
            let _other = sc.judge(&span(&labelled(10.0)), Signals { coherence_cosine: Some(0.1) });
            assert_eq!(sc.judge(&span(GOOD), Signals { coherence_cosine: Some(0.6) }), a);
        }
    }

    #[test]
    fn novelty_in_an_old_manifest_is_explained() {
        let q = QualitySettings { novelty: Some(0.1), ..Default::default() };
        assert!(q.check().unwrap_err().1.contains("dedupe"));
    }

    #[test]
    fn buckets() {
        assert_eq!((bucket(0.0), bucket(9.99), bucket(10.0), bucket(100.0)), (0, 0, 1, 9));
    }
}
