//! Spherical k-means (cosine) for the IVF partitions: seeded k-means++
//! initialisation, Lloyd iterations whose assignment step is a matrix
//! product (ndarray's `matrixmultiply`, blocks of rows in parallel), and
//! centroids that are the normalised means of their members.
//!
//! Deterministic for a seed whatever the thread count: blocks are reduced
//! in order, and every random draw comes from one [`SplitMix64`].

use ndarray::{ArrayView2, Axis, s};
use rayon::prelude::*;

/// Rows per block of the assignment product (a block's scores are
/// `BLOCK × k` floats).
const BLOCK: usize = 2048;

/// Training points per centroid: a seeded sample of at most this many ×
/// k. faiss warns below 39 and samples above 256; each Lloyd iteration
/// costs n·k·d, so the sample is what k-means costs (BENCHMARKS.md).
pub const MAX_POINTS_PER_CENTROID: usize = 40;

/// FNV-1a over `bytes`: a hash that is the same on every machine, run
/// and version (std's hashers promise none of that).
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A tiny, seedable, portable generator (Steele, Lea and Flood's
/// SplitMix64): the same draws on every machine and version.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box–Muller), for tests and synthetic data.
    pub fn gauss(&mut self) -> f64 {
        let (u, v) = (self.next_f64().max(1e-12), self.next_f64());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    /// `m` distinct indices of 0..n in increasing order (all of them when
    /// n ≤ m): a partial Fisher–Yates shuffle, sorted.
    pub fn sample(&mut self, n: usize, m: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        if n > m {
            for i in 0..m {
                let j = i + self.below(n - i);
                idx.swap(i, j);
            }
            idx.truncate(m);
            idx.sort_unstable();
        }
        idx
    }
}

/// The result: `k × dims` normalised centroids (row-major) and how it went.
#[derive(Debug, Clone)]
pub struct KMeans {
    pub centroids: Vec<f32>,
    pub k: usize,
    pub dims: usize,
    pub iterations: usize,
    /// Points the centroids were trained on (a seeded sample when the input
    /// is larger than `MAX_POINTS_PER_CENTROID × k`).
    pub trained_on: usize,
}

/// Cluster `n × dims` normalised vectors (row-major) into `k` groups.
pub fn kmeans(data: &[f32], dims: usize, k: usize, iterations: usize, seed: u64) -> KMeans {
    let n = data.len() / dims;
    assert!(k >= 1 && n >= 1, "k-means needs points and k ≥ 1");
    let k = k.min(n);
    let mut rng = SplitMix64::new(seed);
    // The training sample: all points, or a seeded subset kept in input order.
    let sample: Vec<f32> = if n > MAX_POINTS_PER_CENTROID * k {
        let chosen = rng.sample(n, MAX_POINTS_PER_CENTROID * k);
        chosen.iter().flat_map(|&i| data[i * dims..(i + 1) * dims].iter().copied()).collect()
    } else {
        data.to_vec()
    };
    let m = sample.len() / dims;
    let x = ArrayView2::from_shape((m, dims), &sample).expect("shape");
    let mut centroids = plus_plus(&sample, dims, k, &mut rng);
    let mut assign = vec![usize::MAX; m];
    let mut done = 0;
    for it in 0..iterations.max(1) {
        done = it + 1;
        let (best, score) = assign_rows(x, &centroids, k);
        let changed = best.iter().zip(&assign).filter(|(a, b)| a != b).count();
        assign = best;
        // New centroids: normalised sums, in row order (deterministic).
        let mut sums = vec![0f64; k * dims];
        let mut counts = vec![0usize; k];
        for (r, &c) in assign.iter().enumerate() {
            counts[c] += 1;
            for (acc, v) in sums[c * dims..(c + 1) * dims].iter_mut().zip(x.row(r)) {
                *acc += f64::from(*v);
            }
        }
        // An empty cluster takes the point farthest from its own centroid.
        let mut far: Vec<usize> = (0..m).collect();
        far.sort_by(|&a, &b| score[a].total_cmp(&score[b]).then(a.cmp(&b)));
        let mut far = far.into_iter();
        for c in 0..k {
            if counts[c] == 0 {
                let r = far.next().expect("k ≤ points");
                for (acc, v) in sums[c * dims..(c + 1) * dims].iter_mut().zip(x.row(r)) {
                    *acc = f64::from(*v);
                }
                counts[c] = 1;
            }
        }
        for c in 0..k {
            let row = &sums[c * dims..(c + 1) * dims];
            let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-12);
            for (dst, v) in centroids[c * dims..(c + 1) * dims].iter_mut().zip(row) {
                *dst = (v / norm) as f32;
            }
        }
        if changed == 0 {
            break;
        }
    }
    KMeans { centroids, k, dims, iterations: done, trained_on: m }
}

