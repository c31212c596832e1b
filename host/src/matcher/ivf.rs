//! The production index (SPEC §5.2): an inverted file (IVF) whose coarse
//! quantiser is spherical k-means ([`super::kmeans`]), with an HNSW graph
//! (instant-distance) per partition. A query scores every centroid, searches
//! the `nprobe` best partitions and merges their hits.
//!
//! A partition smaller than `GRAPH_FROM` vectors is scanned exactly instead
//! (faiss's IVF-Flat): a graph over fewer points than its search breadth
//! visits them all anyway, costs n²·M distances to build (instant-distance's
//! neighbour heuristic, M = 32), and searching it was slower than the scan
//! (BENCHMARKS.md). At the default nlist ≈ 4√n partitions hold ~√n/4
//! vectors, so graphs appear with a smaller `--nlist` or skewed clusters.
//!
//! Graphs are built in parallel, each on a one-thread pool, so a graph is
//! the same whatever the machine (instant-distance inserts in parallel
//! within a graph, which would make it depend on the schedule).
//!
//! On disk: `centroids.f32` (k × dims little-endian floats) and one
//! `partitions/NNNNN.hnsw` per partition (bincode: row ids, or a graph),
//! both read into memory when loaded; the vector table they index is the
//! model's memory-mapped `vectors.f32`.

use super::kmeans::{self, KMeans};
use super::store;
use crate::index::Point;
use crate::vector::dot;
use anyhow::Context as _;
use instant_distance::{Builder, HnswMap, Search};
use ndarray::ArrayView2;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How the index is built.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IvfParams {
    /// Partitions (0: ≈ 4√n, faiss's rule of thumb).
    pub nlist: usize,
    pub kmeans_iterations: usize,
    pub ef_construction: usize,
    pub ef_search: usize,
    pub seed: u64,
}

impl Default for IvfParams {
    fn default() -> Self {
        IvfParams { nlist: 0, kmeans_iterations: 10, ef_construction: 100, ef_search: 100, seed: 0 }
    }
}

/// `nlist` for `n` vectors: the given one, else ≈ 4√n (at least 1, at most n).
pub fn nlist_for(n: usize, nlist: usize) -> usize {
    let auto = (4.0 * (n as f64).sqrt()).round() as usize;
    if nlist > 0 { nlist } else { auto }.clamp(1, n.max(1))
}

/// Partitions with at least this many vectors get a graph.
pub const GRAPH_FROM: usize = 1024;

/// One partition: its rows, scanned exactly in the vector table, or a
/// graph over them.
#[derive(serde::Serialize, serde::Deserialize)]
pub enum Partition {
    Flat { rows: Vec<u32> },
    Graph(HnswMap<Point, u32>),
}

impl Partition {
    pub fn rows(&self) -> &[u32] {
        match self {
            Partition::Flat { rows } => rows,
            Partition::Graph(g) => &g.values,
        }
    }

    /// Up to `k` rows `keep` accepts (all with `None`), nearest first, with
    /// their cosine (`vectors`: the table the rows index). A graph answers
    /// only unfiltered searches for at most its search breadth (`ef`, what
    /// it was built with); others scan its rows, so a filter never hides a
    /// match the graph did not visit.
    fn search(
        &self,
        vectors: &[f32],
        q: &[f32],
        k: usize,
        ef: usize,
        keep: Option<&dyn Fn(u32) -> bool>,
        out: &mut Vec<(u32, f32)>,
    ) {
        match self {
            Partition::Graph(g) if keep.is_none() && k <= g.values.len().min(ef) => {
                let point = Point(q.to_vec().into());
                let mut search = Search::default();
                out.extend(g.search(&point, &mut search).take(k).map(|item| (*item.value, 1.0 - item.distance)));
            }
            _ => {
                let keep = keep.unwrap_or(&|_| true);
                let rows = self.rows();
                let dims = q.len();
                let mut hits: Vec<(u32, f32)> = rows
                    .iter()
                    .filter(|r| keep(**r))
                    .map(|&r| (r, dot(q, &vectors[r as usize * dims..(r as usize + 1) * dims])))
                    .collect();
                hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                out.extend(hits.into_iter().take(k));
            }
        }
    }

