//! `logline train`: enriched spans in, a model folder out; `--add` grows
//! one. The folder:
//!
//! | file | what |
//! |---|---|
//! | `manifest.json` | input hashes, counts, parameters, embedding model, versions (written last) |
//! | `records.bin` | the train split's trajectories (id, thread, did, domain, status, request, outcome) |
//! | `vectors.f32`, `outcomes.f32`, `queries.f32` | their index, outcome and request vectors, raw little-endian `f32` rows (memory-mapped) |
//! | `centroids.f32`, `partitions/NNNNN.hnsw` | the IVF index |
//! | `calibration.json` | Platt fits, conformal thresholds, baseline rates |
//! | `heldout.bin` | the calibration and test splits (requests' and outcomes' vectors) |
//! | `skipped.ndjson` | every input span not used, with its line and reason |

use super::eval::{Calibration, calibrate, score_out_of_fold, score_split};
use super::ivf::{self, Ivf, IvfParams};
use super::kmeans::SplitMix64;
use super::predict::{Model, completed};
use super::split::{self, Member, Split};
use super::store::{self, F32Table};
use super::{HeldOut, IndexOn, MatchParams, TARGET_RECALL, Trajectory};
use crate::embed::Embedder;
use crate::span::Span;
use crate::vector::{dot, normalized, normalized_mean};
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// File names in a model folder.
pub mod files {
    pub const MANIFEST: &str = "manifest.json";
    pub const RECORDS: &str = "records.bin";
    pub const VECTORS: &str = "vectors.f32";
    pub const OUTCOMES: &str = "outcomes.f32";
    pub const QUERIES: &str = "queries.f32";
    pub const CALIBRATION: &str = "calibration.json";
    pub const HELDOUT: &str = "heldout.bin";
    pub const SKIPPED: &str = "skipped.ndjson";
    pub const EVAL: &str = "eval.json";
}

/// The model folder's format version.
pub const FORMAT: u32 = 1;
/// Calibration queries used to choose `nprobe`.
const NPROBE_QUERIES: usize = 1000;
/// Train outcomes compared pairwise to find the most common outcome.
const MAJORITY_SAMPLE: usize = 2000;

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelManifest {
    pub format: u32,
    pub logline_version: String,
    pub embedding_model: String,
    pub dims: usize,
    pub seed: u64,
    /// Train, calibration and test shares.
    pub split: [f64; 3],
    pub params: MatchParams,
    pub ivf: IvfParams,
    pub nlist: usize,
    /// recall@10 against exact search at `params.nprobe` on calibration requests.
    pub nprobe_recall_at_10: f64,
    pub inputs: Vec<InputFile>,
    pub counts: Counts,
    /// The train trajectory whose outcome agrees with the most others (a baseline).
    pub majority_outcome_row: u32,
    /// The more common status in the train split (a baseline): completed?
    pub majority_status: bool,
    /// Completed among the train split's completed and failed spans.
    pub completed_share: f64,
    /// How the spans' combined vectors were made, read off the first span
    /// with an answer: spans added later (feedback, self-play) must be
    /// made the same way. `None`: no span told (or an older model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined: Option<crate::derive::CombinedMode>,
}

impl ModelManifest {
    pub fn check_format(&self) -> anyhow::Result<()> {
        if self.format != FORMAT {
            bail!("model format {} is not the {FORMAT} this LogLine reads; retrain with `logline train`", self.format);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
    pub lines: u64,
    /// `train` for the first file, `add` for files added later.
    pub role: String,
    pub used: usize,
    pub skipped: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    pub train: usize,
    pub calibration: usize,
    pub test: usize,
    pub threads: usize,
    pub skipped_no_outcome: usize,
    pub skipped_duplicate_id: usize,
    /// Spans `--add` left out because their thread is held out.
    pub skipped_held_out_thread: usize,
}

/// What `train` needs besides the input.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub shares: [f64; 3],
    pub seed: u64,
    pub params: MatchParams,
    pub ivf: IvfParams,
    pub threads: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            shares: [0.7, 0.15, 0.15],
            seed: 0,
            params: MatchParams::default(),
            ivf: IvfParams::default(),
            threads: 0,
        }
    }
}

