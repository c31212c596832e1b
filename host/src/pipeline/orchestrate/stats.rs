//! Phase 1's counters: filled per worker, added with `+=`, turned into the
//! report once. Bounded in size, so a checkpoint stays small however long
//! the run: final scores are kept as a histogram at the report's precision
//! (hundredths), which gives the same percentiles as the sorted scores.

use super::render::{AppStat, RenderedItem};
use crate::output::sink::RejectCounts;
use crate::report::{EnzymeCounters, Phase1Report, TopEnzyme};
use crate::score::bucket;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// What survives a restart, and what workers add up.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phase1Stats {
    pub total_processed: u64,
    pub diamonds_plus: u64,
    pub diamonds_original: u64,
    pub rejected: u64,
    pub dropped: u64,
    pub variants_added: u64,
    pub enzyme_errors: u64,
    pub rejected_by_errors: u64,
    pub invalid_input: u64,
    pub improvement_sum: f64,
    pub improvement_n: u64,
    pub hist_before: [u64; 10],
    pub hist_after: [u64; 10],
    /// Final score in hundredths → spans.
    pub scores: BTreeMap<u32, u64>,
    pub enzymes: BTreeMap<String, EnzymeCounters>,
    pub capped: BTreeMap<String, u64>,
    pub labelled: u64,
    pub reembedded: u64,
    pub duplicate_variants: u64,
}

/// A score at the report's precision (hundredths of a point).
fn centi(score: f64) -> u32 {
    // The report has always rounded the f32 score; keep that.
    ((score as f32 as f64) * 100.0).round().max(0.0) as u32
}

impl AddAssign<&Phase1Stats> for Phase1Stats {
    fn add_assign(&mut self, o: &Phase1Stats) {
        self.total_processed += o.total_processed;
        self.diamonds_plus += o.diamonds_plus;
        self.diamonds_original += o.diamonds_original;
        self.rejected += o.rejected;
        self.dropped += o.dropped;
        self.variants_added += o.variants_added;
        self.enzyme_errors += o.enzyme_errors;
        self.rejected_by_errors += o.rejected_by_errors;
        self.invalid_input += o.invalid_input;
        self.improvement_sum += o.improvement_sum;
        self.improvement_n += o.improvement_n;
        for i in 0..10 {
            self.hist_before[i] += o.hist_before[i];
            self.hist_after[i] += o.hist_after[i];
        }
        for (k, v) in &o.scores {
            *self.scores.entry(*k).or_default() += v;
        }
        for (k, v) in &o.enzymes {
            *self.enzymes.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.capped {
            *self.capped.entry(k.clone()).or_default() += v;
        }
        self.labelled += o.labelled;
        self.reembedded += o.reembedded;
        self.duplicate_variants += o.duplicate_variants;
    }
}

impl Phase1Stats {
    /// One output span (an input's continuation or a variant).
    pub fn count_item(&mut self, it: &RenderedItem) {
        if it.variant {
            self.variants_added += 1;
            if let Some(e) = &it.variant_by {
                self.enzymes.entry(e.clone()).or_default().variants += 1;
            }
        } else {
            self.hist_before[bucket(it.before)] += 1;
            self.improvement_sum += it.after - it.before;
            self.improvement_n += 1;
        }
        if it.duplicate {
            self.duplicate_variants += 1;
            return;
        }
        self.hist_after[bucket(it.after)] += 1;
        *self.scores.entry(centi(it.after)).or_default() += 1;
        self.labelled += it.labelled as u64;
        for c in &it.caps {
            *self.capped.entry(c.to_string()).or_default() += 1;
        }
        match (it.passed, it.changed) {
            (true, true) => self.diamonds_plus += 1,
            (true, false) => self.diamonds_original += 1,
            (false, _) => self.rejected += 1,
        }
    }

    /// A variant counted as kept (`kept`) or as below the gate whose id,
    /// it turns out, another shard's variant took first: count it as the
    /// duplicate a single run counts it as ([`Self::count_item`]).
    pub fn recount_as_duplicate(&mut self, after: f64, kept: bool, caps: &[String], labelled: bool) {
        let dec = |n: &mut u64| *n = n.saturating_sub(1);
        dec(&mut self.hist_after[bucket(after)]);
        if let Some(n) = self.scores.get_mut(&centi(after)) {
            dec(n);
            if *n == 0 {
                self.scores.remove(&centi(after));
            }
        }
        if labelled {
            dec(&mut self.labelled);
        }
        for c in caps {
            if let Some(n) = self.capped.get_mut(c) {
                dec(n);
                if *n == 0 {
                    self.capped.remove(c);
                }
            }
        }
        // A variant is a changed span.
        dec(if kept { &mut self.diamonds_plus } else { &mut self.rejected });
        self.duplicate_variants += 1;
    }