    pub fn is_graph(&self) -> bool {
        matches!(self, Partition::Graph(_))
    }
}

/// Time spent per build step.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildTimes {
    pub kmeans: Duration,
    pub assign: Duration,
    pub hnsw: Duration,
}

/// An IVF index over rows `0..n` of a vector table.
pub struct Ivf {
    pub dims: usize,
    pub centroids: Vec<f32>,
    pub partitions: Vec<Partition>,
    /// Rows per partition.
    pub members: Vec<Vec<u32>>,
    /// The graphs' search breadth (`IvfParams::ef_search`).
    pub ef_search: usize,
}

impl Ivf {
    pub fn nlist(&self) -> usize {
        self.members.len()
    }

    pub fn len(&self) -> usize {
        self.members.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Build over `n × dims` normalised vectors (row-major).
    pub fn build(vectors: &[f32], dims: usize, p: &IvfParams, threads: usize) -> (Ivf, BuildTimes) {
        let n = vectors.len() / dims;
        let mut times = BuildTimes::default();
        let t = Instant::now();
        let KMeans { centroids, k, .. } =
            kmeans::kmeans(vectors, dims, nlist_for(n, p.nlist), p.kmeans_iterations, p.seed);
        times.kmeans = t.elapsed();
        let t = Instant::now();
        let mut members = vec![Vec::new(); k];
        let x = ArrayView2::from_shape((n, dims), vectors).expect("shape");
        for (row, c) in kmeans::assign_rows(x, &centroids, k).0.into_iter().enumerate() {
            members[c].push(row as u32);
        }
        times.assign = t.elapsed();
        let t = Instant::now();
        let all: Vec<usize> = (0..k).collect();
        let partitions =
            build_partitions(vectors, dims, &members, &all, p, threads).into_iter().map(|(_, g)| g).collect();
        times.hnsw = t.elapsed();
        (Ivf { dims, centroids, partitions, members, ef_search: p.ef_search }, times)
    }

    /// Reorder rows so each partition's rows are contiguous in the vector
    /// table (a scan then reads one run of memory): permutes every table
    /// in `tables` (rows of `dims` floats) and renumbers the index. Returns,
    /// for each new row, the old row it was.
    pub fn group_rows(&mut self, tables: &mut [&mut Vec<f32>]) -> Vec<u32> {
        let order: Vec<u32> = self.members.concat();
        let mut new_of_old = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of_old[old as usize] = new as u32;
        }
        let dims = self.dims;
        for t in tables.iter_mut() {
            let mut out = Vec::with_capacity(t.len());
            for &old in &order {
                out.extend_from_slice(&t[old as usize * dims..(old as usize + 1) * dims]);
            }
            **t = out;
        }
        let renumber = |rows: &mut Vec<u32>| rows.iter_mut().for_each(|r| *r = new_of_old[*r as usize]);
        for m in &mut self.members {
            renumber(m);
        }
        for p in &mut self.partitions {
            match p {
                Partition::Flat { rows } => renumber(rows),
                Partition::Graph(g) => renumber(&mut g.values),
            }
        }
        order
    }

    /// The partition a vector belongs to (its nearest centroid).
    pub fn nearest_partition(&self, v: &[f32]) -> usize {
        self.probe_order(v, 1)[0]
    }

    /// The `nprobe` partitions whose centroids are nearest, best first.
    pub fn probe_order(&self, q: &[f32], nprobe: usize) -> Vec<usize> {
        crate::vector::top_k(self.centroids.chunks_exact(self.dims), q, nprobe.max(1), None)
    }

    /// Up to `k` rows nearest to `q` (normalised) with their cosine, best
    /// first, among the rows `keep` accepts (all with `None`); `vectors` is
    /// the table the index was built over (scanned partitions read it).
    pub fn search(
        &self,
        vectors: &[f32],
        q: &[f32],
        k: usize,
        nprobe: usize,
        keep: Option<&dyn Fn(u32) -> bool>,
    ) -> Vec<(u32, f32)> {
        let mut hits: Vec<(u32, f32)> = Vec::new();
        for p in self.probe_order(q, nprobe) {
            if !self.members[p].is_empty() {
                self.partitions[p].search(vectors, q, k, self.ef_search, keep, &mut hits);
            }
        }
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(k);
        hits
    }

