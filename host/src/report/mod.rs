//! Stats that add up, and their printed tables.
//!
//! Workers fill their own counters; the pipeline merges them; reports are
//! built from the merged counters, never recounted.

pub mod html;

use crate::embed::EmbedStats;
use crate::index::IndexManifest;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Phase 0's numbers (SPEC §2.1), saved as `<stem>.stats.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phase0Stats {
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_fingerprint: Option<crate::output::Fingerprint>,
    /// The settings that shaped the outputs (`run --resume` compares them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
    /// Non-blank input lines.
    pub total: u64,
    pub valid: u64,
    pub invalid: u64,
    pub filtered: u64,
    /// Reason code → lines (a line may have several reasons).
    pub reasons: BTreeMap<String, u64>,
    /// Lines sent to the rejects file, by reject code (`dropped_<code>`).
    #[serde(default)]
    pub rejected: crate::output::sink::RejectCounts,
    pub unique_domains: usize,
    pub unique_actions: usize,
    pub domains: BTreeMap<String, u64>,
    pub actions: BTreeMap<String, u64>,
    /// Mean `metadata.quality_score` of the valid spans.
    pub mean_input_quality: Option<f64>,
    /// Valid spans by their own quality label, in tenths of 0–100 (100 in the last).
    #[serde(default)]
    pub input_quality_histogram: [u64; 10],
    /// Valid spans by semantic tag.
    #[serde(default)]
    pub tags: BTreeMap<String, u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embeddings: Option<EmbedStats>,
    pub embedding_mode: String,
    pub combined_mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexManifest>,
    pub duration_ms: f64,
    /// Peak resident memory of the process so far, MiB (Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_mb: Option<f64>,
    /// Seconds the model itself ran.
    pub model_secs: f64,
    pub output_path: String,
    pub rejects_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sidecar_path: Option<String>,
    /// Phase 0's duplicate detection (absent with `--dedupe off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<crate::dedupe::DedupeStats>,
}

impl Phase0Stats {
    /// Spans in the enriched output: the valid ones less dropped duplicates.
    pub fn spans_out(&self) -> u64 {
        self.valid - self.rejected.get(crate::output::sink::RejectCode::Duplicate)
    }

    /// The most frequent reasons, most frequent first.
    pub fn top_reasons(&self, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self.reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    /// The table printed at the end of `prepare`.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let pct = |n: u64| {
            if self.total == 0 { 0.0 } else { n as f64 * 100.0 / self.total as f64 }
        };
        let _ = writeln!(s, "Phase 0 — prepare ({})", self.input);
        let _ = writeln!(s, "  lines      {:>8}", self.total);
        let _ = writeln!(s, "  valid      {:>8}  ({:.1}%)", self.valid, pct(self.valid));
        let _ = writeln!(s, "  invalid    {:>8}  ({:.1}%)", self.invalid, pct(self.invalid));
        let _ = writeln!(s, "  filtered   {:>8}  ({:.1}%)", self.filtered, pct(self.filtered));
        if !self.reasons.is_empty() {
            let _ = writeln!(s, "  top reasons:");
            for (code, n) in self.top_reasons(8) {
                let _ = writeln!(s, "    {code:<22} {n:>6}");
            }
        }
        if let Some(d) = &self.duplicates {
            let _ = writeln!(
                s,
                "  duplicates {:>8}  in {} groups ({} exact, {} semantic at cosine >= {}; largest {}); {}",
                d.duplicates,
                d.groups,
                d.exact,
                d.semantic,
                d.threshold,
                d.largest_group,
                if d.mode == "drop" { format!("{} dropped", d.dropped) } else { "marked".to_string() }
            );
        }
        let _ = writeln!(s, "  domains    {:>8}   actions {:>6}", self.unique_domains, self.unique_actions);
        if let Some(q) = self.mean_input_quality {
            let _ = writeln!(s, "  mean input quality {q:.1}");
        }
        if let Some(e) = &self.embeddings {
            let _ = writeln!(
                s,
                "  embeddings: {} texts, {} unique, {} from cache, {} through the model ({} tokens, {} truncated), model {:.1}s",
                e.requested,
                e.unique,
                e.cache_hits,
                e.model.texts,
                e.model.tokens,
                e.truncated_texts,
                e.model.model_secs
            );
            if e.model.model_secs > 0.0 {
                let _ = writeln!(s, "  model throughput {:.0} tokens/s", e.model.tokens as f64 / e.model.model_secs);
            }
        }
        if let Some(ix) = &self.index {
            let st = &ix.stats;
            let _ = writeln!(
                s,
                "  index: {} nodes, {} layers, {:.1} avg connections, built in {:.1}s; inverted: {} dids, {} domains, {} tags, {} threads",
                st.nodes,
                st.layers,
                st.avg_connections,
                st.build_ms / 1000.0,
                ix.inverted.dids,
                ix.inverted.domains,
                ix.inverted.tags,
                ix.inverted.threads
            );
        }
        let _ = writeln!(s, "  took {:.1}s", self.duration_ms / 1000.0);
        s
    }
}