    /// One enzyme call.
    pub fn count_app(&mut self, a: &AppStat) {
        let c = self.enzymes.entry(a.enzyme.clone()).or_default();
        c.version = a.version.clone();
        c.calls += 1;
        c.micros_sum += a.micros;
        if a.changed_text {
            c.changed += 1;
            c.impact_sum += a.delta;
        }
        c.annotated += a.annotated as u64;
        c.harmful += a.harmful as u64;
        if let Some(k) = &a.error {
            c.errors += 1;
            *c.errors_by_kind.entry(k.clone()).or_default() += 1;
        }
    }

    /// A span an enzyme dropped.
    pub fn count_dropped(&mut self, enzyme: &str) {
        self.dropped += 1;
        self.enzymes.entry(enzyme.to_string()).or_default().dropped += 1;
    }

    /// The percentile `p` of the final scores.
    fn percentile(&self, p: f64) -> Option<f64> {
        let n: u64 = self.scores.values().sum();
        if n == 0 {
            return None;
        }
        let rank = ((n - 1) as f64 * p).round() as u64;
        let mut seen = 0;
        for (k, v) in &self.scores {
            seen += v;
            if seen > rank {
                return Some(*k as f64 / 100.0);
            }
        }
        None
    }

    pub fn report(&self, gate: f64, rejects: &RejectCounts) -> Phase1Report {
        let mut top: Vec<TopEnzyme> = self
            .enzymes
            .iter()
            .filter(|(_, c)| c.changed > 0)
            .map(|(name, c)| TopEnzyme {
                enzyme: name.clone(),
                avg_impact: round2(c.impact_sum / c.changed as f64),
                count: c.changed,
            })
            .collect();
        top.sort_by(|a, b| {
            b.count.cmp(&a.count).then(b.avg_impact.total_cmp(&a.avg_impact)).then(a.enzyme.cmp(&b.enzyme))
        });
        let mut percentiles = BTreeMap::new();
        for (k, p) in [("p10", 0.1), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9), ("max", 1.0)] {
            if let Some(v) = self.percentile(p) {
                percentiles.insert(k.to_string(), v);
            }
        }
        let outputs = self.diamonds_plus + self.diamonds_original + self.rejected;
        Phase1Report {
            total_processed: self.total_processed,
            diamonds_plus: self.diamonds_plus,
            diamonds_original: self.diamonds_original,
            rejected: self.rejected,
            dropped_by_enzymes: self.dropped,
            variants_added: self.variants_added,
            enzyme_errors: self.enzyme_errors,
            rejected_by_errors: self.rejected_by_errors,
            duplicate_variant_ids: self.duplicate_variants,
            invalid_input: self.invalid_input,
            avg_quality_improvement: if self.improvement_n > 0 {
                round2(self.improvement_sum / self.improvement_n as f64)
            } else {
                0.0
            },
            top_enzymes: top,
            quality_histogram_before: self.hist_before,
            quality_histogram_after: self.hist_after,
            quality_gate: gate,
            pass_rate: if outputs > 0 {
                (self.diamonds_plus + self.diamonds_original) as f64 / outputs as f64
            } else {
                0.0
            },
            score_percentiles: percentiles,
            enzymes: self.enzymes.clone(),
            capped: self.capped.clone(),
            labelled: self.labelled,
            rejects: rejects.clone(),
            reembedded_texts: self.reembedded,
            model_secs: 0.0,
            duration_ms: 0.0,
            peak_rss_mb: None,
            output_path: String::new(),
            rejects_path: String::new(),
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The histogram must give what sorting every final score gave.
    #[test]
    fn percentiles_from_the_histogram_equal_sorted_scores() {
        let scores: Vec<f64> = (0..997).map(|i| ((i * 7919) % 10_000) as f64 / 99.7 + 0.004).collect();
        let mut s = Phase1Stats::default();
        for &x in &scores {
            *s.scores.entry(centi(x)).or_default() += 1;
        }
        let mut sorted: Vec<f32> = scores.iter().map(|&x| x as f32).collect();
        sorted.sort_by(f32::total_cmp);
        for p in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
            let i = ((sorted.len() - 1) as f64 * p).round() as usize;
            assert_eq!(s.percentile(p), Some(round2(sorted[i] as f64)), "p{p}");
        }
    }

    #[test]
    fn stats_add_up() {
        let mut a = Phase1Stats { total_processed: 2, diamonds_plus: 1, ..Default::default() };
        a.scores.insert(9000, 1);
        a.enzymes.entry("x".into()).or_default().calls = 3;
        let mut b = Phase1Stats { total_processed: 5, rejected: 2, ..Default::default() };
        b.scores.insert(9000, 2);
        b.enzymes.entry("x".into()).or_default().calls = 4;
        a += &b;
        assert_eq!((a.total_processed, a.diamonds_plus, a.rejected), (7, 1, 2));
        assert_eq!((a.scores[&9000], a.enzymes["x"].calls), (3, 7));
    }
}
