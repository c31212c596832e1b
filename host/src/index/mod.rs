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
#[derive(Debug, Clone, Copy, Serialize)]
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

/// Collects spans during Phase 0 and builds the indexes at the end.
///
/// Only the inverted lists (a few `u32` per span) stay in memory while spans
/// come in (#12). Combined vectors, ids and per-node facts go to scratch
/// files as they come; the vectors are read back into points for the graph
/// build, allocated one after the other (kept one by one among each chunk's
/// short-lived texts and vectors, they fragmented the heap: measured ~1 KB
/// of RSS per span above their size), and ids and facts are copied into
/// `<stem>.index.bin` at the end.
pub struct IndexWriter {
    dir: PathBuf,
    stem: String,
    model: String,
    dims: usize,
    len: usize,
    vectors: Scratch,
    ids: Scratch,
    meta: Scratch,
    inverted: Inverted,
    store: Database,
    store_tmp: PathBuf,
    pending: Vec<(u32, Vec<u8>)>,
}

fn tmp_name(p: &Path) -> PathBuf {
    crate::output::partial_path(p)
}

fn suffixed(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A scratch file of bincode-encoded items, appended one at a time and
/// copied out in order (a `Vec`'s elements as bincode lays them out).
struct Scratch {
    path: PathBuf,
    out: BufWriter<File>,
}

impl Scratch {
    fn create(path: PathBuf) -> anyhow::Result<Self> {
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        Ok(Scratch { path, out: BufWriter::with_capacity(1 << 16, file) })
    }

    fn push<T: Serialize>(&mut self, item: &T) -> anyhow::Result<()> {
        bincode::serde::encode_into_std_write(item, &mut self.out, bincode_config())?;
        Ok(())
    }

    /// Read back `n` vectors of `dims` f32 written raw, then delete the file.
    fn read_points(self, n: usize, dims: usize) -> anyhow::Result<Vec<Point>> {
        use std::io::Read as _;
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        std::io::Seek::rewind(&mut file)?;
        let mut r = BufReader::with_capacity(1 << 20, file);
        let mut buf = vec![0u8; dims * 4];
        let mut points = Vec::with_capacity(n);
        for _ in 0..n {
            r.read_exact(&mut buf).with_context(|| format!("reading {}", self.path.display()))?;
            points.push(Point(buf.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()));
        }
        drop(r);
        let _ = std::fs::remove_file(&self.path);
        Ok(points)
    }

    /// Copy everything pushed to `to`, then delete the file.
    fn copy_to(self, to: &mut impl std::io::Write) -> anyhow::Result<()> {
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        std::io::Seek::rewind(&mut file)?;
        std::io::copy(&mut file, to).with_context(|| format!("copying {}", self.path.display()))?;
        drop(file);
        let _ = std::fs::remove_file(&self.path);
        Ok(())
    }
}

impl IndexWriter {
    pub fn create(dir: &Path, stem: &str, model: &str, dims: usize) -> anyhow::Result<Self> {
        let (_, files) = file_names(stem);
        let store_tmp = tmp_name(&dir.join(&files.store));
        let _ = std::fs::remove_file(&store_tmp);
        let store = Database::builder()
            .set_cache_size(STORE_CACHE_BYTES)
            .create(&store_tmp)
            .with_context(|| format!("creating {}", store_tmp.display()))?;
        let meta_path = dir.join(&files.meta);
        Ok(IndexWriter {
            dir: dir.to_path_buf(),
            stem: stem.to_string(),
            model: model.to_string(),
            dims,
            len: 0,
            vectors: Scratch::create(suffixed(&meta_path, ".vectors.tmp"))?,
            ids: Scratch::create(suffixed(&meta_path, ".ids.tmp"))?,
            meta: Scratch::create(suffixed(&meta_path, ".nodes.tmp"))?,
            inverted: Inverted::default(),
            store,
            store_tmp,
            pending: Vec::new(),
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add a span (it must have its combined embedding).
    pub fn add(&mut self, span: &Span) -> anyhow::Result<()> {
        let Some(combined) = &span.enriched.combined_embedding else {
            bail!("span `{}` has no combined embedding", span.id)
        };
        let node = self.len as u32;
        let inv = &mut self.inverted;
        inv.by_did.entry(span.did.clone()).or_default().push(node);
        if let Some(d) = &span.facts.domain {
            inv.by_domain.entry(d.clone()).or_default().push(node);
        }
        for t in &span.enriched.semantic_tags {
            inv.by_tag.entry(t.clone()).or_default().push(node);
        }
        if let Some(t) = &span.facts.thread_id {
            inv.by_thread.entry(t.clone()).or_default().push(node);
        }
        if combined.len() != self.dims {
            bail!("span `{}` has a {}-dim combined embedding in a {}-dim index", span.id, combined.len(), self.dims)
        }
        self.len += 1;
        combined.iter().try_for_each(|x| self.vectors.out.write_all(&x.to_le_bytes()))?;
        self.ids.push(&span.id)?;
        self.meta.push(&NodeMeta {
            tags: span.enriched.semantic_tags.clone(),
            thread_id: span.facts.thread_id.clone(),
            when_ms: when_millis(&span.when),
            order: span.line,
        })?;
        let summary = Summary {
            id: span.id.clone(),
            who: span.who.clone(),
            did: span.did.clone(),
            this: span.this.clone(),
            if_ok: span.if_ok.clone(),
            when: span.when.clone(),
            previous_spans: span.facts.previous_spans.clone(),
            combined: combined.to_vec(),
        };
        self.pending.push((node, bincode::serde::encode_to_vec(&summary, bincode_config())?));
        if self.pending.len() >= 4096 {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let tx = self.store.begin_write()?;
        {
            let mut t = tx.open_table(SUMMARIES)?;
            for (k, v) in self.pending.drain(..) {
                t.insert(k, v.as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Build the graph and write every file (aside, then renamed into place).
    pub fn finish(mut self, params: HnswParams) -> anyhow::Result<IndexManifest> {
        self.flush()?;
        drop(self.store);
        let (manifest_name, files) = file_names(&self.stem);
        let start = Instant::now();
        let points = self.vectors.read_points(self.len, self.dims)?;
        let values: Vec<u32> = (0..points.len() as u32).collect();
        let builder =
            Builder::default().ef_construction(params.ef_construction).ef_search(params.ef_search).seed(params.seed);
        let map = if params.threads == 0 {
            builder.build(points, values)
        } else {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(params.threads).build()?;
            pool.install(|| builder.build(points, values))
        };
        let build_ms = start.elapsed().as_secs_f64() * 1000.0;

        // Encode straight into the file and read the stats back from it
        // without keeping points: a serialised copy of the graph and a
        // decoded third one used to sit beside the map (#12).
        let graph_path = self.dir.join(&files.graph);
        write_aside_with(&graph_path, |w| {
            bincode::serde::encode_into_std_write(&map, w, bincode_config())?;
            Ok(())
        })?;
        drop(map);
        let mut stats = graph_stats(&graph_path)?;
        stats.build_ms = build_ms;
        // `MetaFile { ids, meta, inverted }`, laid out as bincode lays it
        // out: each Vec is its u64 length, then its elements.
        let (n, ids, meta, inverted) = (self.len as u64, self.ids, self.meta, &self.inverted);
        write_aside_with(&self.dir.join(&files.meta), |w| {
            w.write_all(&n.to_le_bytes())?;
            ids.copy_to(w)?;
            w.write_all(&n.to_le_bytes())?;
            meta.copy_to(w)?;
            bincode::serde::encode_into_std_write(inverted, w, bincode_config())?;
            Ok(())
        })?;
        std::fs::rename(&self.store_tmp, self.dir.join(&files.store))?;
        let inverted = InvertedStats {
            dids: self.inverted.by_did.len(),
            domains: self.inverted.by_domain.len(),
            tags: self.inverted.by_tag.len(),
            threads: self.inverted.by_thread.len(),
        };
        let manifest = IndexManifest {
            format: 1,
            model: self.model,
            dims: self.dims,
            metric: "cosine".into(),
            stats,
            ef_construction: params.ef_construction,
            ef_search: params.ef_search,
            seed: params.seed,
            files,
            inverted,
        };
        write_aside(&self.dir.join(manifest_name), serde_json::to_string_pretty(&manifest)?.as_bytes())?;
        Ok(manifest)
    }
}

use crate::output::{write_file as write_aside, write_file_with as write_aside_with};

/// Read the graph's shape from its serialised file (the layout of
/// instant-distance 0.6.1, pinned in Cargo.toml; a test checks it against
/// a full decode). Streams: points and links are counted and dropped one
/// by one, so memory does not grow with the graph (bincode is not
/// self-describing, so every skipped value is read as its own type).
fn graph_stats(path: &Path) -> anyhow::Result<GraphStats> {
    let mut r =
        BufReader::with_capacity(1 << 20, File::open(path).with_context(|| format!("opening {}", path.display()))?);
    graph_stats_from(&mut r)
}

fn graph_stats_from(r: &mut impl std::io::Read) -> anyhow::Result<GraphStats> {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    use std::marker::PhantomData;

    /// A sequence of `T`, counted and dropped element by element.
    struct Count<T>(usize, PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Count<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Count<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a sequence")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count<T>, A::Error> {
                    let mut n = 0;
                    while seq.next_element::<T>()?.is_some() {
                        n += 1;
                    }
                    Ok(Count(n, PhantomData))
                }
            }
            d.deserialize_seq(V(PhantomData))
        }
    }
    /// The bottom layer: nodes and their links, counted.
    struct Zeros {
        nodes: usize,
        links: usize,
    }
    impl<'de> Deserialize<'de> for Zeros {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Zeros;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a sequence of zero-layer nodes")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Zeros, A::Error> {
                    let mut z = Zeros { nodes: 0, links: 0 };
                    while let Some(node) = seq.next_element::<Zero>()? {
                        z.nodes += 1;
                        z.links += node.0.iter().filter(|&&p| p != u32::MAX).count();
                    }
                    Ok(z)
                }
            }
            d.deserialize_seq(V)
        }
    }
    #[derive(Deserialize)]
    struct Map {
        hnsw: Graph,
        #[allow(dead_code)]
        values: Count<u32>,
    }
    #[derive(Deserialize)]
    struct Graph {
        #[allow(dead_code)]
        ef_search: usize,
        #[allow(dead_code)]
        points: Count<Count<f32>>,
        zero: Zeros,
        layers: Count<Count<Upper>>,
    }
    #[derive(Deserialize)]
    struct Zero(#[serde(with = "serde_big_array::BigArray")] [u32; 64]);
    #[derive(Deserialize)]
    struct Upper(#[allow(dead_code)] [u32; 32]);
    let m: Map = bincode::serde::decode_from_std_read(r, bincode_config()).context("reading graph stats")?;
    let nodes = m.hnsw.zero.nodes;
    Ok(GraphStats {
        nodes,
        layers: if nodes == 0 { 0 } else { m.hnsw.layers.0 + 1 },
        avg_connections: if nodes == 0 { 0.0 } else { m.hnsw.zero.links as f64 / nodes as f64 },
        build_ms: 0.0,
    })
}

/// A loaded index: search, filters and look-ups.
pub struct SpanIndex {
    pub manifest: IndexManifest,
    map: HnswMap<Point, u32>,
    ids: Vec<String>,
    /// Node numbers in id order.
    node_of: Vec<u32>,
    meta: Vec<NodeMeta>,
    pub inverted: Inverted,
    /// Thread members sorted by (time, input order).
    threads: HashMap<String, Vec<u32>>,
    store: redb::ReadOnlyDatabase,
}

/// A search hit.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub similarity: f32,
}

impl SpanIndex {
    /// Load the index saved in `dir` under `stem`.
    pub fn load(dir: &Path, stem: &str) -> anyhow::Result<Self> {
        let (manifest_name, _) = file_names(stem);
        let mpath = dir.join(&manifest_name);
        let manifest: IndexManifest = serde_json::from_slice(
            &std::fs::read(&mpath)
                .with_context(|| format!("reading {} (run `logline prepare` first)", mpath.display()))?,
        )
        .with_context(|| format!("{}: not an index manifest", mpath.display()))?;
        let read = |name: &str| -> anyhow::Result<BufReader<File>> {
            let p = dir.join(name);
            Ok(BufReader::with_capacity(1 << 20, File::open(&p).with_context(|| format!("opening {}", p.display()))?))
        };
        let map: HnswMap<Point, u32> =
            bincode::serde::decode_from_std_read(&mut read(&manifest.files.graph)?, bincode_config())
                .with_context(|| format!("reading {}", manifest.files.graph))?;
        let meta: MetaFile = bincode::serde::decode_from_std_read(&mut read(&manifest.files.meta)?, bincode_config())
            .with_context(|| format!("reading {}", manifest.files.meta))?;
        let store_path = dir.join(&manifest.files.store);
        let store = Database::builder()
            .set_cache_size(STORE_CACHE_BYTES)
            .open_read_only(&store_path)
            .with_context(|| format!("opening {}", store_path.display()))?;
        // Node numbers sorted by id, searched by binary search: 4 bytes a
        // span where a `HashMap<String, u32>` held a second copy of every id.
        let mut node_of: Vec<u32> = (0..meta.ids.len() as u32).collect();
        node_of.sort_unstable_by(|&a, &b| meta.ids[a as usize].cmp(&meta.ids[b as usize]));
        let mut threads: HashMap<String, Vec<u32>> = HashMap::new();
        for (t, nodes) in &meta.inverted.by_thread {
            let mut nodes = nodes.clone();
            nodes.sort_by_key(|&n| (meta.meta[n as usize].when_ms, meta.meta[n as usize].order));
            threads.insert(t.clone(), nodes);
        }
        Ok(SpanIndex {
            manifest,
            map,
            ids: meta.ids,
            node_of,
            meta: meta.meta,
            inverted: meta.inverted,
            threads,
            store,
        })
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn id(&self, node: u32) -> &str {
        &self.ids[node as usize]
    }

    pub fn node(&self, id: &str) -> Option<u32> {
        let i = self.node_of.binary_search_by(|&n| self.ids[n as usize].as_str().cmp(id)).ok()?;
        Some(self.node_of[i])
    }

    /// The `k` nearest spans to `vector`, most similar first, skipping
    /// `exclude` and spans `keep` refuses. A selective filter can leave the
    /// graph's candidates (ef_search of them) short of `k`: then every
    /// span is scored exactly, so `k` come back whenever `k` match.
    pub fn search_filtered(
        &self,
        vector: &[f32],
        k: usize,
        exclude: Option<&str>,
        keep: &dyn Fn(u32) -> bool,
    ) -> Vec<Hit> {
        let point = Point(vector.into());
        let mut search = Search::default();
        let mut out = Vec::with_capacity(k);
        for item in self.map.search(&point, &mut search) {
            let node = *item.value;
            let id = &self.ids[node as usize];
            if Some(id.as_str()) == exclude || !keep(node) {
                continue;
            }
            out.push(Hit { id: id.clone(), similarity: 1.0 - item.distance });
            if out.len() == k {
                break;
            }
        }
        if out.len() < k && out.len() < self.len() {
            let mut all: Vec<(f32, u32)> = self
                .map
                .iter()
                .enumerate()
                .map(|(i, (_, p))| (i, p))
                .filter_map(|(i, p)| {
                    let node = self.map.values[i];
                    let keep_it = Some(self.ids[node as usize].as_str()) != exclude && keep(node);
                    keep_it.then(|| (instant_distance::Point::distance(&point, p), node))
                })
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            out = all
                .into_iter()
                .take(k)
                .map(|(d, node)| Hit { id: self.ids[node as usize].clone(), similarity: 1.0 - d })
                .collect();
        }
        out
    }

    pub fn search(&self, vector: &[f32], k: usize, exclude: Option<&str>) -> Vec<Hit> {
        self.search_filtered(vector, k, exclude, &|_| true)
    }

    fn summary(&self, node: u32) -> Option<Summary> {
        let tx = self.store.begin_read().ok()?;
        let t = tx.open_table(SUMMARIES).ok()?;
        let v = t.get(node).ok()??;
        bincode::serde::decode_from_slice(v.value(), bincode_config()).ok().map(|(s, _)| s)
    }

    /// The stored query text of a span (for `logline search`).
    pub fn query_text(&self, id: &str) -> Option<String> {
        self.summary(self.node(id)?).map(|s| s.this)
    }

    /// Node meta (tags, thread, time).
    pub fn meta(&self, node: u32) -> &NodeMeta {
        &self.meta[node as usize]
    }
}

impl Lookups for SpanIndex {
    fn neighbours(&self, query: NeighbourQuery<'_>, k: usize) -> Vec<(String, f32)> {
        let hits = match query {
            NeighbourQuery::Vector { vector, exclude } => self.search(vector, k, Some(exclude)),
            NeighbourQuery::Id(id) => match self.node(id).and_then(|n| self.summary(n)) {
                Some(s) => self.search(&s.combined, k, Some(id)),
                None => Vec::new(),
            },
        };
        hits.into_iter().map(|h| (h.id, h.similarity)).collect()
    }

    fn thread_key(&self, span_id: &str) -> Option<ThreadKey> {
        let node = self.node(span_id)?;
        let m = &self.meta[node as usize];
        let previous_spans = self.summary(node).map(|s| s.previous_spans).unwrap_or_default();
        Some(ThreadKey { thread_id: m.thread_id.clone(), previous_spans, when_ms: m.when_ms, order: m.order })
    }

    fn thread(&self, key: &ThreadKey, self_id: &str, limit: usize) -> Vec<ThreadEntry> {
        let nodes: Vec<u32> = match &key.thread_id {
            Some(t) => {
                let members = self.threads.get(t).map(Vec::as_slice).unwrap_or(&[]);
                members
                    .iter()
                    .copied()
                    .filter(|&n| {
                        let m = &self.meta[n as usize];
                        self.ids[n as usize] != self_id && (m.when_ms, m.order) < (key.when_ms, key.order)
                    })
                    .collect()
            }
            None => {
                key.previous_spans.iter().filter(|id| id.as_str() != self_id).filter_map(|id| self.node(id)).collect()
            }
        };
        let skip = nodes.len().saturating_sub(limit);
        nodes[skip..]
            .iter()
            .filter_map(|&n| self.summary(n))
            .map(|s| ThreadEntry { id: s.id, who: s.who, did: s.did, this: s.this, if_ok: s.if_ok, when: s.when })
            .collect()
    }

    fn vector(&self, span_id: &str) -> Option<Vec<f32>> {
        self.node(span_id).and_then(|n| self.summary(n)).map(|s| s.combined)
    }

    fn tags(&self, span_id: &str) -> Vec<String> {
        self.node(span_id).map(|n| self.meta[n as usize].tags.clone()).unwrap_or_default()
    }
}

/// Exact top-k by brute force (for recall measurements and tests).
pub fn exact_top_k(points: &[Vec<f32>], query: &[f32], k: usize, exclude: Option<usize>) -> Vec<usize> {
    let mut scored: Vec<(f32, usize)> =
        points.iter().enumerate().filter(|(i, _)| Some(*i) != exclude).map(|(i, p)| (dot(p, query), i)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(_, i)| i).collect()
}

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
            let got = graph_stats_from(&mut bytes.as_slice()).unwrap();

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
