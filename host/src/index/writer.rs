//! Building the indexes in Phase 0: spans in, files out.

use super::*;
use crate::output::{write_file as write_aside, write_file_with as write_aside_with};

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
        let file = crate::output::scratch_file(&path)?;
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
        let store_tmp = crate::output::partial_path(&dir.join(&files.store));
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
            removed: Vec::new(),
        };
        write_aside(&self.dir.join(manifest_name), serde_json::to_string_pretty(&manifest)?.as_bytes())?;
        Ok(manifest)
    }
}

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

pub(super) fn graph_stats_from(r: &mut impl std::io::Read) -> anyhow::Result<GraphStats> {
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
