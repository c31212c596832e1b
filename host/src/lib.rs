//! # LogLine
//!
//! A data-curation pipeline for LLM training spans. The stages, in the order
//! data flows through them:
//! read → validate → derive (tags, complexity, embed) → index → enzyme chain →
//! score → gate → write.
//!
//! - [`ingest`] reads lines; [`validate`] turns them into [`span::Span`]s or
//!   rejects with reasons.
//! - [`embed`] runs the sentence model; [`tags`] and [`complexity`] add the
//!   cheap enrichments; [`index`] builds and answers the HNSW and inverted
//!   indexes.
//! - [`enzyme`] is the plugin host; [`manifest`] describes an enzyme set.
//! - [`harm`] checks that every change an enzyme makes preserves meaning;
//!   [`score`] gives each span a verdict (label, adjustments, garbage caps); the [`pipeline`] wires the phases; [`output`]
//!   writes files that appear only when complete; [`report`] counts.

// Spans and their fields.
pub mod span;

// Input files to numbered lines.
pub mod ingest;

// Lines to spans, or rejects with reasons.
pub mod validate;

// Sentence embeddings (ONNX Runtime) and their cache.
pub mod embed;

// Semantic tags.
pub mod tags;

// Complexity score.
pub mod complexity;

// Tags, complexity and vectors of a span's current text: one path.
pub mod derive;

// Vector math (dot, cosine, normalised mean).
pub mod vector;

// What an enzyme may look up (neighbours, threads, tags), whoever answers.
pub mod lookup;

// HNSW and inverted indexes.
pub mod index;

// Exact and semantic duplicates, found through the index (Phase 0).
pub mod dedupe;

// The enzyme manifest.
pub mod manifest;

// The plugin host.
pub mod enzyme;

// Do-no-harm invariants on every change an enzyme makes.
pub mod harm;

// Quality verdicts: the owner's label, enzyme effects, garbage caps.
pub mod score;

// Outputs written aside and renamed into place.
pub mod output;

// Stats and reports.
pub mod report;

// The curated set for trainers (chat JSONL).
pub mod export;

// Phase 2: trajectory matching (IVF + HNSW, Platt, conformal).
pub mod matcher;

// Progress display.
pub mod progress;

// The phases, wired.
pub mod pipeline;

// Phase 3: self-play (synthetic spans behind leakage, dedupe and novelty gates).
pub mod selfplay;

// Phase 5: `logline serve`, the HTTP endpoint over a trained model.
pub mod serve;

// Enzyme project templates.
pub mod templates;

// Flags over logline.toml over defaults, merged once.
pub mod settings;

// Command line, commands, logging.
pub mod app;

pub mod cli;
pub mod logging;

/// A thread count from the user: 0 means one per available core.
pub fn threads_or_all(n: usize) -> usize {
    if n == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { n }
}