    /// Add rows (already appended to the vector table) and rebuild only the
    /// partitions they land in; returns those partitions.
    pub fn add(&mut self, vectors: &[f32], rows: std::ops::Range<u32>, p: &IvfParams, threads: usize) -> Vec<usize> {
        let mut touched = Vec::new();
        for row in rows {
            let v = &vectors[row as usize * self.dims..(row as usize + 1) * self.dims];
            let c = self.nearest_partition(v);
            self.members[c].push(row);
            touched.push(c);
        }
        touched.sort_unstable();
        touched.dedup();
        for (i, g) in build_partitions(vectors, self.dims, &self.members, &touched, p, threads) {
            self.partitions[i] = g;
        }
        touched
    }

    /// Write `centroids.f32` and `partitions/*.hnsw` under `dir` (only the
    /// partitions listed, or all).
    pub fn save(&self, dir: &Path, only: Option<&[usize]>) -> anyhow::Result<()> {
        store::write_f32(&dir.join(CENTROIDS), &self.centroids)?;
        let pdir = dir.join(PARTITIONS);
        std::fs::create_dir_all(&pdir).with_context(|| format!("cannot create {}", pdir.display()))?;
        let all: Vec<usize> = (0..self.nlist()).collect();
        for &i in only.unwrap_or(&all) {
            store::write_bin(&partition_path(dir, i), &self.partitions[i])?;
        }
        Ok(())
    }

    /// Load what [`Ivf::save`] wrote; `members` are read back from the graphs.
    pub fn load(dir: &Path, dims: usize, nlist: usize, ef_search: usize) -> anyhow::Result<Ivf> {
        let centroids = store::read_f32(&dir.join(CENTROIDS))?;
        if centroids.len() != nlist * dims {
            anyhow::bail!("{}: {} floats, expected {nlist} × {dims}", dir.join(CENTROIDS).display(), centroids.len());
        }
        let mut partitions = Vec::with_capacity(nlist);
        let mut members = Vec::with_capacity(nlist);
        for i in 0..nlist {
            let path = partition_path(dir, i);
            let g: Partition =
                store::read_bin(&path).with_context(|| format!("{} is not a partition graph", path.display()))?;
            let mut rows: Vec<u32> = g.rows().to_vec();
            rows.sort_unstable();
            members.push(rows);
            partitions.push(g);
        }
        Ok(Ivf { dims, centroids, partitions, members, ef_search })
    }
}

/// The exact top-`k` rows of a table for `q` (brute force).
pub fn exact_top(vectors: &[f32], dims: usize, q: &[f32], k: usize) -> Vec<u32> {
    crate::vector::top_k(vectors.chunks_exact(dims), q, k, None).into_iter().map(|i| i as u32).collect()
}

/// recall@k of the index at `nprobe` against exact search.
pub fn recall_at(ivf: &Ivf, vectors: &[f32], queries: &[&[f32]], k: usize, nprobe: usize) -> f64 {
    let exact: Vec<Vec<u32>> = queries.iter().map(|q| exact_top(vectors, ivf.dims, q, k)).collect();
    recall_against(ivf, vectors, queries, &exact, k, nprobe)
}

/// Each query's recall@k at `nprobe`.
fn recalls(ivf: &Ivf, vectors: &[f32], queries: &[&[f32]], exact: &[Vec<u32>], k: usize, nprobe: usize) -> Vec<f64> {
    use rayon::prelude::*;
    queries
        .par_iter()
        .zip(exact)
        .filter(|(_, e)| !e.is_empty())
        .map(|(q, e)| {
            let got = ivf.search(vectors, q, k, nprobe, None);
            got.iter().filter(|(r, _)| e.contains(r)).count() as f64 / e.len() as f64
        })
        .collect()
}

fn recall_against(ivf: &Ivf, vectors: &[f32], queries: &[&[f32]], exact: &[Vec<u32>], k: usize, nprobe: usize) -> f64 {
    let r = recalls(ivf, vectors, queries, exact, k, nprobe);
    if r.is_empty() { 1.0 } else { r.iter().sum::<f64>() / r.len() as f64 }
}