/// Per-enzyme counters in Phase 1.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EnzymeCounters {
    pub version: String,
    pub calls: u64,
    /// Spans whose `this`, `if_ok` or `if_not` it changed.
    pub changed: u64,
    /// Spans it only annotated (enrichment, context), text left alone.
    #[serde(default)]
    pub annotated: u64,
    /// Changes the do-no-harm checks flagged (they never raise a score).
    #[serde(default)]
    pub harmful: u64,
    pub errors: u64,
    pub errors_by_kind: BTreeMap<String, u64>,
    pub dropped: u64,
    /// New spans (variants) it emitted.
    pub variants: u64,
    /// Sum of (quality after − before) over the spans it changed.
    pub impact_sum: f64,
    pub micros_sum: f64,
}

impl std::ops::AddAssign<&EnzymeCounters> for EnzymeCounters {
    fn add_assign(&mut self, o: &EnzymeCounters) {
        if !o.version.is_empty() {
            self.version.clone_from(&o.version);
        }
        self.calls += o.calls;
        self.changed += o.changed;
        self.annotated += o.annotated;
        self.harmful += o.harmful;
        self.errors += o.errors;
        for (k, v) in &o.errors_by_kind {
            *self.errors_by_kind.entry(k.clone()).or_default() += v;
        }
        self.dropped += o.dropped;
        self.variants += o.variants;
        self.impact_sum += o.impact_sum;
        self.micros_sum += o.micros_sum;
    }
}

/// One entry of `top_enzymes`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopEnzyme {
    pub enzyme: String,
    /// Mean score change it caused on the spans it changed.
    pub avg_impact: f64,
    /// Spans it changed.
    pub count: u64,
}

/// `diamonds-plus.report.json` (SPEC §3.4), plus detail.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phase1Report {
    pub total_processed: u64,
    /// Changed by an enzyme and at or above the gate (variants included).
    pub diamonds_plus: u64,
    /// Unchanged and at or above the gate.
    pub diamonds_original: u64,
    /// Below the gate.
    pub rejected: u64,
    pub dropped_by_enzymes: u64,
    pub variants_added: u64,
    /// Failed enzyme calls (any policy).
    pub enzyme_errors: u64,
    /// Spans sent to the rejects because an enzyme failed (policy `reject`).
    pub rejected_by_errors: u64,
    /// Variants sent to the rejects because their id was already used.
    pub duplicate_variant_ids: u64,
    /// Lines of the Phase 1 input that were not valid enriched spans.
    pub invalid_input: u64,
    /// Mean (final − initial) score over the processed spans that went on.
    pub avg_quality_improvement: f64,
    pub top_enzymes: Vec<TopEnzyme>,
    pub quality_histogram_before: [u64; 10],
    pub quality_histogram_after: [u64; 10],
    pub quality_gate: f64,
    pub pass_rate: f64,
    pub score_percentiles: BTreeMap<String, f64>,
    pub enzymes: BTreeMap<String, EnzymeCounters>,
    /// Spans capped by a garbage detector, by reason (a span may have several).
    #[serde(default)]
    pub capped: BTreeMap<String, u64>,
    /// Spans kept or rejected on their owner's label (the rest had none).
    #[serde(default)]
    pub labelled: u64,
    /// Lines written to the rejects file, by reject code (`dropped_<code>`).
    #[serde(default)]
    pub rejects: crate::output::sink::RejectCounts,
    /// Texts embedded again because an enzyme changed them (through the
    /// cache; a field an enzyme left alone keeps its vector).
    pub reembedded_texts: u64,
    /// Seconds the model ran in this phase (re-embedding changed text).
    #[serde(default)]
    pub model_secs: f64,
    pub duration_ms: f64,
    /// Peak resident memory of the process so far, MiB (Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_mb: Option<f64>,
    pub output_path: String,
    pub rejects_path: String,
}

