//! The heuristic estimate: five dimensions, each 0–1, that explain a score
//! and estimate one where the owner gave no label. Every word rule matches on
//! word boundaries. Thresholds live in [`Thresholds`] (`[quality.thresholds]`).
//!
//! | dimension | what it measures |
//! |---|---|
//! | clarity | the query is a real question or request of sensible length; the answer has sensible length, balanced fences, ends its sentences, has structure when long |
//! | coherence | cosine of the query and answer embeddings, ramped between `coherence_low` and `coherence_high` |
//! | depth | the answer's complexity score, full at `depth_full` |
//! | actionability | a concrete answer: code, steps, commands, names, numbers or paths; an answer that only defers scores low |
//! | accuracy | completed (and confirmed) answers score high; a failed span that says what went wrong is useful data; error markers take away |

use super::text::{self, has_any, starts_with_word, word_count};
use crate::complexity::has_code;
use crate::span::{Span, Status};
use serde::{Deserialize, Serialize};

/// The five dimension values of one span, each 0–1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Dimensions {
    pub clarity: f64,
    pub coherence: f64,
    pub depth: f64,
    pub actionability: f64,
    pub accuracy: f64,
}

/// Where the dimensions' ramps start and end (`[quality.thresholds]`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Query–answer cosine at or below which coherence is 0.
    pub coherence_low: f64,
    /// Query–answer cosine at or above which coherence is 1.
    pub coherence_high: f64,
    /// Complexity score at which depth is 1.
    pub depth_full: f64,
    /// Queries shorter than this (words) are unclear.
    pub query_min_words: usize,
    /// Answers shorter than this (words) are thin.
    pub answer_min_words: usize,
    /// Answers longer than this (words) without structure lose clarity.
    pub structure_min_words: usize,
    /// A failed span whose `if_not` has this many words explains its failure.
    pub failure_reason_words: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            coherence_low: 0.15,
            coherence_high: 0.55,
            depth_full: 60.0,
            query_min_words: 3,
            answer_min_words: 5,
            structure_min_words: 120,
            failure_reason_words: 8,
        }
    }
}

/// Weights of the five dimensions (normalised by their sum): the keys
/// `clarity`, `coherence`, … directly under `[quality]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    pub clarity: f64,
    pub coherence: f64,
    pub depth: f64,
    pub actionability: f64,
    pub accuracy: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { clarity: 0.20, coherence: 0.25, depth: 0.15, actionability: 0.15, accuracy: 0.25 }
    }
}

impl Weights {
    pub fn as_array(&self) -> [(&'static str, f64); 5] {
        [
            ("clarity", self.clarity),
            ("coherence", self.coherence),
            ("depth", self.depth),
            ("actionability", self.actionability),
            ("accuracy", self.accuracy),
        ]
    }

    /// The weighted mean of `d`, 0–100.
    pub fn combine(&self, d: &Dimensions) -> f64 {
        let total: f64 = self.as_array().iter().map(|(_, w)| w).sum();
        let sum = self.clarity * d.clarity
            + self.coherence * d.coherence
            + self.depth * d.depth
            + self.actionability * d.actionability
            + self.accuracy * d.accuracy;
        100.0 * sum / total
    }
}

pub(super) fn ramp(x: f64, lo: f64, hi: f64) -> f64 {
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// The dimensions of one span; `cosine` is its query–answer cosine.
pub fn dimensions(span: &Span, cosine: Option<f32>, t: &Thresholds) -> Dimensions {
    let answer = outcome(span);
    Dimensions {
        clarity: clarity(&span.this, answer, t),
        coherence: cosine.map_or(0.0, |c| ramp(c as f64, t.coherence_low, t.coherence_high)),
        depth: ramp(span.enriched.complexity_score, 0.0, t.depth_full),
        actionability: actionability(answer.unwrap_or("")),
        accuracy: accuracy(span, t),
    }
}

/// The text a span offers as its outcome: the answer, else (failed) what went wrong.
pub fn outcome(span: &Span) -> Option<&str> {
    match span.if_ok.as_deref() {
        Some(a) if !a.trim().is_empty() => Some(a),
        _ => span.if_not.as_deref().filter(|t| span.status == Status::Failed && !t.trim().is_empty()),
    }
}

const ASKS: &[&str] = &[
    "how",
    "what",
    "why",
    "when",
    "where",
    "which",
    "who",
    "write",
    "explain",
    "fix",
    "create",
    "implement",
    "can",
    "could",
    "show",
    "optimize",
    "refactor",
    "debug",
    "analyze",
    "review",
    "is",
    "are",
    "does",
    "do",
    "should",
    "help",
    "make",
    "add",
    "convert",
    "find",
    "compare",
    "describe",
    "list",
    "give",
    "generate",
    "summarize",
    "translate",
    "rewrite",
    "classify",
    "suggest",
    "update",
    "remove",
    "use",
    "support",
    "allow",
    "bump",
];

/// Structure, punctuation and length of query and answer.
pub fn clarity(query: &str, answer: Option<&str>, t: &Thresholds) -> f64 {
    let q = query.trim();
    let qw = word_count(q);
    let q_len = if qw < t.query_min_words {
        0.4
    } else if qw <= 150 {
        1.0
    } else {
        0.8
    };
    let lower = q.to_lowercase();
    let asks = q.ends_with(['?', '.', ':']) || starts_with_word(&lower, ASKS);
    let q_score = 0.5 * q_len + 0.5 * if asks { 1.0 } else { 0.6 };
    let Some(r) = answer.map(str::trim).filter(|r| !r.is_empty()) else {
        return 0.4 * q_score;
    };
    let rw = word_count(r);
    let r_len = if rw < t.answer_min_words {
        0.5
    } else if rw < 3 * t.answer_min_words {
        0.8
    } else {
        1.0
    };
    let parts = text::split(r);
    let balanced = if parts.unclosed_fence { 0.3 } else { 1.0 };
    let structured = if rw > t.structure_min_words {
        let has = r.contains("\n\n")
            || !parts.code.is_empty()
            || parts.prose.iter().any(|l| l.trim_start().starts_with(['-', '*']));
        if has { 1.0 } else { 0.7 }
    } else {
        1.0
    };
    let r_score = 0.4 * r_len + 0.3 * balanced + 0.3 * structured;
    0.4 * q_score + 0.6 * r_score
}

const DEFERS: &[&str] = &[
    "it depends",
    "consult the documentation",
    "consult the docs",
    "i cannot help",
    "i can't help",
    "i'm not able to",
    "contact support",
    "i don't know",
];

const DOING_WORDS: &[&str] =
    &["run", "use", "set", "add", "install", "call", "open", "create", "replace", "remove", "change"];

/// How concrete the answer is.
pub fn actionability(answer: &str) -> f64 {
    let r = answer.trim();
    if r.is_empty() {
        return 0.0;
    }
    let lower = r.to_lowercase();
    let parts = text::split(r);
    let mut s: f64 = 0.3;
    if has_code(r) || !parts.code.is_empty() {
        s += 0.3;
    }
    let steps = parts
        .prose
        .iter()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("- ")
                || t.starts_with("* ")
                || t.chars().next().is_some_and(|c| c.is_ascii_digit()) && (t.contains(". ") || t.contains(") "))
        })
        .count();
    if steps >= 2 {
        s += 0.2;
    }
    if r.contains('`') || r.contains("$ ") || has_any(&lower, DOING_WORDS) {
        s += 0.1;
    }
    if r.chars().any(|c| c.is_ascii_digit()) || r.contains('/') || r.contains("()") {
        s += 0.1;
    }
    if has_any(&lower, DEFERS) && word_count(r) < 60 {
        s -= 0.35;
    }
    s.clamp(0.0, 1.0)
}

