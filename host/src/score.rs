//! The quality scorer (SPEC §3.4): 0–100, a weighted mean of six
//! dimensions, each 0–1. The weights come from the manifest's `[quality]`.
//!
//! | dimension | what it measures |
//! |---|---|
//! | clarity | the query is a real question or request of sensible length; the response has sensible length, ends its sentences, has balanced code fences, structure (paragraphs, lists) when long, and no runaway repetition |
//! | coherence | cosine of the query and response embeddings: 0.15 or less scores 0, 0.55 or more scores 1 |
//! | depth | the response's complexity score: 60 or more scores 1 |
//! | actionability | a concrete answer: code, numbered or bulleted steps, commands, specific names, numbers or paths; an answer that only defers ("it depends", "consult the docs") scores low |
//! | novelty | 1 − similarity to the nearest other span in the index: 0.95 or more similar (near-duplicates) scores 0, 0.70 or less scores 1 |
//! | accuracy | completed spans score high, pending and failed low; confirmation (`confirmed_by`) adds, error markers in the response (tracebacks, "I'm not sure", placeholders) take away |

use crate::complexity::has_code;
use crate::manifest::QualityWeights;
use crate::span::{Span, Status};

/// The six dimension values of one span, each 0–1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Dimensions {
    pub clarity: f64,
    pub coherence: f64,
    pub depth: f64,
    pub actionability: f64,
    pub novelty: f64,
    pub accuracy: f64,
}

/// What the scorer needs beyond the span's text.
#[derive(Debug, Clone, Copy)]
pub struct Signals {
    /// Cosine of query and response embeddings (None without a response).
    pub coherence_cosine: Option<f32>,
    /// Similarity to the nearest other span (None when the index is empty).
    pub nearest_similarity: Option<f32>,
}

/// Scores spans with fixed weights.
#[derive(Debug, Clone, Copy)]
pub struct Scorer {
    weights: QualityWeights,
}