impl Phase1Report {
    /// The table printed at the end of `orchestrate`.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Phase 1 — orchestrate (gate {})", self.quality_gate);
        let _ = writeln!(s, "  processed            {:>8}", self.total_processed);
        let _ = writeln!(s, "  diamonds+ (changed)  {:>8}", self.diamonds_plus);
        let _ = writeln!(s, "  diamonds (original)  {:>8}", self.diamonds_original);
        let _ = writeln!(s, "  below the gate       {:>8}", self.rejected);
        for (reason, n) in &self.capped {
            let _ = writeln!(s, "    capped: {:<18} {:>6}", reason, n);
        }
        let _ = writeln!(s, "  dropped by enzymes   {:>8}", self.dropped_by_enzymes);
        let _ = writeln!(s, "  variants added       {:>8}", self.variants_added);
        let _ = writeln!(
            s,
            "  enzyme errors        {:>8}  ({} spans rejected for them)",
            self.enzyme_errors, self.rejected_by_errors
        );
        let _ = writeln!(s, "  pass rate            {:>7.1}%", self.pass_rate * 100.0);
        let _ = writeln!(s, "  avg quality change   {:>+8.2}", self.avg_quality_improvement);
        if !self.score_percentiles.is_empty() {
            let p: Vec<String> = self.score_percentiles.iter().map(|(k, v)| format!("{k} {v:.1}")).collect();
            let _ = writeln!(s, "  final scores         {}", p.join("  "));
        }
        let _ = writeln!(s, "  histogram   before / after");
        for i in 0..10 {
            let _ = writeln!(
                s,
                "    {:>3}-{:<3} {:>7} {:>7}",
                i * 10,
                if i == 9 { 100 } else { i * 10 + 9 },
                self.quality_histogram_before[i],
                self.quality_histogram_after[i]
            );
        }
        if !self.enzymes.is_empty() {
            let _ = writeln!(
                s,
                "  {:<20} {:>8} {:>8} {:>7} {:>10} {:>9}",
                "enzyme", "calls", "changed", "errors", "avg impact", "µs/call"
            );
            for (name, c) in &self.enzymes {
                let impact = if c.changed > 0 { c.impact_sum / c.changed as f64 } else { 0.0 };
                let us = if c.calls > 0 { c.micros_sum / c.calls as f64 } else { 0.0 };
                let _ = writeln!(
                    s,
                    "  {name:<20} {:>8} {:>8} {:>7} {:>+10.2} {:>9.1}",
                    c.calls, c.changed, c.errors, impact, us
                );
            }
        }
        let _ = writeln!(s, "  took {:.1}s", self.duration_ms / 1000.0);
        s
    }
}

/// Peak resident set size of this process (VmHWM), MiB; None off Linux.
/// Hand the memory that the allocator holds free back to the OS: glibc keeps
/// freed pages inside its heaps (only the top of a heap is returned), so in
/// `run` Phase 1's index and buffers stacked on Phase 0's freed points and
/// graph, and the run's peak grew faster than either phase's (#12). `run`
/// calls this between the phases.
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: glibc's `malloc_trim` only releases free memory and has
        // no preconditions; it is safe to call from any thread at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}

pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}
