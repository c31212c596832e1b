//! Phase 0's indexes (SPEC §2.5): an HNSW graph over the combined
//! embeddings (instant-distance, cosine), inverted indexes by `did`, domain,
//! tag and `thread_id`, and a span store for look-ups.
//!
//! Saved beside the enriched output as `<stem>.hnsw.json` (a manifest with
//! stats and the files it points to), `<stem>.hnsw.bin` (the graph),
//! `<stem>.index.bin` (ids, per-node facts, inverted indexes) and
//! `<stem>.spans.redb` (short span records for thread look-ups). Loading
//! reads them back; nothing is rebuilt.

use crate::vector::dot;

use crate::lookup::{Lookups, NeighbourQuery, ThreadEntry, ThreadKey};
use crate::span::{Span, when_millis};
use anyhow::{Context as _, bail};
use instant_distance::{Builder, HnswMap, Search};
use redb::{Database, ReadableDatabase, TableDefinition};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const SUMMARIES: TableDefinition<u32, &[u8]> = TableDefinition::new("summaries");

/// redb's page cache for the span store, writing and reading. Its default
/// (1 GiB) let the cache grow with every summary written in Phase 0 and every
/// one looked up in Phase 1 (~4 KB per span: texts and a vector), so memory
/// grew with the input (#12). The store is read by key, a page at a time;
/// the OS page cache keeps what is hot.
const STORE_CACHE_BYTES: usize = 4 << 20;

fn bincode_config() -> impl bincode::config::Config {
    bincode::config::standard().with_fixed_int_encoding().with_little_endian()
}

/// A normalised vector; distance is 1 − cosine.
///
/// Shared (`Arc`), not owned: instant-distance's builder clones every point
/// while it keeps the originals, and then copies a pointer instead of
/// 1.5 KB per span (#12). Serialised exactly like a `Vec<f32>` (by hand:
/// serde's `rc` feature would rebuild every crate that uses serde).
#[derive(Clone, Debug)]
pub struct Point(pub Arc<[f32]>);

impl Serialize for Point {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0[..].serialize(s)
    }
}

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<f32>::deserialize(d).map(|v| Point(v.into()))
    }
}

impl instant_distance::Point for Point {
    fn distance(&self, other: &Self) -> f32 {
        (1.0 - dot(&self.0, &other.0)).max(0.0)
    }
}

/// What the index keeps per node in memory.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeMeta {
    pub tags: Vec<String>,
    pub thread_id: Option<String>,
    pub when_ms: i64,
    pub order: u64,
}

/// A span record in the store (for thread look-ups and id queries).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Summary {
    id: String,
    who: String,
    did: String,
    this: String,
    if_ok: Option<String>,
    when: String,
    previous_spans: Vec<String>,
    combined: Vec<f32>,
}

/// HNSW build parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HnswParams {
    pub ef_construction: usize,
    pub ef_search: usize,
    pub seed: u64,
    /// Build threads (0: all cores). One thread makes the graph reproducible.
    pub threads: usize,
}

impl Default for HnswParams {
    fn default() -> Self {
        HnswParams { ef_construction: 100, ef_search: 100, seed: 0x004c_6f67_4c69_6e65, threads: 0 }
    }
}

/// Graph statistics, as printed and saved.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GraphStats {
    pub nodes: usize,
    pub layers: usize,
    /// Mean number of neighbours per node on the bottom layer.
    pub avg_connections: f64,
    pub build_ms: f64,
}

/// `<stem>.hnsw.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexManifest {
    pub format: u32,
    pub model: String,
    pub dims: usize,
    pub metric: String,
    pub stats: GraphStats,
    pub ef_construction: usize,
    pub ef_search: usize,
    pub seed: u64,
    pub files: IndexFiles,
    pub inverted: InvertedStats,
    /// Nodes that `--dedupe drop` sent to the rejects file: they stay in
    /// the graph (as routes) but no search or look-up returns them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexFiles {
    pub graph: String,
    pub meta: String,
    pub store: String,
}

/// Sizes of the inverted indexes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InvertedStats {
    pub dids: usize,
    pub domains: usize,
    pub tags: usize,
    pub threads: usize,
}