/// How a train or add went (timings are printed, never written: the
/// folder is the same for the same input and seed).
#[derive(Debug, Clone, Serialize)]
pub struct TrainSummary {
    pub dir: PathBuf,
    pub counts: Counts,
    pub nlist: usize,
    pub nprobe: usize,
    pub nprobe_recall_at_10: f64,
    /// Partitions rebuilt (`--add`).
    pub partitions_rebuilt: usize,
    pub read_s: f64,
    pub kmeans_s: f64,
    pub hnsw_s: f64,
    pub calibrate_s: f64,
}

/// A span read for training, with its vectors.
pub struct Read {
    pub line: u64,
    pub t: Trajectory,
    pub query: Vec<f32>,
    pub combined: Vec<f32>,
    pub outcome: Vec<f32>,
}

impl Read {
    /// A trajectory and its normalised vectors from an embedded span
    /// (`if_not_vec`: the embedding of a failed span's `if_not`). Its
    /// thread key is left empty.
    pub fn of(s: &Span, if_not_vec: Option<crate::span::Embedding>) -> anyhow::Result<Read> {
        let e = &s.enriched;
        let query = normalized(e.query_embedding.as_deref().context("a span without a query embedding")?);
        let outcome = match &e.response_embedding {
            Some(r) if s.if_ok.is_some() => normalized(r),
            _ => normalized(&if_not_vec.context("embedding count")?),
        };
        let combined = match &e.combined_embedding {
            Some(c) => normalized(c),
            None => normalized_mean(&query, &outcome),
        };
        let t = Trajectory {
            id: s.id.clone(),
            thread: String::new(),
            thread_id: s.facts.thread_id.clone(),
            previous: s.facts.previous_spans.clone(),
            did: s.did.clone(),
            domain: s.facts.domain.clone(),
            status: s.status.as_str().to_string(),
            query: s.this.clone(),
            outcome: s.if_ok.clone().or(s.if_not.clone()).unwrap_or_default(),
        };
        Ok(Read { line: s.line, t, query, combined, outcome })
    }

    /// [`Read::of`] each embedded span; the outcomes that are only an
    /// `if_not` (failed spans) are embedded here, in one model call.
    pub fn all_of(spans: &[Span], embedder: &Embedder) -> anyhow::Result<Vec<Read>> {
        let failed: Vec<&str> =
            spans.iter().filter(|s| s.if_ok.is_none()).filter_map(|s| s.if_not.as_deref()).collect();
        let mut failed_vecs = embedder.embed(&failed)?.into_iter();
        spans.iter().map(|s| Read::of(s, if s.if_ok.is_none() { failed_vecs.next() } else { None })).collect()
    }

    /// The vector the index holds for it.
    pub fn index_vector(&self, on: IndexOn) -> &[f32] {
        match on {
            IndexOn::Combined => &self.combined,
            IndexOn::Query => &self.query,
        }
    }
}

/// A span not used, for `skipped.ndjson`.
#[derive(Serialize)]
struct Skip {
    file: String,
    line: u64,
    id: String,
    reason: &'static str,
}

/// A skipped span's thread links: it still joins the spans it links.
struct Links {
    id: String,
    thread_id: Option<String>,
    previous: Vec<String>,
}

/// Read spans, skip those without an outcome or with a known id (keeping
/// their thread links), embed what the file does not carry.
fn read_spans(
    path: &Path,
    known: &mut HashSet<String>,
    embedder: &Embedder,
    skipped: &mut Vec<Skip>,
) -> anyhow::Result<(Vec<Read>, Vec<Links>, u64)> {
    let mut spans: Vec<Span> = Vec::new();
    let mut links = Vec::new();
    let file = path.display().to_string();
    let dims = embedder.dims();
    let lines = crate::validate::read_strict(path, |s| {
        let e = &s.enriched;
        for (name, v) in
            [("query", &e.query_embedding), ("response", &e.response_embedding), ("combined", &e.combined_embedding)]
        {
            if let Some(v) = v.as_ref().filter(|v| v.len() != dims) {
                bail!(
                    "{file}:{}: embeddings.{name}_embedding has {} dimensions; the model {} makes {dims}",
                    s.line,
                    v.len(),
                    embedder.model_key()
                );
            }
        }
        let reason = if s.if_ok.is_none() && s.if_not.is_none() {
            Some("no_outcome")
        } else if !known.insert(s.id.clone()) {
            Some("duplicate_id")
        } else {
            None
        };
        match reason {
            Some(reason) => {
                skipped.push(Skip { file: file.clone(), line: s.line, id: s.id.clone(), reason });
                if reason == "no_outcome" {
                    let f = &s.facts;
                    links.push(Links {
                        id: s.id.clone(),
                        thread_id: f.thread_id.clone(),
                        previous: f.previous_spans.clone(),
                    });
                }
            }
            None => spans.push(s),
        }
        Ok(())
    })?;
    crate::score::labelled::ensure_embeddings(&mut spans, embedder)?;
    Ok((Read::all_of(&spans, embedder)?, links, lines))
}