fn ramp(x: f64, lo: f64, hi: f64) -> f64 {
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

impl Scorer {
    pub fn new(weights: QualityWeights) -> Self {
        Scorer { weights }
    }

    /// The six dimensions.
    pub fn dimensions(&self, span: &Span, signals: Signals) -> Dimensions {
        Dimensions {
            clarity: clarity(&span.this, span.if_ok.as_deref()),
            coherence: match signals.coherence_cosine {
                Some(c) => ramp(c as f64, 0.15, 0.55),
                None => 0.0,
            },
            depth: ramp(span.enriched.complexity_score, 0.0, 60.0),
            actionability: actionability(span.response()),
            novelty: match signals.nearest_similarity {
                Some(s) => 1.0 - ramp(s as f64, 0.70, 0.95),
                None => 1.0,
            },
            accuracy: accuracy(span),
        }
    }

    /// The weighted score, 0–100, rounded to 2 decimals.
    pub fn combine(&self, d: &Dimensions) -> f64 {
        let w = &self.weights;
        let total = w.clarity + w.coherence + w.depth + w.actionability + w.novelty + w.accuracy;
        let sum = w.clarity * d.clarity
            + w.coherence * d.coherence
            + w.depth * d.depth
            + w.actionability * d.actionability
            + w.novelty * d.novelty
            + w.accuracy * d.accuracy;
        ((sum / total) * 10_000.0).round() / 100.0
    }

    pub fn score(&self, span: &Span, signals: Signals) -> (f64, Dimensions) {
        let d = self.dimensions(span, signals);
        (self.combine(&d), d)
    }
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Structure, punctuation and length of query and response.
pub fn clarity(query: &str, response: Option<&str>) -> f64 {
    let q = query.trim();
    let qw = words(q);
    let q_len = if qw < 3 {
        0.4
    } else if qw <= 150 {
        1.0
    } else {
        0.7
    };
    let lower = q.to_lowercase();
    let asks = q.ends_with('?')
        || q.ends_with('.')
        || q.ends_with(':')
        || [
            "how",
            "what",
            "why",
            "write",
            "explain",
            "fix",
            "create",
            "implement",
            "can",
            "show",
            "optimize",
            "refactor",
            "debug",
            "analyze",
            "review",
            "is",
            "does",
            "should",
            "help",
            "make",
            "add",
            "convert",
            "find",
            "compare",
        ]
        .iter()
        .any(|w| lower.starts_with(w));
    let q_score = 0.5 * q_len + 0.5 * if asks { 1.0 } else { 0.5 };
    let Some(r) = response.map(str::trim).filter(|r| !r.is_empty()) else {
        return 0.4 * q_score;
    };
    let rw = words(r);
    let r_len = if rw < 5 {
        0.3
    } else if rw < 15 {
        0.7
    } else if rw <= 1500 {
        1.0
    } else {
        0.8
    };
    let fences = r.matches("```").count();
    let balanced = if fences % 2 == 0 { 1.0 } else { 0.3 };
    // Prose ends its sentences (code blocks and lists may end otherwise).
    let last = r.trim_end_matches('`').trim_end().chars().last().unwrap_or('.');
    let ends = if ".!?)]}\"'*:;>".contains(last) || fences > 0 || last.is_alphanumeric() && r.ends_with("```") {
        1.0
    } else {
        0.6
    };
    let structured = if rw > 120 {
        if r.contains("\n\n") || r.contains("\n- ") || r.contains("\n* ") || r.contains("\n1.") || fences > 0 {
            1.0
        } else {
            0.6
        }
    } else {
        1.0
    };
    let repetition = repetition_penalty(r);
    let r_score = (0.3 * r_len + 0.2 * balanced + 0.2 * ends + 0.15 * structured + 0.15 * repetition).clamp(0.0, 1.0);
    0.4 * q_score + 0.6 * r_score
}

/// 1.0 for varied text, down to 0 when most lines or word trigrams repeat.
fn repetition_penalty(text: &str) -> f64 {
    let w: Vec<&str> = text.split_whitespace().collect();
    if w.len() < 30 {
        return 1.0;
    }
    let trigrams: Vec<(&str, &str, &str)> = w.windows(3).map(|t| (t[0], t[1], t[2])).collect();
    let distinct: std::collections::HashSet<_> = trigrams.iter().collect();
    let ratio = distinct.len() as f64 / trigrams.len() as f64;
    ramp(ratio, 0.3, 0.7)
}

/// How concrete the answer is.
pub fn actionability(response: &str) -> f64 {
    let r = response.trim();
    if r.is_empty() {
        return 0.0;
    }
    let lower = r.to_lowercase();
    let mut s: f64 = 0.25;
    if has_code(r)
        || r.contains("    ")
            && r.lines().any(|l| l.starts_with("    ") && l.trim().ends_with([';', '{', '}', ')', ':']))
    {
        s += 0.35;
    }
    let steps = r.lines().filter(|l| {
        let t = l.trim_start();
        t.starts_with("- ")
            || t.starts_with("* ")
            || t.chars().next().is_some_and(|c| c.is_ascii_digit()) && (t.contains(". ") || t.contains(") "))
    });
    if steps.count() >= 2 {
        s += 0.2;
    }
    if r.contains('`')
        || r.contains("$ ")
        || lower.contains("run ")
        || lower.contains("use ")
        || lower.contains("set ")
        || lower.contains("add ")
    {
        s += 0.15;
    }
    if r.chars().any(|c| c.is_ascii_digit()) || r.contains('/') || r.contains("()") {
        s += 0.1;
    }
    let hedges = [
        "it depends",
        "consult the documentation",
        "consult the docs",
        "i cannot help",
        "i can't help",
        "i'm not able to",
        "contact support",
        "i don't know",
    ];
    if hedges.iter().any(|h| lower.contains(h)) && words(r) < 60 {
        s -= 0.35;
    }
    s.clamp(0.0, 1.0)
}

/// Status, confirmation and error markers.
pub fn accuracy(span: &Span) -> f64 {
    let mut s: f64 = match span.status {
        Status::Completed => 0.85,
        Status::Pending => 0.35,
        Status::Failed => 0.15,
    };
    if span.confirmed_by.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        s += 0.15;
    }
    let lower = span.response().to_lowercase();
    let markers = [
        "traceback (most recent call last)",
        "i'm not sure",
        "i am not sure",
        "i don't know",
        "as an ai",
        "todo:",
        "lorem ipsum",
        "[insert",
        "<your answer",
        "undefined is not a function",
        "segmentation fault",
        "stack overflow error",
    ];
    let hits = markers.iter().filter(|m| lower.contains(*m)).count();
    s -= 0.2 * hits as f64;
    if span.status == Status::Completed && span.if_not.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        s -= 0.05;
    }
    s.clamp(0.0, 1.0)
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

    #[test]
    fn a_good_span_passes_the_default_gate() {
        let s = span(GOOD);
        let scorer = Scorer::new(QualityWeights::default());
        let (score, d) = scorer.score(&s, Signals { coherence_cosine: Some(0.62), nearest_similarity: Some(0.55) });
        assert!(score >= 85.0, "{score} {d:?}");
    }

    #[test]
    fn a_weak_span_does_not() {
        let s = span(
            r#"{"id":"b","who":"u","did":"ask_question","this":"hm","when":"2024-05-01T10:00:00Z","status":"completed","if_ok":"It depends."}"#,
        );
        let (score, _) = Scorer::new(QualityWeights::default())
            .score(&s, Signals { coherence_cosine: Some(0.1), nearest_similarity: Some(0.97) });
        assert!(score < 40.0, "{score}");
    }

    #[test]
    fn each_dimension_moves_the_score() {
        let s = span(GOOD);
        let scorer = Scorer::new(QualityWeights::default());
        let base = scorer.score(&s, Signals { coherence_cosine: Some(0.6), nearest_similarity: Some(0.5) }).0;
        let dup = scorer.score(&s, Signals { coherence_cosine: Some(0.6), nearest_similarity: Some(0.99) }).0;
        let off_topic = scorer.score(&s, Signals { coherence_cosine: Some(0.05), nearest_similarity: Some(0.5) }).0;
        assert!(dup < base && off_topic < base, "{base} {dup} {off_topic}");
        let mut failed = s.clone();
        failed.status = Status::Failed;
        assert!(scorer.score(&failed, Signals { coherence_cosine: Some(0.6), nearest_similarity: Some(0.5) }).0 < base);
    }

    #[test]
    fn weights_come_from_the_manifest() {
        let s = span(GOOD);
        let only_novelty = QualityWeights {
            clarity: 0.0,
            coherence: 0.0,
            depth: 0.0,
            actionability: 0.0,
            novelty: 1.0,
            accuracy: 0.0,
        };
        let sc = Scorer::new(only_novelty);
        assert_eq!(sc.score(&s, Signals { coherence_cosine: None, nearest_similarity: Some(0.99) }).0, 0.0);
        assert_eq!(sc.score(&s, Signals { coherence_cosine: None, nearest_similarity: Some(0.2) }).0, 100.0);
    }

    #[test]
    fn buckets() {
        assert_eq!((bucket(0.0), bucket(9.99), bucket(10.0), bucket(100.0)), (0, 0, 1, 9));
    }
}