/// The fewest partitions to probe (1, 2, 4, …, all) whose recall@k on
/// these queries is at least `target` with 95 % confidence (the mean per
/// query minus 1.645 standard errors: a point estimate on a few hundred
/// queries picked an nprobe that fell short on new ones); and the mean
/// recall it reaches. `groups[i]` is query i's group (its thread): the
/// standard error is cluster-robust, since requests of one thread are
/// alike.
pub fn choose_nprobe(
    ivf: &Ivf,
    vectors: &[f32],
    queries: &[&[f32]],
    groups: &[usize],
    k: usize,
    target: f64,
) -> (usize, f64) {
    let exact: Vec<Vec<u32>> = queries.iter().map(|q| exact_top(vectors, ivf.dims, q, k)).collect();
    let mut nprobe = 1;
    loop {
        let r = recalls(ivf, vectors, queries, &exact, k, nprobe);
        let n = r.len().max(1) as f64;
        let mean = if r.is_empty() { 1.0 } else { r.iter().sum::<f64>() / n };
        let mut by_group: std::collections::BTreeMap<usize, f64> = std::collections::BTreeMap::new();
        for (x, g) in r.iter().zip(groups) {
            *by_group.entry(*g).or_default() += x - mean;
        }
        let se = by_group.values().map(|d| d * d).sum::<f64>().sqrt() / n;
        if mean - 1.645 * se >= target || nprobe >= ivf.nlist() {
            return (nprobe.min(ivf.nlist()), mean);
        }
        nprobe = (nprobe * 2).min(ivf.nlist());
    }
}

pub const CENTROIDS: &str = "centroids.f32";
pub const PARTITIONS: &str = "partitions";

fn partition_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(PARTITIONS).join(format!("{i:05}.hnsw"))
}