/// How combined vectors were made: the normalised mean of the request and
/// the answer (`mean`), or their text embedded together (`encode`). Read
/// off the first completed span (a failed span's combined vector is its
/// request's alone, whatever the mode).
fn combined_mode_of(read: &[Read]) -> Option<crate::derive::CombinedMode> {
    let r = read.iter().find(|r| r.t.status == "completed")?;
    let mean = normalized_mean(&r.query, &r.outcome);
    Some(if dot(&mean, &r.combined) > 0.9999 {
        crate::derive::CombinedMode::Mean
    } else {
        crate::derive::CombinedMode::Encode
    })
}

/// Thread keys of `spans`, joined through each other and through `links`
/// (skipped spans still link the spans on either side of them).
fn thread_keys<'a>(spans: impl Iterator<Item = &'a Trajectory>, links: &'a [Links]) -> Vec<String> {
    let mut members: Vec<Member> = spans.map(Trajectory::member).collect();
    let n = members.len();
    members.extend(links.iter().map(|l| Member {
        id: &l.id,
        thread_id: l.thread_id.as_deref(),
        previous: &l.previous,
    }));
    let mut keys = split::threads(&members);
    keys.truncate(n);
    keys
}

/// Train a model on `input`, writing the folder `out`.
pub fn train(input: &Path, out: &Path, opts: &TrainOptions, embedder: &Embedder) -> anyhow::Result<TrainSummary> {
    opts.params.check()?;
    let threads = crate::threads_or_all(opts.threads);
    let t0 = Instant::now();
    let mut skipped = Vec::new();
    let (mut read, links, lines) = read_spans(input, &mut HashSet::new(), embedder, &mut skipped)?;
    let combined = combined_mode_of(&read);
    let keys = thread_keys(read.iter().map(|r| &r.t), &links);
    let splits = split::assign(&keys, opts.shares, opts.seed);
    let dims = embedder.dims();
    let (mut records, mut vectors, mut outcomes, mut queries, mut heldout) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for ((mut r, key), s) in read.drain(..).zip(keys.iter()).zip(&splits) {
        r.t.thread = key.clone();
        match s {
            Split::Train => {
                vectors.extend_from_slice(r.index_vector(opts.params.index_on));
                outcomes.extend_from_slice(&r.outcome);
                queries.extend_from_slice(&r.query);
                records.push(r.t);
            }
            _ => heldout.push(HeldOut { split: *s, trajectory: r.t, query_vec: r.query, outcome_vec: r.outcome }),
        }
    }
    let n_cal = heldout.iter().filter(|h| h.split == Split::Calibration).count();
    let threads_n = keys.iter().collect::<HashSet<_>>().len();
    if records.is_empty() || n_cal == 0 {
        bail!(
            "{}: {} usable spans in {threads_n} threads leave {} for training and {n_cal} for calibration; need at least one of each (more threads, or other --split shares)",
            input.display(),
            records.len() + heldout.len(),
            records.len()
        );
    }
    let read_s = t0.elapsed();
    let (mut ivf, times) = Ivf::build(&vectors, dims, &opts.ivf, threads);
    // Each partition's rows contiguous (records in the same order).
    let order = ivf.group_rows(&mut [&mut vectors, &mut outcomes, &mut queries]);
    let mut slots: Vec<Option<Trajectory>> = records.into_iter().map(Some).collect();
    let records: Vec<Trajectory> =
        order.iter().map(|&old| slots[old as usize].take().expect("a permutation")).collect();
    let counts = Counts {
        train: records.len(),
        calibration: n_cal,
        test: heldout.len() - n_cal,
        threads: threads_n,
        skipped_no_outcome: skipped.iter().filter(|s| s.reason == "no_outcome").count(),
        skipped_duplicate_id: skipped.iter().filter(|s| s.reason == "duplicate_id").count(),
        skipped_held_out_thread: 0,
    };
    let manifest = ModelManifest {
        format: FORMAT,
        logline_version: env!("CARGO_PKG_VERSION").to_string(),
        embedding_model: embedder.model_key().to_string(),
        dims,
        seed: opts.seed,
        split: opts.shares,
        params: opts.params,
        ivf: opts.ivf,
        nlist: ivf.nlist(),
        nprobe_recall_at_10: 0.0,
        inputs: vec![InputFile {
            path: input.display().to_string(),
            sha256: store::sha256_file(input)?,
            lines,
            role: "train".into(),
            used: records.len() + heldout.len(),
            skipped: skipped.len(),
        }],
        counts,
        majority_outcome_row: 0,
        majority_status: true,
        completed_share: 1.0,
        combined,
    };
    let mut model = Model {
        dir: out.to_path_buf(),
        calibration: Calibration::uncalibrated(opts.params.tau, opts.params.alpha),
        manifest,
        records,
        vectors: F32Table::from_vec(vectors, dims),
        outcomes: F32Table::from_vec(outcomes, dims),
        queries: F32Table::from_vec(queries, dims),
        ivf,
        heldout,
    };
    let t = Instant::now();
    recalibrate(&mut model);
    let calibrate_s = t.elapsed();
    crate::output::ensure_dir(out)?;
    // A folder is a model once its manifest is written, last; an old
    // model's manifest and evaluation go first.
    crate::output::clear(&[out.join(files::MANIFEST), out.join(files::EVAL)])?;
    let parts = out.join(ivf::PARTITIONS);
    if parts.is_dir() {
        std::fs::remove_dir_all(&parts).with_context(|| format!("cannot clear {}", parts.display()))?;
    }
    save(&model, None, &skipped)?;
    Ok(summary(&model, 0, read_s, times.kmeans + times.assign, times.hnsw, calibrate_s))
}

