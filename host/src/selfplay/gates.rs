//! The geometric gates of self-play: leakage against the held-out splits
//! (embeddings and 13-grams), and the exact nearest neighbour in the whole
//! index (real train spans and accepted synthetic ones) for dedupe and
//! novelty. Every scale here is a cosine *similarity*: higher is closer.

use crate::matcher::HeldOut;
use crate::matcher::kmeans::fnv1a;
use crate::vector::{dot, normalized_mean};

/// Why a candidate leaks, if it does.
#[derive(Debug, Clone, PartialEq)]
pub enum Leak {
    /// Cosine similarity ≥ the threshold to a held-out span (its id, the cosine).
    Embedding(String, f32),
    /// A word n-gram shared with a held-out span (its id).
    Ngram(String),
}

/// The calibration and test spans, as the leakage gate sees them.
pub struct Leakage {
    ids: Vec<String>,
    queries: Vec<Vec<f32>>,
    combined: Vec<Vec<f32>>,
    /// n-gram hash → the first held-out span holding it.
    grams: std::collections::HashMap<u64, usize>,
    pub cosine: f32,
    pub n: usize,
}

impl Leakage {
    pub fn new(heldout: &[HeldOut], cosine: f32, n: usize) -> Self {
        let mut grams = std::collections::HashMap::new();
        for (i, h) in heldout.iter().enumerate() {
            for g in ngrams(&format!("{}\n{}", h.trajectory.query, h.trajectory.outcome), n) {
                grams.entry(g).or_insert(i);
            }
        }
        Leakage {
            ids: heldout.iter().map(|h| h.trajectory.id.clone()).collect(),
            queries: heldout.iter().map(|h| h.query_vec.clone()).collect(),
            combined: heldout.iter().map(|h| normalized_mean(&h.query_vec, &h.outcome_vec)).collect(),
            grams,
            cosine,
            n,
        }
    }

    /// Check a candidate: its text (request and answer), its request vector
    /// and its combined vector (both unit length).
    pub fn check(&self, text: &str, query: &[f32], combined: &[f32]) -> Option<Leak> {
        let mut best: Option<(usize, f32)> = None;
        for i in 0..self.ids.len() {
            let c = dot(&self.queries[i], query).max(dot(&self.combined[i], combined));
            if c >= self.cosine && best.is_none_or(|b| c > b.1) {
                best = Some((i, c));
            }
        }
        if let Some((i, c)) = best {
            return Some(Leak::Embedding(self.ids[i].clone(), c));
        }
        ngrams(text, self.n).into_iter().find_map(|g| self.grams.get(&g)).map(|&i| Leak::Ngram(self.ids[i].clone()))
    }
}

/// Hashes of the word n-grams of `text`, in text order (lowercased, split
/// on anything that is not a letter or a digit). In order, so the leak a
/// candidate is rejected for is the same from run to run.
pub fn ngrams(text: &str, n: usize) -> Vec<u64> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut out = Vec::new();
    if n == 0 || words.len() < n {
        return out;
    }
    for w in words.windows(n) {
        out.push(fnv1a(w.iter().flat_map(|word| word.bytes().chain([0x1f]))));
    }
    out
}

/// Exact nearest neighbour of `v` among `rows` (each `dims` floats) and
/// `more`: (index over rows then more, cosine); `None` when both are empty.
pub fn nearest(v: &[f32], rows: &[f32], dims: usize, more: &[Vec<f32>]) -> Option<(usize, f32)> {
    rows.chunks_exact(dims)
        .chain(more.iter().map(Vec::as_slice))
        .enumerate()
        .map(|(i, r)| (i, dot(r, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// The novelty threshold derived from the real spans: the `q` quantile of
/// each span's nearest-neighbour cosine similarity among the others (on up
/// to `sample` spans, the first ones). A candidate closer than this to its
/// nearest neighbour is closer than (1 − q) of real spans are to theirs.
pub fn nn_quantile(rows: &[f32], dims: usize, q: f64, sample: usize) -> Option<f32> {
    let n = rows.len() / dims.max(1);
    if n < 2 {
        return None;
    }
    let mut nn: Vec<f32> = (0..n.min(sample))
        .map(|i| {
            let v = &rows[i * dims..(i + 1) * dims];
            rows.chunks_exact(dims)
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, r)| dot(r, v))
                .fold(f32::MIN, f32::max)
        })
        .collect();
    nn.sort_by(f32::total_cmp);
    let at = ((nn.len() - 1) as f64 * q).round() as usize;
    Some(nn[at.min(nn.len() - 1)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngrams_ignore_case_and_punctuation_and_need_n_words() {
        let a = ngrams("Run the BILLING keys rotate command, then restart.", 3);
        let b = ngrams("run the billing keys: rotate command then restart", 3);
        assert_eq!(a, b);
        assert!(ngrams("too short", 3).is_empty());
    }

    #[test]
    fn the_nearest_neighbour_is_exact_over_both_sets() {
        let rows = [1.0f32, 0.0, 0.0, 1.0];
        let more = vec![vec![std::f32::consts::FRAC_1_SQRT_2, std::f32::consts::FRAC_1_SQRT_2]];
        let (i, c) = nearest(&[0.6, 0.8], &rows, 2, &more).unwrap();
        assert_eq!(i, 2, "the added row is nearest ({c})");
        assert_eq!(nearest(&[1.0, 0.0], &rows, 2, &[]).unwrap().0, 0);
        assert!(nearest(&[1.0, 0.0], &[], 2, &[]).is_none());
    }
}
