//! The Vendi score (Friedman & Dieng, 2023) with the cosine kernel: the
//! exponential of the Shannon entropy of the eigenvalues of K/n, where
//! K = X Xᵀ for unit rows X. It reads as "the effective number of distinct
//! items": n identical items score 1, n orthogonal ones n.
//!
//! K/n and XᵀX/n have the same non-zero eigenvalues, so the smaller of the
//! two (n × n or d × d) is decomposed — the `score_dual` of the reference
//! implementation.

/// The Vendi score of unit vectors (rows of `dims` floats).
pub fn vendi(rows: &[&[f32]], dims: usize) -> f64 {
    let n = rows.len();
    if n == 0 {
        return 0.0;
    }
    let m = if n <= dims {
        let mut k = vec![0.0f64; n * n];
        for i in 0..n {
            for j in i..n {
                let v: f64 = rows[i].iter().zip(rows[j]).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
                k[i * n + j] = v / n as f64;
                k[j * n + i] = v / n as f64;
            }
        }
        (k, n)
    } else {
        let mut c = vec![0.0f64; dims * dims];
        for r in rows {
            for i in 0..dims {
                let ri = f64::from(r[i]);
                if ri == 0.0 {
                    continue;
                }
                for j in i..dims {
                    c[i * dims + j] += ri * f64::from(r[j]);
                }
            }
        }
        for i in 0..dims {
            for j in i..dims {
                c[i * dims + j] /= n as f64;
                c[j * dims + i] = c[i * dims + j];
            }
        }
        (c, dims)
    };
    let eig = symmetric_eigenvalues(m.0, m.1);
    let total: f64 = eig.iter().filter(|&&l| l > 0.0).sum();
    let entropy: f64 = eig
        .iter()
        .filter(|&&l| l > 1e-12)
        .map(|&l| {
            let p = l / total;
            -p * p.ln()
        })
        .sum();
    entropy.exp()
}

/// Eigenvalues of a symmetric matrix (row-major, `n × n`): cyclic Jacobi
/// rotations until the off-diagonal mass is negligible.
fn symmetric_eigenvalues(mut a: Vec<f64>, n: usize) -> Vec<f64> {
    let scale: f64 = a.iter().map(|x| x * x).sum::<f64>().max(1e-300);
    for _sweep in 0..60 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        if off <= 1e-22 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let akp = a[k * n + p];
                    let akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let apk = a[p * n + k];
                    let aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    (0..n).map(|i| a[i * n + i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_items_score_one_and_orthogonal_ones_their_count() {
        let e = |i: usize| {
            let mut v = vec![0.0f32; 4];
            v[i] = 1.0;
            v
        };
        let same: Vec<Vec<f32>> = (0..3).map(|_| e(0)).collect();
        let rows: Vec<&[f32]> = same.iter().map(Vec::as_slice).collect();
        assert!((vendi(&rows, 4) - 1.0).abs() < 1e-9);
        let ortho: Vec<Vec<f32>> = (0..3).map(e).collect();
        let rows: Vec<&[f32]> = ortho.iter().map(Vec::as_slice).collect();
        assert!((vendi(&rows, 4) - 3.0).abs() < 1e-9);
        // More rows than dimensions: the dual (d × d) route gives the same.
        let many: Vec<Vec<f32>> = (0..8).map(|i| e(i % 4)).collect();
        let rows: Vec<&[f32]> = many.iter().map(Vec::as_slice).collect();
        assert!((vendi(&rows, 4) - 4.0).abs() < 1e-9);
        // Three 2-d vectors: decomposed as 2 × 2 (dual) or as 3 × 3 (primal).
        let h = std::f32::consts::FRAC_1_SQRT_2;
        let three = [vec![1.0f32, 0.0], vec![h, h], vec![0.0, 1.0]];
        let rows: Vec<&[f32]> = three.iter().map(Vec::as_slice).collect();
        let (dual, primal) = (vendi(&rows, 2), vendi(&rows, 3));
        assert!((primal - dual).abs() < 1e-9 && primal > 1.0 && primal < 2.0, "{primal} {dual}");
    }
}