/// Choose `nprobe`, find the baselines and fit the calibration on the
/// calibration split, with the index as it is now.
fn recalibrate(model: &mut Model) {
    let cal: Vec<&HeldOut> =
        model.heldout.iter().filter(|h| h.split == Split::Calibration).take(NPROBE_QUERIES).collect();
    let queries: Vec<&[f32]> = cal.iter().map(|h| h.query_vec.as_slice()).collect();
    let mut thread_no: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let groups: Vec<usize> = cal
        .iter()
        .map(|h| {
            let next = thread_no.len();
            *thread_no.entry(h.trajectory.thread.as_str()).or_insert(next)
        })
        .collect();
    let (nprobe, recall) =
        ivf::choose_nprobe(&model.ivf, model.vectors.as_slice(), &queries, &groups, 10, TARGET_RECALL);
    model.manifest.params.nprobe = nprobe;
    model.manifest.nprobe_recall_at_10 = recall;
    model.manifest.majority_outcome_row =
        majority_outcome(&model.outcomes, model.manifest.params.tau, model.manifest.seed);
    let (yes, no) = model.records.iter().fold((0u32, 0u32), |(y, n), r| match completed(&r.status) {
        Some(true) => (y + 1, n),
        Some(false) => (y, n + 1),
        None => (y, n),
    });
    model.manifest.majority_status = yes >= no;
    model.manifest.completed_share = if yes + no == 0 { 0.5 } else { f64::from(yes) / f64::from(yes + no) };
    let seed = model.manifest.seed;
    let cal = score_split(model, Split::Calibration, seed, false);
    let cal_by_did = score_split(model, Split::Calibration, seed, true);
    let oof = score_out_of_fold(model, seed);
    let p = model.manifest.params;
    model.calibration = calibrate(&cal, &cal_by_did, &oof, p.tau, p.alpha, model.manifest.majority_status);
}

/// The train outcome that agrees (cosine ≥ τ) with the most others, over a
/// seeded sample of at most `MAJORITY_SAMPLE`.
fn majority_outcome(outcomes: &F32Table, tau: f64, seed: u64) -> u32 {
    use rayon::prelude::*;
    let rows = SplitMix64::new(seed ^ 0x5A5A).sample(outcomes.rows(), MAJORITY_SAMPLE);
    let agree: Vec<usize> = rows
        .par_iter()
        .map(|&a| rows.iter().filter(|&&b| f64::from(dot(outcomes.row(a), outcomes.row(b))) >= tau).count())
        .collect();
    let best = (0..rows.len()).max_by(|&a, &b| agree[a].cmp(&agree[b]).then(b.cmp(&a))).unwrap_or(0);
    rows.get(best).copied().unwrap_or(0) as u32
}

