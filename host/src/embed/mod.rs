//! Texts to normalised sentence vectors, wasting none of the model's time:
//! texts that tokenise the same are embedded once per call, token sequences
//! already in the persistent cache skip the model, and the rest run
//! length-sorted in token-budgeted batches.

/// The bundled model's width (all-MiniLM-L6-v2): the Parquet export's
/// embedding width when no span carries a vector to measure.
pub const DEFAULT_DIMS: usize = 384;

pub mod cache;
pub mod model;
pub mod relevance;
pub mod sidecar;

pub use crate::vector::{cosine, normalized_mean};
pub use model::{DEFAULT_MODEL, EmbedOptions, Model, ModelFiles, ModelStats, locate};
pub use relevance::{RELEVANCE_MODEL, Relevance};

use crate::span::Embedding;
use std::collections::HashMap;
use std::sync::Mutex;

/// Counters across calls.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct EmbedStats {
    /// Texts asked for.
    pub requested: u64,
    /// Distinct token sequences among them (per call).
    pub unique: u64,
    /// Distinct token sequences found in the persistent cache.
    pub cache_hits: u64,
    /// Distinct token sequences longer than the model's window (cut to fit).
    pub truncated_texts: u64,
    #[serde(flatten)]
    pub model: ModelStats,
}

impl std::ops::AddAssign for EmbedStats {
    fn add_assign(&mut self, o: Self) {
        self.requested += o.requested;
        self.unique += o.unique;
        self.cache_hits += o.cache_hits;
        self.truncated_texts += o.truncated_texts;
        self.model += o.model;
    }
}

/// The model plus its cache.
pub struct Embedder {
    pub model: Model,
    cache: Option<cache::EmbedCache>,
    key: String,
    stats: Mutex<EmbedStats>,
}

impl Embedder {
    pub fn new(model: Model, cache: Option<cache::EmbedCache>) -> Self {
        let key = model.files.key();
        Embedder { model, cache, key, stats: Mutex::new(EmbedStats::default()) }
    }

    pub fn model_key(&self) -> &str {
        &self.key
    }

    pub fn dims(&self) -> usize {
        self.model.dims()
    }

    pub fn stats(&self) -> EmbedStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn cache_path(&self) -> Option<&std::path::Path> {
        self.cache.as_ref().map(|c| c.path.as_path())
    }

    /// One vector per text, in order.
    pub fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Embedding>> {
        // Identical texts once; then identical token sequences once.
        let mut slot_of: HashMap<&str, usize> = HashMap::with_capacity(texts.len());
        let mut unique: Vec<&str> = Vec::new();
        let slots: Vec<usize> = texts
            .iter()
            .map(|t| {
                *slot_of.entry(t).or_insert_with(|| {
                    unique.push(t);
                    unique.len() - 1
                })
            })
            .collect();
        let t0 = std::time::Instant::now();
        let encoded = self.model.tokenize(&unique)?;
        let tokenize_secs = t0.elapsed().as_secs_f64();
        let keys: Vec<cache::Key> = encoded.iter().map(|e| cache::key(&self.key, &e.ids)).collect();
        let mut group_of: HashMap<cache::Key, usize> = HashMap::with_capacity(keys.len());
        let mut groups: Vec<usize> = Vec::new(); // first text of each distinct key
        let group: Vec<usize> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                *group_of.entry(*k).or_insert_with(|| {
                    groups.push(i);
                    groups.len() - 1
                })
            })
            .collect();
        let mut vectors: Vec<Option<Embedding>> = vec![None; groups.len()];
        let mut hits = 0u64;
        if let Some(c) = &self.cache {
            let gkeys: Vec<cache::Key> = groups.iter().map(|&i| keys[i]).collect();
            for (g, v) in c.get_many(&gkeys, self.dims())?.into_iter().enumerate() {
                if let Some((v, _)) = v {
                    vectors[g] = Some(v.into());
                    hits += 1;
                }
            }
        }
        let missing: Vec<usize> = (0..groups.len()).filter(|&g| vectors[g].is_none()).collect();
        let mut model_stats = ModelStats::default();
        if !missing.is_empty() {
            let todo: Vec<&model::Encoded> = missing.iter().map(|&g| &encoded[groups[g]]).collect();
            let (computed, st) = self.model.embed_encoded(&todo)?;
            model_stats = st;
            if let Some(c) = &self.cache {
                let entries: Vec<(cache::Key, &[f32], bool)> = missing
                    .iter()
                    .zip(&computed)
                    .map(|(&g, v)| (keys[groups[g]], v.as_slice(), encoded[groups[g]].truncated))
                    .collect();
                if let Err(e) = c.put_many(&entries) {
                    tracing::warn!("could not write the embedding cache: {e:#}");
                }
            }
            for (&g, v) in missing.iter().zip(computed) {
                vectors[g] = Some(v.into());
            }
        }
        model_stats.tokenize_secs += tokenize_secs;
        {
            let mut s = self.stats.lock().unwrap_or_else(|p| p.into_inner());
            s.requested += texts.len() as u64;
            s.unique += groups.len() as u64;
            s.cache_hits += hits;
            s.truncated_texts += groups.iter().filter(|&&i| encoded[i].truncated).count() as u64;
            s.model += model_stats;
        }
        Ok(slots.into_iter().map(|s| vectors[group[s]].clone().expect("every group filled")).collect())
    }
}
