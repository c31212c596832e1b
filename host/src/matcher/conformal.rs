//! Split conformal prediction (Vovk et al.; Lei et al. 2018) and its
//! Mondrian form (one quantile per `did`).
//!
//! With n calibration nonconformity scores, the threshold is the
//! ⌈(n+1)(1−α)⌉-th smallest (+∞ when that rank exceeds n); a new item's
//! set holds every candidate whose score is at most the threshold. Under
//! exchangeability P(truth in set) ≥ 1−α, and < 1−α + 1/(n+1) when scores
//! do not tie.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The finite-sample conformal quantile; `None` is +∞ (every candidate).
pub fn quantile(scores: &[f64], alpha: f64) -> Option<f64> {
    let n = scores.len();
    let rank = ((n as f64 + 1.0) * (1.0 - alpha)).ceil() as usize;
    if rank == 0 {
        return Some(f64::NEG_INFINITY);
    }
    if rank > n {
        return None;
    }
    let mut s = scores.to_vec();
    s.sort_by(f64::total_cmp);
    Some(s[rank - 1])
}

/// Whether a score is within a threshold (`None`: +∞).
pub fn within(score: f64, threshold: Option<f64>) -> bool {
    threshold.is_none_or(|q| score <= q)
}

/// A fitted split-conformal predictor: the global threshold and one per
/// `did` (Mondrian).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conformal {
    pub alpha: f64,
    pub n: usize,
    /// `None`: +∞ (fewer than ⌈(n+1)(1−α)⌉ calibration items).
    pub threshold: Option<f64>,
    pub mondrian: BTreeMap<String, Stratum>,
}

/// One Mondrian stratum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stratum {
    pub n: usize,
    pub threshold: Option<f64>,
}

impl Conformal {
    /// Fit the global threshold on `scores` and one per `did` on
    /// `by_did` (each item's score when its neighbours are its `did`'s
    /// alone, as a Mondrian query searches).
    pub fn fit(scores: &[f64], by_did: &[(f64, &str)], alpha: f64) -> Conformal {
        let all = scores;
        let mut by: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for (s, did) in by_did {
            by.entry(did).or_default().push(*s);
        }
        let mondrian = by
            .into_iter()
            .map(|(did, v)| (did.to_string(), Stratum { n: v.len(), threshold: quantile(&v, alpha) }))
            .collect();
        Conformal { alpha, n: all.len(), threshold: quantile(all, alpha), mondrian }
    }

    /// The threshold for a query: its `did`'s stratum under Mondrian
    /// (+∞ for a `did` the calibration split never saw), else the global one.
    pub fn threshold(&self, did: Option<&str>, mondrian: bool) -> Option<f64> {
        if !mondrian {
            return self.threshold;
        }
        did.and_then(|d| self.mondrian.get(d)).and_then(|s| s.threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::kmeans::SplitMix64;

    fn coverage(seed: u64, n_cal: usize, n_test: usize, alpha: f64, draw: &dyn Fn(&mut SplitMix64) -> f64) -> f64 {
        let mut rng = SplitMix64::new(seed);
        let cal: Vec<f64> = (0..n_cal).map(|_| draw(&mut rng)).collect();
        let q = quantile(&cal, alpha);
        (0..n_test).filter(|_| within(draw(&mut rng), q)).count() as f64 / n_test as f64
    }

    #[test]
    fn split_conformal_coverage_holds_across_200_seeds_within_its_finite_sample_bound() {
        let (n, alpha) = (100, 0.1);
        let exp = |r: &mut SplitMix64| -(1.0 - r.next_f64()).ln();
        let covs: Vec<f64> = (0..200).map(|s| coverage(s, n, 2000, alpha, &exp)).collect();
        let mean = covs.iter().sum::<f64>() / covs.len() as f64;
        // E[coverage] = ⌈(n+1)(1−α)⌉/(n+1) = 91/101 for continuous scores:
        // within [1−α, 1−α + 1/(n+1)]; the tolerance is 4 Monte Carlo sd.
        let (lo, hi) = (1.0 - alpha, 1.0 - alpha + 1.0 / (n as f64 + 1.0));
        assert!(mean >= lo - 0.009 && mean <= hi + 0.009, "mean coverage {mean} outside [{lo}, {hi}]");
        // Per seed, coverage is Beta(91, 11): below 0.8 about once in 2000.
        assert!(covs.iter().filter(|&&c| c < 0.8).count() <= 2, "{covs:?}");
        // Tied (discrete) scores only make it conservative.
        let coarse = |r: &mut SplitMix64| (r.next_f64() * 4.0).floor();
        let tied: f64 = (0..200).map(|s| coverage(s, n, 500, alpha, &coarse)).sum::<f64>() / 200.0;
        assert!(tied >= lo - 0.005, "tied scores: {tied}");
    }

    #[test]
    fn too_few_calibration_items_give_an_infinite_threshold() {
        assert_eq!(quantile(&[0.1; 8], 0.1), None, "⌈9 × 0.9⌉ = 9 > 8");
        assert_eq!(quantile(&[0.1; 9], 0.1), Some(0.1));
    }

    #[test]
    fn mondrian_covers_each_did_where_one_global_threshold_does_not() {
        let mut rng = SplitMix64::new(4);
        let mut cal = Vec::new();
        let draw = |r: &mut SplitMix64, did: &str| if did == "hard" { 1.0 + 3.0 * r.next_f64() } else { r.next_f64() };
        for i in 0..600 {
            let did = if i % 3 == 0 { "hard" } else { "easy" };
            cal.push((draw(&mut rng, did), did));
        }
        let c = Conformal::fit(&cal.iter().map(|s| s.0).collect::<Vec<_>>(), &cal, 0.1);
        let cov = |did: &str, mondrian: bool, rng: &mut SplitMix64| {
            let q = c.threshold(Some(did), mondrian);
            (0..4000).filter(|_| within(draw(rng, did), q)).count() as f64 / 4000.0
        };
        assert!(cov("hard", false, &mut rng) < 0.8, "global threshold under-covers the hard did");
        for did in ["hard", "easy"] {
            let got = cov(did, true, &mut rng);
            assert!(got >= 0.88, "{did}: {got}");
        }
        assert_eq!(c.threshold(Some("unseen"), true), None);
    }
}