fn save(model: &Model, only: Option<&[usize]>, skipped: &[Skip]) -> anyhow::Result<()> {
    let dir = &model.dir;
    store::write_bin(&dir.join(files::RECORDS), &model.records)?;
    store::write_f32(&dir.join(files::VECTORS), model.vectors.as_slice())?;
    store::write_f32(&dir.join(files::OUTCOMES), model.outcomes.as_slice())?;
    store::write_f32(&dir.join(files::QUERIES), model.queries.as_slice())?;
    model.ivf.save(dir, only)?;
    store::write_json(&dir.join(files::CALIBRATION), &model.calibration)?;
    store::write_bin(&dir.join(files::HELDOUT), &model.heldout)?;
    let old = if only.is_some() {
        std::fs::read_to_string(dir.join(files::SKIPPED)).unwrap_or_default()
    } else {
        String::new()
    };
    crate::output::write_file_with(&dir.join(files::SKIPPED), |w| {
        use std::io::Write as _;
        w.write_all(old.as_bytes())?;
        for s in skipped {
            writeln!(w, "{}", serde_json::to_string(s)?)?;
        }
        Ok(())
    })?;
    // Last: a folder with a manifest is complete.
    store::write_json(&dir.join(files::MANIFEST), &model.manifest)
}

fn summary(
    model: &Model,
    rebuilt: usize,
    read: Duration,
    kmeans: Duration,
    hnsw: Duration,
    cal: Duration,
) -> TrainSummary {
    TrainSummary {
        dir: model.dir.clone(),
        counts: model.manifest.counts.clone(),
        nlist: model.ivf.nlist(),
        nprobe: model.manifest.params.nprobe,
        nprobe_recall_at_10: model.manifest.nprobe_recall_at_10,
        partitions_rebuilt: rebuilt,
        read_s: read.as_secs_f64(),
        kmeans_s: kmeans.as_secs_f64(),
        hnsw_s: hnsw.as_secs_f64(),
        calibrate_s: cal.as_secs_f64(),
    }
}

