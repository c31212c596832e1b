//! How well scores agree with labels: rank correlation, AUC, calibration.

use serde::Serialize;

/// Ranks 1..=n, ties sharing their mean rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = mean;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if a.len() < 2 {
        return f64::NAN;
    }
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 { f64::NAN } else { sab / (saa * sbb).sqrt() }
}

/// Spearman's rank correlation (NaN when either side is constant).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    pearson(&ranks(a), &ranks(b))
}

/// Area under the ROC curve of `scores` for `positive` (Mann–Whitney, ties
/// count half); NaN without both classes.
pub fn auc(scores: &[f64], positive: &[bool]) -> f64 {
    let r = ranks(scores);
    let np = positive.iter().filter(|p| **p).count() as f64;
    let nn = positive.len() as f64 - np;
    if np == 0.0 || nn == 0.0 {
        return f64::NAN;
    }
    let sum: f64 = r.iter().zip(positive).filter(|(_, p)| **p).map(|(r, _)| r).sum();
    (sum - np * (np + 1.0) / 2.0) / (np * nn)
}

/// One calibration bin: spans whose estimate fell in `[from, to)`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub spans: usize,
    pub mean_estimate: f64,
    pub mean_label: f64,
}

/// Ten bins of the 0–100 estimate, and the expected calibration error (the
/// spans-weighted mean gap between estimate and label, in points).
pub fn calibration(estimates: &[f64], labels: &[f64]) -> (Vec<Bin>, f64) {
    let mut bins: Vec<Bin> = (0..10)
        .map(|i| Bin {
            from: i as f64 * 10.0,
            to: (i + 1) as f64 * 10.0,
            spans: 0,
            mean_estimate: 0.0,
            mean_label: 0.0,
        })
        .collect();
    for (e, l) in estimates.iter().zip(labels) {
        let b = &mut bins[super::bucket(*e)];
        b.spans += 1;
        b.mean_estimate += e;
        b.mean_label += l;
    }
    let n = estimates.len().max(1) as f64;
    let mut ece = 0.0;
    for b in &mut bins {
        if b.spans > 0 {
            b.mean_estimate = round2(b.mean_estimate / b.spans as f64);
            b.mean_label = round2(b.mean_label / b.spans as f64);
            ece += b.spans as f64 / n * (b.mean_estimate - b.mean_label).abs();
        }
    }
    (bins.into_iter().filter(|b| b.spans > 0).collect(), round2(ece))
}

/// Means of `values` per group, in the groups' first-seen order.
pub fn group_means(groups: &[String], values: &[f64]) -> Vec<(String, f64)> {
    let mut order: Vec<String> = Vec::new();
    let mut acc: std::collections::HashMap<&str, (f64, usize)> = std::collections::HashMap::new();
    for (g, v) in groups.iter().zip(values) {
        let e = acc.entry(g).or_insert_with(|| {
            order.push(g.clone());
            (0.0, 0)
        });
        e.0 += v;
        e.1 += 1;
    }
    order
        .into_iter()
        .map(|g| {
            let (s, n) = acc[g.as_str()];
            (g, s / n as f64)
        })
        .collect()
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

pub fn round8(x: f64) -> f64 {
    (x * 1e8).round() / 1e8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_of_monotone_and_reversed() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&a, &[10.0, 20.0, 35.0, 90.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&a, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert!(spearman(&a, &[1.0, 1.0, 1.0, 1.0]).is_nan());
    }

    #[test]
    fn ties_share_their_mean_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn auc_counts_ties_half() {
        assert_eq!(auc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]), 1.0);
        assert_eq!(auc(&[0.5, 0.5], &[false, true]), 0.5);
        assert!(auc(&[0.5, 0.6], &[true, true]).is_nan());
    }

    #[test]
    fn calibration_error_is_the_weighted_gap() {
        let (bins, ece) = calibration(&[15.0, 15.0, 85.0], &[25.0, 25.0, 85.0]);
        assert_eq!(bins.len(), 2);
        assert!((ece - 10.0 * 2.0 / 3.0).abs() < 0.01, "{ece}");
    }
}
