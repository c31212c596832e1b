//! A loaded index: search, filters and the look-ups enzymes make.

use super::*;

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

/// Two nodes at least as similar as asked (`a < b`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearPair {
    pub a: u32,
    pub b: u32,
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

    /// The node of a span id; `None` for an unknown or removed span.
    pub fn node(&self, id: &str) -> Option<u32> {
        let i = self.node_of.binary_search_by(|&n| self.ids[n as usize].as_str().cmp(id)).ok()?;
        Some(self.node_of[i]).filter(|&n| self.live(n))
    }

    /// Every node's vector, by node number.
    pub fn vectors_by_node(&self) -> Vec<&[f32]> {
        let mut out: Vec<&[f32]> = vec![&[]; self.ids.len()];
        for (i, (_, p)) in self.map.iter().enumerate() {
            out[self.map.values[i] as usize] = &p.0;
        }
        out
    }

    /// Whether a node is searchable (not removed by `--dedupe drop`).
    pub fn live(&self, node: u32) -> bool {
        self.manifest.removed.binary_search(&node).is_err()
    }

    /// Every pair of nodes whose similarity is at least `min_similarity`,
    /// found through the graph: each node's search (ef_search candidates)
    /// lists its close neighbours. Nodes run in parallel; the pairs come
    /// back sorted, so the result does not depend on the thread count.
    pub fn near_pairs(&self, min_similarity: f32) -> Vec<NearPair> {
        use rayon::prelude::*;
        let points: Vec<(u32, &Point)> =
            self.map.iter().enumerate().map(|(i, (_, p))| (self.map.values[i], p)).collect();
        let max_distance = 1.0 - min_similarity;
        let mut pairs: Vec<NearPair> = points
            .par_iter()
            .map_init(Search::default, |search, &(node, point)| {
                self.map
                    .search(point, search)
                    .take_while(|item| item.distance <= max_distance)
                    .filter(|item| *item.value > node)
                    .map(|item| NearPair { a: node, b: *item.value, similarity: 1.0 - item.distance })
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        pairs.sort_by_key(|p| (p.a, p.b));
        // A pair is found from either end; keep one.
        pairs.dedup_by(|x, y| (x.a, x.b) == (y.a, y.b));
        pairs
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
            if Some(id.as_str()) == exclude || !self.live(node) || !keep(node) {
                continue;
            }
            out.push(Hit { id: id.clone(), similarity: 1.0 - item.distance });
            if out.len() == k {
                break;
            }
        }
        if out.len() < k && out.len() < self.len() - self.manifest.removed.len() {
            let mut all: Vec<(f32, u32)> = self
                .map
                .iter()
                .enumerate()
                .map(|(i, (_, p))| (i, p))
                .filter_map(|(i, p)| {
                    let node = self.map.values[i];
                    let keep_it = Some(self.ids[node as usize].as_str()) != exclude && self.live(node) && keep(node);
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
                        self.live(n)
                            && self.ids[n as usize] != self_id
                            && (m.when_ms, m.order) < (key.when_ms, key.order)
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
    crate::vector::top_k(points.iter().map(Vec::as_slice), query, k, exclude)
}
