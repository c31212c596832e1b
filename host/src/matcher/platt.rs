//! Platt scaling (Platt 1999; Lin, Lin and Weng 2007): a logistic model
//! p = σ(w·x + b) on a few raw features, fitted by maximum likelihood with
//! Newton's method (iteratively reweighted least squares) against Platt's
//! smoothed targets t₊ = (N₊ + 1)/(N₊ + 2), t₋ = 1/(N₋ + 2), which keep
//! the fit finite when the classes separate. Features are standardised for
//! the solve; the stored weights are on the raw features.
//!
//! Several features on a small calibration split can overfit, so the fit
//! carries an L2 penalty on the standardised weights (a Gaussian prior: a
//! MAP estimate, still solved by Newton). Candidates: classic Platt on the
//! first feature alone (the raw score), and every feature at each of
//! `PENALTIES`; 5-fold cross-validated log-loss on the calibration split
//! itself picks one — and keeps σ(first feature) unchanged unless that fit
//! beats it out of fold by more than a standard error (a small calibration
//! split can make a fit worse than the score it calibrates). The first
//! feature is the raw score as log-odds, so that choice is the identity.

use super::kmeans::fnv1a;
pub use crate::score::metrics::Bin;
use serde::{Deserialize, Serialize};

/// A fitted Platt model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// The raw features, in order (documentation for whoever reads the file).
    pub features: Vec<String>,
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// Newton steps taken; the fit stops when no weight moves by 1e-10.
    pub iterations: usize,
    /// The features the cross-validation chose (indices; the others weigh 0).
    pub uses: Vec<usize>,
    /// The L2 penalty the cross-validation chose.
    pub penalty: f64,
    pub positives: usize,
    pub negatives: usize,
}

impl Platt {
    /// The calibrated probability for raw features `x`.
    pub fn prob(&self, x: &[f64]) -> f64 {
        sigmoid(self.intercept + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>())
    }