/// Build the partitions in `which`, largest first, on `threads` workers that
/// each build one at a time (a graph on a one-thread pool).
fn build_partitions(
    vectors: &[f32],
    dims: usize,
    members: &[Vec<u32>],
    which: &[usize],
    p: &IvfParams,
    threads: usize,
) -> Vec<(usize, Partition)> {
    let mut order: Vec<usize> = which.to_vec();
    order.sort_by(|&a, &b| members[b].len().cmp(&members[a].len()).then(a.cmp(&b)));
    let next = AtomicUsize::new(0);
    let mut built: Vec<(usize, Partition)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads.clamp(1, order.len().max(1)))
            .map(|_| {
                s.spawn(|| {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool");
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&part) = order.get(i) else { break };
                        let rows = &members[part];
                        let row = |r: u32| &vectors[r as usize * dims..(r as usize + 1) * dims];
                        if rows.len() < GRAPH_FROM {
                            out.push((part, Partition::Flat { rows: rows.clone() }));
                            continue;
                        }
                        let points: Vec<Point> = rows.iter().map(|&r| Point(row(r).to_vec().into())).collect();
                        let g = pool.install(|| {
                            Builder::default()
                                .ef_construction(p.ef_construction)
                                .ef_search(p.ef_search)
                                .seed(p.seed ^ part as u64)
                                .build(points, rows.clone())
                        });
                        out.push((part, Partition::Graph(g)));
                    }
                    out
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a partition build panicked")).collect()
    });
    built.sort_by_key(|(i, _)| *i);
    built
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::exact_top_k;
    use crate::matcher::kmeans::SplitMix64;

    /// Clustered unit vectors: 40 directions, points scattered around them.
    pub(crate) fn clustered(n: usize, dims: usize, seed: u64) -> Vec<f32> {
        let mut rng = SplitMix64::new(seed);
        let mut gauss = move || rng.gauss() as f32;
        let centres: Vec<Vec<f32>> = (0..40).map(|_| (0..dims).map(|_| gauss()).collect()).collect();
        let mut out = Vec::with_capacity(n * dims);
        for i in 0..n {
            let c = &centres[i % 40];
            let v: Vec<f32> = c.iter().map(|x| x + 0.6 * gauss()).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            out.extend(v.iter().map(|x| x / norm));
        }
        out
    }

    #[test]
    fn ivf_recall_against_exact_search_reaches_the_target_when_probing_enough() {
        let dims = 32;
        let data = clustered(3000, dims, 9);
        let (ivf, _) = Ivf::build(&data, dims, &IvfParams { seed: 3, ..Default::default() }, 2);
        assert_eq!(ivf.len(), 3000);
        let points: Vec<Vec<f32>> = data.chunks_exact(dims).map(<[f32]>::to_vec).collect();
        let recall = |nprobe: usize| {
            let mut found = 0;
            for q in (0..3000).step_by(30) {
                let exact: Vec<u32> =
                    exact_top_k(&points, &points[q], 10, None).into_iter().map(|i| i as u32).collect();
                let got = ivf.search(&data, &points[q], 10, nprobe, None);
                found += got.iter().filter(|(r, _)| exact.contains(r)).count();
            }
            found as f64 / 1000.0
        };
        let (low, high) = (recall(1), recall(ivf.nlist()));
        assert!(high >= 0.99, "probing every partition is near exact: {high}");
        assert!(low < high, "one probe misses neighbours across partitions: {low} vs {high}");
        assert!(ivf.partitions.iter().all(|p| !p.is_graph()), "small partitions are scanned");
        // Two big partitions: each gets a graph, and search through them stays near exact.
        let (ivf, _) = Ivf::build(&data, dims, &IvfParams { seed: 3, nlist: 2, ..Default::default() }, 2);
        assert!(ivf.partitions.iter().all(Partition::is_graph));
        let mut found = 0;
        for q in (0..3000).step_by(30) {
            let exact: Vec<u32> = exact_top_k(&points, &points[q], 10, None).into_iter().map(|i| i as u32).collect();
            found += ivf.search(&data, &points[q], 10, 2, None).iter().filter(|(r, _)| exact.contains(r)).count();
        }
        assert!(found as f64 / 1000.0 >= 0.95, "graph recall {found}/1000");
    }

    #[test]
    fn ivf_build_is_byte_identical_for_a_seed_and_add_rebuilds_only_touched_partitions() {
        let dims = 16;
        let data = clustered(3200, dims, 2);
        let p = IvfParams { seed: 11, ..Default::default() };
        let p = IvfParams { nlist: 2, ..p };
        let (a, _) = Ivf::build(&data[..3000 * dims], dims, &p, 2);
        let (b, _) = Ivf::build(&data[..3000 * dims], dims, &p, 1);
        assert!(a.partitions.iter().any(Partition::is_graph));
        let bytes = |ivf: &Ivf| -> Vec<Vec<u8>> {
            ivf.partitions.iter().map(|g| bincode::serde::encode_to_vec(g, store::bincode_config()).unwrap()).collect()
        };
        assert_eq!(bytes(&a), bytes(&b), "same seed, other thread count, same graphs");
        let mut a = a;
        let before = bytes(&a);
        let touched = a.add(&data, 3000..3001, &p, 2);
        assert!(!touched.is_empty() && touched.len() < a.nlist());
        assert_eq!(a.len(), 3001);
        let after = bytes(&a);
        for i in 0..a.nlist() {
            assert_eq!(before[i] == after[i], !touched.contains(&i), "partition {i}");
        }
        let hit = a.search(&data, &data[3000 * dims..3001 * dims], 1, 1, None);
        assert_eq!(hit[0].0, 3000, "an added row is found");
        // Grouping rows by partition changes row numbers, not answers.
        let mut table = data[..3001 * dims].to_vec();
        let q = &data[17 * dims..18 * dims];
        let before: Vec<(u32, f32)> = a.search(&table, q, 5, 2, None);
        let old_of_new = a.group_rows(&mut [&mut table]);
        let after: Vec<u32> = a.search(&table, q, 5, 2, None).iter().map(|h| old_of_new[h.0 as usize]).collect();
        assert_eq!(before.iter().map(|h| h.0).collect::<Vec<_>>(), after);
        assert!(a.members.iter().all(|m| m.windows(2).all(|w| w[1] == w[0] + 1)), "each partition is one run");
    }
}