const ERROR_MARKERS: &[&str] = &[
    "traceback (most recent call last)",
    "i'm not sure",
    "i am not sure",
    "i don't know",
    "todo:",
    "undefined is not a function",
    "segmentation fault",
];

/// Status, confirmation and error markers.
pub fn accuracy(span: &Span, t: &Thresholds) -> f64 {
    let reason_words = word_count(span.if_not.as_deref().unwrap_or(""));
    let mut s: f64 = match span.status {
        Status::Completed => 0.85,
        // What was tried and why it failed is useful data when it is said clearly.
        Status::Failed if reason_words >= t.failure_reason_words => 0.8,
        Status::Failed => 0.4,
        Status::Pending => 0.4,
    };
    if span.confirmed_by.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        s += 0.15;
    }
    if span.status == Status::Completed {
        let lower = span.response().to_lowercase();
        let hits = ERROR_MARKERS.iter().filter(|m| text::has_phrase(&lower, m)).count();
        s -= 0.2 * hits as f64;
        if reason_words > 0 {
            s -= 0.05;
        }
    }
    s.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Mode, parse_span};

    fn span(json: serde_json::Value) -> Span {
        let mut s = parse_span(&json.to_string(), Mode::Input).unwrap();
        s.enriched.complexity_score = crate::complexity::complexity_score(s.response());
        s
    }

    #[test]
    fn because_dataset_and_issue_are_not_rule_words() {
        // "because" holds "use ", "dataset" holds "set ", "issue" starts with "is".
        assert_eq!(actionability("This works because the dataset is small."), 0.3);
        assert!(actionability("Use the dataset loader.") > 0.3);
        let t = Thresholds::default();
        assert!(clarity("issue with parser", Some("x"), &t) < clarity("is the parser broken", Some("x"), &t));
    }

    #[test]
    fn a_failed_span_that_explains_itself_scores_like_data() {
        let t = Thresholds::default();
        let explained = span(
            serde_json::json!({"id":"a","who":"u","did":"deploy","this":"Deploy v2 to staging","when":"2024-05-01T10:00:00Z","status":"failed","if_not":"The deploy failed: the migration 0042 timed out because the orders table was locked by a nightly backup."}),
        );
        let bare = span(
            serde_json::json!({"id":"b","who":"u","did":"deploy","this":"Deploy v2 to staging","when":"2024-05-01T10:00:00Z","status":"failed","if_not":"failed"}),
        );
        assert!(accuracy(&explained, &t) >= 0.8);
        assert!(accuracy(&bare, &t) < 0.5);
    }
}