/// `logline train --add more.ndjson model/`: new spans join the train split
/// (a span whose thread is held out is skipped: it would leak into the
/// evaluation), go to their nearest partition, and only the partitions
/// they touch are rebuilt; the calibration split is re-scored and refitted.
/// `more` may be a feedback log (`logline serve`): its learned spans join,
/// and those the model already holds are skipped (`duplicate_id`).
pub fn add(dir: &Path, more: &Path, embedder: &Embedder, threads: usize) -> anyhow::Result<TrainSummary> {
    let threads = crate::threads_or_all(threads);
    let t0 = Instant::now();
    let mut model = Model::load(dir)?;
    model.check_embedding_model(embedder.model_key())?;
    let mut known: HashSet<String> = model
        .records
        .iter()
        .map(|r| r.id.clone())
        .chain(model.heldout.iter().map(|h| h.trajectory.id.clone()))
        .collect();
    let mut skipped = Vec::new();
    // A feedback log (`logline serve`) gives its learned spans.
    let from_log = crate::serve::wal::is_log(more).then(|| dir.join(".feedback-spans.ndjson"));
    if let Some(p) = &from_log {
        crate::serve::wal::spans_file(more, p)?;
    }
    let read = read_spans(from_log.as_deref().unwrap_or(more), &mut known, embedder, &mut skipped);
    if let Some(p) = &from_log {
        let _ = std::fs::remove_file(p);
    }
    let (read, links, lines) = read?;
    // Threads over everything the model holds and the new file: a new span
    // joined (directly or through others) to a held-out span is left out.
    let held = model.heldout.len();
    let all_keys = thread_keys(
        model.heldout.iter().map(|h| &h.trajectory).chain(&model.records).chain(read.iter().map(|r| &r.t)),
        &links,
    );
    let held_keys: HashSet<&str> = all_keys[..held].iter().map(String::as_str).collect();
    // A new span that continues a train thread takes that thread's key.
    let mut old_key: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (k, r) in all_keys[held..held + model.records.len()].iter().zip(&model.records) {
        old_key.entry(k.as_str()).or_insert_with(|| r.thread.clone());
    }
    let new_keys: Vec<String> = all_keys[held + model.records.len()..]
        .iter()
        .map(|k| old_key.get(k.as_str()).cloned().unwrap_or_else(|| k.clone()))
        .collect();
    let on = model.manifest.params.index_on;
    let mut vectors = model.vectors.as_slice().to_vec();
    let mut outcomes = model.outcomes.as_slice().to_vec();
    let mut queries = model.queries.as_slice().to_vec();
    let first = model.records.len() as u32;
    let mut held_out_thread = 0;
    for ((mut r, key), all_key) in read.into_iter().zip(new_keys).zip(&all_keys[held + first as usize..]) {
        if held_keys.contains(all_key.as_str()) {
            skipped.push(Skip {
                file: more.display().to_string(),
                line: r.line,
                id: r.t.id.clone(),
                reason: "held_out_thread",
            });
            held_out_thread += 1;
            continue;
        }
        r.t.thread = key;
        vectors.extend_from_slice(r.index_vector(on));
        outcomes.extend_from_slice(&r.outcome);
        queries.extend_from_slice(&r.query);
        model.records.push(r.t);
    }
    let added = model.records.len() - first as usize;
    let dims = model.manifest.dims;
    let read_s = t0.elapsed();
    let t = Instant::now();
    let touched = model.ivf.add(&vectors, first..model.records.len() as u32, &model.manifest.ivf, threads);
    let hnsw_s = t.elapsed();
    model.vectors = F32Table::from_vec(vectors, dims);
    model.outcomes = F32Table::from_vec(outcomes, dims);
    model.queries = F32Table::from_vec(queries, dims);
    let c = &mut model.manifest.counts;
    c.train += added;
    c.skipped_no_outcome += skipped.iter().filter(|s| s.reason == "no_outcome").count();
    c.skipped_duplicate_id += skipped.iter().filter(|s| s.reason == "duplicate_id").count();
    c.skipped_held_out_thread += held_out_thread;
    c.threads = model
        .records
        .iter()
        .map(|r| &r.thread)
        .chain(model.heldout.iter().map(|h| &h.trajectory.thread))
        .collect::<HashSet<_>>()
        .len();
    model.manifest.inputs.push(InputFile {
        path: more.display().to_string(),
        sha256: store::sha256_file(more)?,
        lines,
        role: "add".into(),
        used: added,
        skipped: skipped.len(),
    });
    let t = Instant::now();
    recalibrate(&mut model);
    let cal_s = t.elapsed();
    // The evaluation was of the model before (`logline eval` again); the
    // manifest goes first, so an interrupted add leaves no folder that
    // looks complete.
    crate::output::clear(&[dir.join(files::MANIFEST), dir.join(files::EVAL)])?;
    save(&model, Some(&touched), &skipped)?;
    Ok(summary(&model, touched.len(), read_s, Duration::ZERO, hnsw_s, cal_s))
}

impl TrainSummary {
    pub fn table(&self) -> String {
        let c = &self.counts;
        format!(
            "model {}: {} train, {} calibration, {} test spans in {} threads; skipped {} without an outcome, {} duplicate ids, {} in held-out threads\n\
             IVF: {} partitions, nprobe {} (recall@10 {:.3} vs exact){}; read {:.1} s, k-means {:.1} s, HNSW {:.1} s, calibration {:.1} s\n",
            self.dir.display(),
            c.train,
            c.calibration,
            c.test,
            c.threads,
            c.skipped_no_outcome,
            c.skipped_duplicate_id,
            c.skipped_held_out_thread,
            self.nlist,
            self.nprobe,
            self.nprobe_recall_at_10,
            if self.partitions_rebuilt > 0 {
                format!(", {} partitions rebuilt", self.partitions_rebuilt)
            } else {
                String::new()
            },
            self.read_s,
            self.kmeans_s,
            self.hnsw_s,
            self.calibrate_s
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, previous: &[&str]) -> Trajectory {
        Trajectory {
            id: id.into(),
            thread: String::new(),
            thread_id: None,
            previous: previous.iter().map(|s| s.to_string()).collect(),
            did: "d".into(),
            domain: None,
            status: "completed".into(),
            query: String::new(),
            outcome: String::new(),
        }
    }

    #[test]
    fn a_skipped_span_in_the_middle_of_a_thread_still_joins_its_two_sides() {
        // a → x → b, and x has no outcome (skipped): a and b are one thread.
        let spans = [t("a", &[]), t("b", &["x"]), t("c", &[])];
        let links = [Links { id: "x".into(), thread_id: None, previous: vec!["a".into()] }];
        let keys = thread_keys(spans.iter(), &links);
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
        assert_ne!(thread_keys(spans.iter(), &[])[0], thread_keys(spans.iter(), &[])[1], "without the link they split");
    }
}