    /// A model that answers the base rate (no data, or one class only).
    fn constant(features: &[&str], p: f64, pos: usize, neg: usize) -> Platt {
        let p = p.clamp(1e-6, 1.0 - 1e-6);
        Platt {
            features: features.iter().map(|s| s.to_string()).collect(),
            weights: vec![0.0; features.len()],
            intercept: (p / (1.0 - p)).ln(),
            iterations: 0,
            uses: Vec::new(),
            penalty: 0.0,
            positives: pos,
            negatives: neg,
        }
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// L2 penalties tried (on standardised weights; the intercept is free).
pub const PENALTIES: [f64; 7] = [100.0, 30.0, 10.0, 3.0, 1.0, 0.3, 0.0];
const FOLDS: usize = 5;

/// Fit the candidate (raw score alone, or all features at a penalty from
/// `PENALTIES`) with the lowest 5-fold cross-validated log-loss (row i is
/// in fold i mod 5), or the identity when that fit is not clearly better.
pub fn fit(features: &[&str], xs: &[Vec<f64>], ys: &[bool]) -> Platt {
    let folds: Vec<usize> = (0..xs.len()).map(|i| i % FOLDS).collect();
    fit_in_folds(features, xs, ys, &folds)
}

/// [`fit`] with the rows of one group (a thread) in one fold
/// ([`folds_of_groups`]): rows of a thread are alike, and a fold that holds
/// some of them while the fit sees the others rewards a fit that memorises
/// threads (scikit-learn's `GroupKFold`).
pub fn fit_grouped(features: &[&str], xs: &[Vec<f64>], ys: &[bool], groups: &[&str]) -> Platt {
    fit_in_folds(features, xs, ys, &folds_of_groups(groups, FOLDS))
}

/// Each row's fold (of `folds`), a group's rows in one fold: groups go to
/// folds in turn, in the order of a hash of their key, so the folds are
/// even and the same for the same keys.
pub fn folds_of_groups(groups: &[&str], folds: usize) -> Vec<usize> {
    let mut keys: Vec<(u64, &str)> = groups.iter().map(|g| (fnv1a(g.bytes()), *g)).collect();
    keys.sort_unstable();
    keys.dedup();
    let fold_of: std::collections::HashMap<&str, usize> =
        keys.iter().enumerate().map(|(i, &(_, g))| (g, i % folds)).collect();
    groups.iter().map(|g| fold_of[g]).collect()
}

fn fit_in_folds(features: &[&str], xs: &[Vec<f64>], ys: &[bool], folds: &[usize]) -> Platt {
    let all: Vec<usize> = (0..features.len()).collect();
    let mut candidates: Vec<(Vec<usize>, f64)> = vec![(vec![0], 0.0)];
    candidates.extend(PENALTIES.iter().map(|&l| (all.clone(), l)));
    let one_class = ys.iter().all(|&y| y) || !ys.iter().any(|&y| y);
    if !one_class && xs.len() < 2 * FOLDS {
        // Too few to cross-validate: nothing fitted.
        return identity(features, ys);
    }
    let mut choice = candidates.len() - 1;
    if !one_class {
        let losses: Vec<Vec<f64>> =
            candidates.iter().map(|(uses, lambda)| cv_losses(features, xs, ys, folds, uses, *lambda)).collect();
        let mean = |l: &[f64]| l.iter().sum::<f64>() / l.len() as f64;
        choice = (0..losses.len()).min_by(|&a, &b| mean(&losses[a]).total_cmp(&mean(&losses[b]))).unwrap_or(choice);
        // The first feature as it is (σ(x₀), nothing fitted) unless the best
        // fit beats it out of fold by more than one standard error of the
        // paired difference: a calibration split with a handful of positives
        // can make a fit worse than the score it calibrates.
        let identity = identity(features, ys);
        let diff: Vec<f64> =
            xs.iter().zip(ys).zip(&losses[choice]).map(|((x, &y), l)| l - log_loss(identity.prob(x), y)).collect();
        let (m, n) = (mean(&diff), diff.len() as f64);
        let se = (diff.iter().map(|d| (d - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() / n.sqrt();
        if m > -se {
            return identity;
        }
    }
    let (uses, lambda) = &candidates[choice];
    fit_with(features, xs, ys, uses, *lambda)
}

/// σ(x₀): the first feature taken as the log-odds it claims to be.
fn identity(features: &[&str], ys: &[bool]) -> Platt {
    let mut w = vec![0.0; features.len()];
    w[0] = 1.0;
    let pos = ys.iter().filter(|&&y| y).count();
    Platt {
        features: features.iter().map(|s| s.to_string()).collect(),
        weights: w,
        intercept: 0.0,
        iterations: 0,
        uses: vec![0],
        penalty: 0.0,
        positives: pos,
        negatives: ys.len() - pos,
    }
}

fn log_loss(p: f64, y: bool) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    -if y { p.ln() } else { (1.0 - p).ln() }
}

/// Each row's held-out log-loss under cross-validation (row i in fold `folds[i]`).
fn cv_losses(
    features: &[&str],
    xs: &[Vec<f64>],
    ys: &[bool],
    folds: &[usize],
    uses: &[usize],
    lambda: f64,
) -> Vec<f64> {
    let mut out = vec![0.0; xs.len()];
    for f in 0..FOLDS {
        let (tx, ty): (Vec<Vec<f64>>, Vec<bool>) =
            xs.iter().zip(ys).enumerate().filter(|(i, _)| folds[*i] != f).map(|(_, (x, &y))| (x.clone(), y)).unzip();
        let m = fit_with(features, &tx, &ty, uses, lambda);
        for (i, (x, &y)) in xs.iter().zip(ys).enumerate().filter(|(i, _)| folds[*i] == f) {
            out[i] = log_loss(m.prob(x), y);
        }
    }
    out
}

/// Fit on the columns `uses` of rows `xs` and outcomes `ys`, with an L2
/// penalty `lambda` on the standardised weights.
pub fn fit_with(features: &[&str], xs: &[Vec<f64>], ys: &[bool], uses: &[usize], lambda: f64) -> Platt {
    let full = features.len();
    let xs: Vec<Vec<f64>> = xs.iter().map(|x| uses.iter().map(|&j| x[j]).collect()).collect();
    let mut p = fit_columns(features, &xs, ys, lambda);
    let mut weights = vec![0.0; full];
    if p.weights.len() == uses.len() {
        for (w, &j) in p.weights.iter().zip(uses) {
            weights[j] = *w;
        }
    }
    p.weights = weights;
    p.uses = uses.to_vec();
    p
}

fn fit_columns(features: &[&str], xs: &[Vec<f64>], ys: &[bool], lambda: f64) -> Platt {
    let n = xs.len();
    let d = xs.first().map_or(0, Vec::len);
    let pos = ys.iter().filter(|&&y| y).count();
    let neg = n - pos;
    let (tp, tn) = ((pos as f64 + 1.0) / (pos as f64 + 2.0), 1.0 / (neg as f64 + 2.0));
    if pos == 0 || neg == 0 {
        return Platt::constant(features, if pos == 0 { tn } else { tp }, pos, neg);
    }
    // Standardise (a constant feature gets scale 1 and a zero weight).
    let mean: Vec<f64> = (0..d).map(|j| xs.iter().map(|x| x[j]).sum::<f64>() / n as f64).collect();
    let scale: Vec<f64> = (0..d)
        .map(|j| {
            let v = xs.iter().map(|x| (x[j] - mean[j]).powi(2)).sum::<f64>() / n as f64;
            if v > 1e-18 { v.sqrt() } else { 0.0 }
        })
        .collect();
    let z: Vec<Vec<f64>> = xs
        .iter()
        .map(|x| {
            let mut r = Vec::with_capacity(d + 1);
            r.push(1.0);
            r.extend((0..d).map(|j| if scale[j] > 0.0 { (x[j] - mean[j]) / scale[j] } else { 0.0 }));
            r
        })
        .collect();
    let t: Vec<f64> = ys.iter().map(|&y| if y { tp } else { tn }).collect();
    let loss = |beta: &[f64]| -> f64 {
        z.iter()
            .zip(&t)
            .map(|(r, &ti)| {
                let s: f64 = r.iter().zip(beta).map(|(a, b)| a * b).sum();
                // −[t log σ(s) + (1−t) log(1−σ(s))], written stably.
                let log1pexp = if s > 0.0 { s + (-s).exp().ln_1p() } else { s.exp().ln_1p() };
                log1pexp - ti * s
            })
            .sum::<f64>()
            + 0.5 * lambda * beta[1..].iter().map(|b| b * b).sum::<f64>()
    };
    let m = d + 1;
    let mut beta = vec![0.0; m];
    beta[0] = ((pos as f64 + 1.0) / (neg as f64 + 1.0)).ln();
    let mut current = loss(&beta);
    let mut iterations = 0;
    for _ in 0..100 {
        iterations += 1;
        // Gradient and Hessian of the loss; a tiny ridge keeps the Hessian
        // invertible when a feature is constant.
        let mut g = vec![0.0; m];
        let mut h = vec![vec![0.0; m]; m];
        for (r, &ti) in z.iter().zip(&t) {
            let p = sigmoid(r.iter().zip(&beta).map(|(a, b)| a * b).sum());
            let w = (p * (1.0 - p)).max(1e-12);
            for a in 0..m {
                g[a] += (p - ti) * r[a];
                for b in 0..m {
                    h[a][b] += w * r[a] * r[b];
                }
            }
        }
        for (a, row) in h.iter_mut().enumerate() {
            row[a] += 1e-9 * n as f64;
            if a > 0 {
                row[a] += lambda;
                g[a] += lambda * beta[a];
            }
        }
        let Some(step) = solve(h, g) else { break };
        // Step halving until the loss does not grow.
        let mut frac = 1.0;
        let mut next;
        loop {
            next = beta.iter().zip(&step).map(|(b, s)| b - frac * s).collect::<Vec<f64>>();
            let l = loss(&next);
            if l <= current + 1e-12 || frac < 1e-8 {
                current = l;
                break;
            }
            frac /= 2.0;
        }
        let moved = beta.iter().zip(&next).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        beta = next;
        if moved < 1e-10 {
            break;
        }
    }
    // Back to raw features.
    let weights: Vec<f64> = (0..d).map(|j| if scale[j] > 0.0 { beta[j + 1] / scale[j] } else { 0.0 }).collect();
    let intercept = beta[0] - weights.iter().zip(&mean).map(|(w, m)| w * m).sum::<f64>();
    Platt {
        features: features.iter().map(|s| s.to_string()).collect(),
        weights,
        intercept,
        iterations,
        uses: Vec::new(),
        penalty: lambda,
        positives: pos,
        negatives: neg,
    }
}

/// Solve `a x = b` (Gaussian elimination, partial pivoting).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let m = b.len();
    for col in 0..m {
        let piv = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let (top, below) = a.split_at_mut(col + 1);
        let pivot = &top[col];
        for (k, row) in below.iter_mut().enumerate() {
            let f = row[col] / pivot[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot[col..]) {
                *x -= f * p;
            }
            b[col + 1 + k] -= f * b[col];
        }
    }
    let mut x = vec![0.0; m];
    for r in (0..m).rev() {
        let s: f64 = (r + 1..m).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// Expected calibration error over 10 equal-width bins (as a
/// probability), and the reliability bins (in points, 0–100: the scorer's
/// own calibration table).
pub fn ece(conf: &[f64], correct: &[bool]) -> (f64, Vec<Bin>) {
    let est: Vec<f64> = conf.iter().map(|c| c * 100.0).collect();
    let lab: Vec<f64> = correct.iter().map(|&y| if y { 100.0 } else { 0.0 }).collect();
    let (bins, e) = crate::score::metrics::calibration(&est, &lab);
    (e / 100.0, bins)
}

/// The ECE that a perfectly calibrated forecaster with these confidences
/// shows on this many items, on average over `draws` seeded samples of
/// outcomes (each item right with its own confidence). Ten-bin ECE on a
/// few dozen items is mostly this noise, and a score spread over many
/// bins has more of it than one concentrated in a bin or two: an ECE is
/// read against its floor (Kumar, Liang and Ma 2019; Roelofs et al. 2022
/// on the bias of binned calibration error).
pub fn ece_floor(conf: &[f64], draws: usize) -> f64 {
    let mut rng = crate::matcher::kmeans::SplitMix64::new(0xECE0 ^ conf.len() as u64);
    let mut y = vec![false; conf.len()];
    let mut total = 0.0;
    for _ in 0..draws {
        for (yi, &c) in y.iter_mut().zip(conf) {
            *yi = rng.next_f64() < c;
        }
        total += ece(conf, &y).0;
    }
    total / draws.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::kmeans::SplitMix64;

    #[test]
    fn platt_recovers_the_parameters_of_a_known_logistic_sample() {
        let mut rng = SplitMix64::new(7);
        let (w, b) = ([2.0, -1.0, 0.5], -0.4);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for _ in 0..40_000 {
            let x: Vec<f64> = (0..3).map(|j| rng.gauss() * (1.0 + j as f64) + 0.3).collect();
            let p = sigmoid(b + w.iter().zip(&x).map(|(a, v)| a * v).sum::<f64>());
            ys.push(rng.next_f64() < p);
            xs.push(x);
        }
        let fitted = fit_with(&["a", "b", "c"], &xs, &ys, &[0, 1, 2], 0.0);
        for (got, want) in fitted.weights.iter().zip(w) {
            assert!((got - want).abs() < 0.06, "weight {got} vs {want}");
        }
        assert!((fitted.intercept - b).abs() < 0.06, "intercept {} vs {b}", fitted.intercept);
        assert!(fitted.iterations < 20, "Newton converges in a few steps, took {}", fitted.iterations);
        // With this much data cross-validation keeps every feature and a light penalty.
        let cv = fit(&["a", "b", "c"], &xs, &ys);
        assert!(cv.uses == [0, 1, 2] && cv.penalty <= 1.0 && (cv.weights[0] - 2.0).abs() < 0.06, "{cv:?}");
    }

    #[test]
    fn platt_keeps_a_score_that_is_already_calibrated_as_it_is() {
        // x₀ is the true log-odds: no fit does better out of fold.
        let mut rng = SplitMix64::new(3);
        let xs: Vec<Vec<f64>> = (0..300).map(|_| vec![rng.gauss(), rng.gauss()]).collect();
        let ys: Vec<bool> = xs.iter().map(|x| rng.next_f64() < sigmoid(x[0])).collect();
        let f = fit(&["logit", "noise"], &xs, &ys);
        let id = identity(&["logit", "noise"], &ys);
        let loss = |m: &Platt| xs.iter().zip(&ys).map(|(x, &y)| log_loss(m.prob(x), y)).sum::<f64>();
        assert!(f == id || loss(&f) <= loss(&id), "{f:?}");
        // Where the score is not calibrated, the fit is kept.
        let ys: Vec<bool> = xs.iter().map(|x| rng.next_f64() < sigmoid(0.3 * x[0] - 1.0)).collect();
        assert_ne!(fit(&["logit", "noise"], &xs, &ys), identity(&["logit", "noise"], &ys));
    }

    #[test]
    fn platt_stays_finite_when_the_classes_separate_and_answers_the_base_rate_for_one_class() {
        let xs: Vec<Vec<f64>> = (0..20).map(|i| vec![i as f64]).collect();
        let ys: Vec<bool> = (0..20).map(|i| i >= 10).collect();
        let f = fit(&["x"], &xs, &ys);
        assert!(f.weights[0].is_finite() && f.weights[0] > 0.0);
        assert!(f.prob(&[19.0]) < 1.0 && f.prob(&[0.0]) > 0.0, "smoothed targets keep it off 0 and 1");
        let one = fit(&["x"], &xs, &[true; 20]);
        assert!((one.prob(&[3.0]) - 21.0 / 22.0).abs() < 1e-9);
    }

    #[test]
    fn ece_of_a_calibrated_sample_is_small_and_of_an_overconfident_one_large() {
        let mut rng = SplitMix64::new(1);
        let conf: Vec<f64> = (0..20_000).map(|_| rng.next_f64()).collect();
        let good: Vec<bool> = conf.iter().map(|&c| rng.next_f64() < c).collect();
        assert!(ece(&conf, &good).0 < 0.02);
        let over: Vec<f64> = conf.iter().map(|c| (c + 1.0) / 2.0).collect();
        assert!(ece(&over, &good).0 > 0.2);
    }

    #[test]
    fn a_fit_that_memorises_threads_is_not_chosen_when_folds_keep_threads_whole() {
        // 40 threads of 8 alike rows; a thread's label is a coin flip that
        // its 12 noise features cannot predict for another thread.
        let mut rng = SplitMix64::new(5);
        let names: Vec<String> = (0..13).map(|j| format!("f{j}")).collect();
        let features: Vec<&str> = names.iter().map(String::as_str).collect();
        let (mut xs, mut ys, mut threads) = (Vec::new(), Vec::new(), Vec::new());
        for t in 0..40 {
            let x: Vec<f64> = std::iter::once(0.0).chain((0..12).map(|_| rng.gauss())).collect();
            let y = rng.next_f64() < 0.5;
            for _ in 0..8 {
                xs.push(x.iter().map(|v| v + 0.01 * rng.gauss()).collect::<Vec<f64>>());
                ys.push(y);
                threads.push(format!("thread-{t}"));
            }
        }
        let threads: Vec<&str> = threads.iter().map(String::as_str).collect();
        // Row folds put each thread's twins on both sides and reward memorising.
        let by_row = fit(&features, &xs, &ys);
        assert!(by_row.weights[1..].iter().any(|w| w.abs() > 0.1), "{by_row:?}");
        // Thread folds see that it does not carry to a new thread: σ(x₀) = ½ stays.
        assert_eq!(fit_grouped(&features, &xs, &ys, &threads), identity(&features, &ys));
    }

    #[test]
    fn a_groups_rows_share_one_fold_and_the_folds_are_even() {
        let groups: Vec<String> = (0..200).map(|i| format!("thread-{}", i / 4)).collect();
        let g: Vec<&str> = groups.iter().map(String::as_str).collect();
        let folds = folds_of_groups(&g, 5);
        for (a, b) in g.iter().zip(&folds) {
            assert!(g.iter().zip(&folds).all(|(c, d)| c != a || d == b), "{a} in two folds");
        }
        let sizes: Vec<usize> = (0..5).map(|f| folds.iter().filter(|&&x| x == f).count()).collect();
        assert_eq!(sizes, [40; 5], "50 threads of 4 rows: 10 threads a fold");
        assert_eq!(folds, folds_of_groups(&g, 5), "the same keys give the same folds");
    }

    #[test]
    fn ece_floor_shrinks_with_more_items_and_grows_with_spread() {
        let mut rng = SplitMix64::new(2);
        let spread: Vec<f64> = (0..2000).map(|_| rng.next_f64()).collect();
        let (few, many) = (ece_floor(&spread[..80], 400), ece_floor(&spread, 100));
        assert!(few > 2.0 * many, "80 items {few}, 2000 items {many}");
        // One confidence for all: one bin, the floor is the sd of its rate.
        let flat = ece_floor(&[0.12; 80], 400);
        assert!(flat < few, "flat {flat}, spread {few}");
        let sd = (0.12f64 * 0.88 / 80.0).sqrt();
        assert!((flat - sd * (2.0 / std::f64::consts::PI).sqrt()).abs() < 0.01, "{flat} vs E|N(0, {sd})|");
    }
}