/// k-means++ seeding on cosine distance (1 − dot), D² sampling.
fn plus_plus(x: &[f32], dims: usize, k: usize, rng: &mut SplitMix64) -> Vec<f32> {
    let n = x.len() / dims;
    let row = |i: usize| &x[i * dims..(i + 1) * dims];
    let mut centroids = Vec::with_capacity(k * dims);
    let first = rng.below(n);
    centroids.extend_from_slice(row(first));
    let mut d: Vec<f64> = (0..n).into_par_iter().map(|i| dist2(row(i), row(first))).collect();
    for _ in 1..k {
        let total: f64 = d.iter().sum();
        let pick = if total <= 0.0 {
            rng.below(n)
        } else {
            let target = rng.next_f64() * total;
            let mut acc = 0.0;
            d.iter()
                .position(|&w| {
                    acc += w;
                    acc > target
                })
                .unwrap_or(n - 1)
        };
        let c = row(pick).to_vec();
        d.par_iter_mut().enumerate().for_each(|(i, di)| *di = di.min(dist2(row(i), &c)));
        centroids.extend_from_slice(&c);
    }
    centroids
}

fn dist2(a: &[f32], b: &[f32]) -> f64 {
    let d = f64::from((1.0 - crate::vector::dot(a, b)).max(0.0));
    d * d
}

/// The nearest centroid of every row, and its dot product.
pub fn assign_rows(x: ArrayView2<'_, f32>, centroids: &[f32], k: usize) -> (Vec<usize>, Vec<f32>) {
    let dims = x.ncols();
    let c = ArrayView2::from_shape((k, dims), centroids).expect("shape");
    let ct = c.t();
    let blocks: Vec<(Vec<usize>, Vec<f32>)> = (0..x.nrows())
        .step_by(BLOCK)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|start| {
            let end = (start + BLOCK).min(x.nrows());
            let scores = x.slice(s![start..end, ..]).dot(&ct);
            let mut best = Vec::with_capacity(end - start);
            let mut top = Vec::with_capacity(end - start);
            for r in scores.axis_iter(Axis(0)) {
                let (i, v) =
                    r.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
                best.push(i);
                top.push(v);
            }
            (best, top)
        })
        .collect();
    let mut best = Vec::with_capacity(x.nrows());
    let mut top = Vec::with_capacity(x.nrows());
    for (b, t) in blocks {
        best.extend(b);
        top.extend(t);
    }
    (best, top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs(seed: u64, per: usize) -> Vec<f32> {
        // Three well-separated directions in 8 dimensions, with noise.
        let mut rng = SplitMix64::new(seed);
        let mut out = Vec::new();
        for c in 0..3 {
            for _ in 0..per {
                let mut v: Vec<f32> = (0..8).map(|d| if d == c { 1.0 } else { 0.0 }).collect();
                for x in v.iter_mut() {
                    *x += (rng.next_f64() as f32 - 0.5) * 0.2;
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                out.extend(v.iter().map(|x| x / n));
            }
        }
        out
    }

    #[test]
    fn kmeans_is_deterministic_for_a_seed_whatever_the_thread_count() {
        let data = blobs(3, 400);
        let a = kmeans(&data, 8, 5, 20, 42);
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let b = one.install(|| kmeans(&data, 8, 5, 20, 42));
        assert_eq!(a.centroids, b.centroids);
        let c = kmeans(&data, 8, 5, 20, 43);
        assert_ne!(a.centroids, c.centroids, "another seed, another start");
    }

    #[test]
    fn kmeans_finds_separated_clusters_and_leaves_none_empty() {
        let data = blobs(5, 300);
        let km = kmeans(&data, 8, 3, 30, 1);
        let x = ArrayView2::from_shape((900, 8), &data).unwrap();
        let (assign, _) = assign_rows(x, &km.centroids, 3);
        for blob in 0..3 {
            let first = assign[blob * 300];
            assert!(assign[blob * 300..(blob + 1) * 300].iter().all(|&a| a == first), "blob {blob} split");
        }
        let km = kmeans(&data, 8, 40, 10, 1);
        let (assign, _) = assign_rows(x, &km.centroids, 40);
        let mut used = [false; 40];
        assign.iter().for_each(|&a| used[a] = true);
        assert!(used.iter().all(|&u| u), "an empty partition");
    }
}