/// Id lists by `did`, domain, tag and `thread_id` (node numbers).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Inverted {
    pub by_did: BTreeMap<String, Vec<u32>>,
    pub by_domain: BTreeMap<String, Vec<u32>>,
    pub by_tag: BTreeMap<String, Vec<u32>>,
    pub by_thread: BTreeMap<String, Vec<u32>>,
}

#[derive(Serialize, Deserialize)]
struct MetaFile {
    ids: Vec<String>,
    meta: Vec<NodeMeta>,
    inverted: Inverted,
}

/// The file names for an index with this stem.
pub fn file_names(stem: &str) -> (String, IndexFiles) {
    (
        format!("{stem}.hnsw.json"),
        IndexFiles {
            graph: format!("{stem}.hnsw.bin"),
            meta: format!("{stem}.index.bin"),
            store: format!("{stem}.spans.redb"),
        },
    )
}

mod search;
mod writer;

pub use search::{Hit, NearPair, SpanIndex, exact_top_k};

/// Record `removed` nodes in the manifest of the index in `dir` (the only
/// file that changes: a loaded index skips them).
pub fn set_removed(dir: &Path, stem: &str, mut removed: Vec<u32>) -> anyhow::Result<()> {
    let path = dir.join(file_names(stem).0);
    let mut m: IndexManifest = serde_json::from_slice(&std::fs::read(&path)?)
        .with_context(|| format!("{}: not an index manifest", path.display()))?;
    removed.sort_unstable();
    removed.dedup();
    m.removed = removed;
    crate::output::write_file(&path, serde_json::to_string_pretty(&m)?.as_bytes())
}
pub use writer::IndexWriter;

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic unit vectors (a small LCG; no extra crate).
    fn points(n: usize, dims: usize) -> Vec<Point> {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..n)
            .map(|_| {
                let mut v: Vec<f32> = (0..dims)
                    .map(|_| {
                        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        ((x >> 40) as f32 / (1u64 << 24) as f32) - 0.5
                    })
                    .collect();
                let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt();
                v.iter_mut().for_each(|a| *a /= norm);
                Point(v.into())
            })
            .collect()
    }

    /// The streamed stats equal those of a full decode of the graph, and a
    /// shared point serialises like the `Vec<f32>` it replaced.
    #[test]
    fn streamed_graph_stats_match_a_full_decode() {
        for n in [0usize, 1, 2, 500] {
            let pts = points(n, 16);
            let values: Vec<u32> = (0..n as u32).collect();
            let map = Builder::default().seed(7).build(pts.clone(), values);
            let bytes = bincode::serde::encode_to_vec(&map, bincode_config()).unwrap();
            let got = writer::graph_stats_from(&mut bytes.as_slice()).unwrap();

            #[derive(Deserialize)]
            struct Map {
                hnsw: Graph,
                values: Vec<u32>,
            }
            #[derive(Deserialize)]
            struct Graph {
                #[allow(dead_code)]
                ef_search: usize,
                points: Vec<Vec<f32>>,
                zero: Vec<Zero>,
                layers: Vec<Vec<Upper>>,
            }
            #[derive(Deserialize)]
            struct Zero(#[serde(with = "serde_big_array::BigArray")] [u32; 64]);
            #[derive(Deserialize)]
            struct Upper(#[allow(dead_code)] [u32; 32]);
            let (m, used): (Map, usize) = bincode::serde::decode_from_slice(&bytes, bincode_config()).unwrap();
            assert_eq!(used, bytes.len());
            assert_eq!(m.values.len(), n);
            assert_eq!(m.hnsw.points.len(), n);
            let links: usize = m.hnsw.zero.iter().map(|z| z.0.iter().filter(|&&p| p != u32::MAX).count()).sum();
            let nodes = m.hnsw.zero.len();
            assert_eq!(got.nodes, nodes);
            assert_eq!(got.layers, if nodes == 0 { 0 } else { m.hnsw.layers.len() + 1 });
            assert_eq!(got.avg_connections, if nodes == 0 { 0.0 } else { links as f64 / nodes as f64 });
            if n == 500 {
                assert!(got.layers >= 2 && got.avg_connections > 1.0, "{got:?}");
            }
            for p in &pts {
                let as_vec = bincode::serde::encode_to_vec(p.0.to_vec(), bincode_config()).unwrap();
                assert_eq!(bincode::serde::encode_to_vec(p, bincode_config()).unwrap(), as_vec);
            }
        }
    }
}
