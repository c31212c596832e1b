//! Phase 1: enzyme chain (look-ups on the current text) → score before and
//! after each change → gate → write.
//!
//! In data-flow order: [`super::round`] reads a round and runs the chain
//! over it in parallel; [`render`] scores, gates and logs each span on the
//! workers, counting into per-worker [`stats`]; the main thread adds those
//! up and hands every line to one [`Sink`]. A [`checkpoint`] after every
//! `checkpoint_every` batches records how far the input was read and how
//! long each output was; `--resume` cuts the outputs back to it and goes on.

mod checkpoint;
mod render;
pub(crate) mod stats;

use super::prepare::{self, CombinedMode, EmbeddingsMode, STEM};
use super::round;
use super::shard::{self, Shard};
use crate::embed::{Embedder, sidecar};
use crate::enzyme::chain::{ChainOutput, Derive, StagePool};
use crate::enzyme::{EnzymeHost, Lookups};
use crate::harm::Role;
use crate::index::SpanIndex;
use crate::ingest;
use crate::manifest::Manifest;
use crate::output::sink::Sink;
use crate::output::{self, partial_path};
use crate::progress::{self, Progress};
use crate::report::Phase1Report;
use crate::score::Scorer;
use crate::span::Span;
use crate::tags::Tagger;
use crate::validate::{Mode, Validator};
use anyhow::Context as _;
use checkpoint::{Checkpoint, VariantIds};
use rayon::prelude::*;
use render::{Out, RenderCtx};
pub(crate) use stats::Phase1Stats;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Longest enriched line Phase 1 reads (inline vectors make lines long).
pub(crate) const PHASE1_MAX_LINE: usize = 64 << 20;

/// File stem of Phase 1's outputs.
pub const PLUS: &str = "diamonds-plus";

/// Phase 1 settings.
pub struct OrchestrateOptions {
    pub input: PathBuf,
    pub out_dir: PathBuf,
    pub manifest: Manifest,
    pub workers: usize,
    /// A trained scorer for the estimate (`--scorer` / `[quality] model`).
    pub scorer: Option<crate::score::model::Loaded>,
    pub resume: bool,
    /// Fixed timestamps and zero durations, for byte-identical reruns.
    pub reproducible: bool,
    pub progress: progress::Mode,
    /// One shard of a work folder ([`super::shard`]): only its threads, and
    /// a part file for `report merge`.
    pub shard: Option<Shard>,
}

/// A shard's Phase 1 counters, beside its outputs, for `report merge`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PartStats {
    pub stats: Phase1Stats,
    pub rejects: crate::output::sink::RejectCounts,
    pub quality_gate: f64,
    pub duration_ms: f64,
    pub model_secs: f64,
    pub peak_rss_mb: Option<f64>,
}

/// The part file of a shard's Phase 1 outputs in `dir`.
pub fn part_stats_path(dir: &Path) -> PathBuf {
    dir.join(format!("{PLUS}.part.json"))
}

/// Paths Phase 1 writes in `dir`.
pub fn outputs(dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    (
        dir.join(format!("{PLUS}.ndjson")),
        dir.join(format!("{PLUS}.rejects.ndjson")),
        dir.join(format!("{PLUS}.report.json")),
        dir.join(".logline").join("orchestrate.checkpoint.json"),
    )
}

/// What Phase 0 left beside its output: the sidecar and how it combined
/// vectors.
struct Phase0Side {
    sidecar: Option<sidecar::SidecarReader>,
    combined: CombinedMode,
    embeddings: EmbeddingsMode,
}

fn phase0_side(index_dir: &Path) -> anyhow::Result<Phase0Side> {
    let (_, _, stats_path, sidecar_path) = prepare::outputs(index_dir);
    let sidecar = if sidecar_path.exists() { Some(sidecar::SidecarReader::open(&sidecar_path)?) } else { None };
    let stats: Option<crate::report::Phase0Stats> =
        std::fs::read(stats_path).ok().and_then(|b| serde_json::from_slice(&b).ok());
    let combined = match stats.as_ref().map(|s| s.combined_mode.as_str()) {
        Some("encode") => CombinedMode::Encode,
        _ => CombinedMode::Mean,
    };
    let embeddings = if sidecar.is_some() { EmbeddingsMode::Sidecar } else { EmbeddingsMode::Inline };
    Ok(Phase0Side { sidecar, combined, embeddings })
}

/// Run Phase 1.
pub fn orchestrate(opts: &OrchestrateOptions, host: &EnzymeHost, embedder: &Embedder) -> anyhow::Result<Phase1Report> {
    let start = Instant::now();
    let model_secs_before = embedder.stats().model.model_secs;
    let m = &opts.manifest;
    output::ensure_dir(&opts.out_dir)?;
    std::fs::create_dir_all(opts.out_dir.join(".logline"))?;
    let (plus_path, rejects_path, report_path, ckpt_path) = outputs(&opts.out_dir);
    let variants_path = opts.out_dir.join(".logline").join("orchestrate.variants");
    let index_dir = opts.input.parent().map(Path::to_path_buf).unwrap_or_default();
    let index = Arc::new(
        SpanIndex::load(&index_dir, STEM)
            .with_context(|| format!("loading the index beside {}", opts.input.display()))?,
    );
    let enzymes = host.load_all(&m.enzymes)?;
    let mut settings = checkpoint::settings_hash(m, &enzymes, opts.scorer.as_ref().map(|s| s.sha256.as_str()));
    if let Some(k) = opts.shard {
        // Every shard of a work folder runs the same Phase 1.
        let job = shard::OrchestrateJob {
            shards: k.n,
            settings: settings.clone(),
            quality_gate: m.pipeline.quality_gate,
            reproducible: opts.reproducible,
        };
        shard::fix(&shard::orchestrate_job_path(&opts.out_dir), &job, shard::orchestrate_job_difference)?;
        settings = format!("{settings} shard {k}");
    }
    let fp = output::fingerprint(&opts.input)?;
    let side = phase0_side(&index_dir)?;

    // Resume from a matching checkpoint, or start clean.
    let resumed = opts
        .resume
        .then(|| checkpoint::load(&ckpt_path, &opts.input, &fp, &settings, &[&plus_path, &rejects_path]))
        .flatten()
        .filter(|_| variants_path.exists());
    let (mut sink, mut variant_ids, mut stats, skip_to, elapsed_before) = match resumed {
        Some(c) => (
            Sink::resume(&plus_path, &rejects_path, (c.plus, c.rejects), c.reject_counts)?,
            VariantIds::resume(&variants_path, c.variant_log)?,
            c.stats,
            c.consumed_line,
            c.elapsed_ms,
        ),
        None => {
            output::clear(&[plus_path.clone(), rejects_path.clone(), report_path.clone(), ckpt_path.clone()])?;
            let sink = Sink::create(&plus_path, &rejects_path)?;
            (sink, VariantIds::create(&variants_path)?, Phase1Stats::default(), 0, 0.0)
        }
    };
    if skip_to > 0 {
        tracing::info!("resuming after input line {skip_to}");
    }

    let lookups: Arc<dyn Lookups> = index.clone();
    let stages = StagePool::new(enzymes, m, lookups);
    let tagger = Tagger::new(&m.tags);
    let mut scorer = Scorer::new(m.quality.clone());
    if let Some(trained) = &opts.scorer {
        trained.check_embedding_model(embedder.model_key(), embedder.dims())?;
        scorer = scorer.with_model(trained.clone());
    }
    let workers = crate::threads_or_all(opts.workers);
    let scorer = scorer.with_relevance_beside(&embedder.model.files, workers)?;
    let roles: BTreeMap<String, Role> = m.enzymes.iter().map(|e| (e.name.clone(), e.role)).collect();
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(workers).thread_name(|i| format!("logline-worker-{i}")).build()?;
    let batch_size = m.pipeline.batch_size;
    let timestamp = if opts.reproducible {
        "1970-01-01T00:00:00Z".to_string()
    } else {
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let render_ctx = RenderCtx {
        roles: &roles,
        scorer: &scorer,
        gate: m.pipeline.quality_gate,
        timestamp: &timestamp,
        reproducible: opts.reproducible,
        embeddings: side.embeddings,
    };
    // A changed text is embedded again at once (through the cache), so
    // later enzymes' look-ups see the current text; unchanged fields keep
    // their vectors.
    let chain_embedded = AtomicU64::new(0);
    let embed = |s: &mut Span, before: &Span| -> anyhow::Result<()> {
        let n = crate::derive::embed_changed(embedder, s, before, side.combined)?;
        chain_embedded.fetch_add(n as u64, Ordering::Relaxed);
        Ok(())
    };
    let derive = Derive { tagger: &tagger, embed: Some(&embed) };

    let progress = Progress::new(opts.progress, "orchestrate", ingest::count_lines(&opts.input)?);
    let mut reader = ingest::open(&opts.input, PHASE1_MAX_LINE)?;
    let mut validator = Validator::new(Mode::Enriched, 0.0).max_line(PHASE1_MAX_LINE);
    let mut batches_since_ckpt = 0usize;
    loop {
        let mut invalid = 0u64;
        let mut spans =
            round::read(&mut reader, &opts.input, &mut validator, batch_size * workers, skip_to, opts.shard, |r| {
                invalid += 1;
                sink.reject(&r)
            })?;
        stats.invalid_input += invalid;
        if spans.spans.is_empty() && spans.lines_read == 0 {
            break;
        }
        let n_in = spans.spans.len() as u64;
        crate::derive::fill_embeddings(&mut spans.spans, side.sidecar.as_ref(), embedder, side.combined)?;
        let mut results = round::run_chain(&pool, &stages, std::mem::take(&mut spans.spans), batch_size, derive)?;
        stats.reembedded += chain_embedded.swap(0, Ordering::Relaxed) + reembed(&mut results, embedder, side.combined)?;

        // A variant's id must be new: not an input id, not an earlier
        // variant's. Decided here, in input order, so output is stable.
        let mut duplicate: Vec<Vec<bool>> = Vec::with_capacity(results.len());
        for r in &results {
            let mut d = Vec::with_capacity(r.items.len());
            for it in &r.items {
                d.push(
                    it.variant_of.is_some()
                        && (index.node(&it.span.id).is_some() || !variant_ids.insert(&it.span.id)?),
                );
            }
            duplicate.push(d);
        }
        let rendered: Vec<(Vec<Out>, Phase1Stats)> = pool.install(|| {
            results.par_iter().zip(duplicate.par_iter()).map(|(r, d)| render::render(r, d, &render_ctx)).collect()
        });
        for (lines, worker_stats) in rendered {
            stats += &worker_stats;
            for o in lines {
                match o {
                    Out::Keep(line) => sink.keep(&line)?,
                    Out::Reject(rec) => sink.reject(&rec)?,
                }
            }
        }
        stats.total_processed += n_in;
        progress.inc(spans.lines_read);
        batches_since_ckpt += n_in.div_ceil(batch_size as u64) as usize;
        if batches_since_ckpt >= m.pipeline.checkpoint_every {
            batches_since_ckpt = 0;
            let (plus, rejects) = sink.sync()?;
            let c = Checkpoint {
                input: opts.input.display().to_string(),
                input_fingerprint: fp.clone(),
                settings_hash: settings.clone(),
                consumed_line: spans.last_line,
                plus,
                rejects,
                variant_log: variant_ids.sync()?,
                stats: stats.clone(),
                reject_counts: sink.counts.clone(),
                elapsed_ms: elapsed_before + start.elapsed().as_secs_f64() * 1000.0,
            };
            checkpoint::save(&ckpt_path, &c)?;
        }
    }
    progress.finish();

    let mut report = stats.report(m.pipeline.quality_gate, &sink.counts);
    report.duration_ms = elapsed_before + start.elapsed().as_secs_f64() * 1000.0;
    report.peak_rss_mb = crate::report::peak_rss_mb();
    report.model_secs = embedder.stats().model.model_secs - model_secs_before;
    if opts.reproducible {
        report.model_secs = 0.0;
        report.duration_ms = 0.0;
        report.peak_rss_mb = None;
        report.enzymes.values_mut().for_each(|c| c.micros_sum = 0.0);
    }
    // The checkpoint goes first: a kill between here and the report leaves
    // no checkpoint pointing at partial files that a commit renamed away
    // (found by the kill test), and a resume simply starts over.
    if let Err(e) = std::fs::remove_file(&ckpt_path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Err(e).with_context(|| format!("removing {}", ckpt_path.display()));
    }
    variant_ids.remove()?;
    let ((p, _), (r, _)) = sink.commit()?;
    debug_assert!(!partial_path(&p).exists());
    report.output_path = p.display().to_string();
    report.rejects_path = r.display().to_string();
    if opts.shard.is_some() {
        let part = PartStats {
            stats,
            rejects: report.rejects.clone(),
            quality_gate: m.pipeline.quality_gate,
            duration_ms: report.duration_ms,
            model_secs: report.model_secs,
            peak_rss_mb: report.peak_rss_mb,
        };
        output::write_file(&part_stats_path(&opts.out_dir), serde_json::to_string(&part)?.as_bytes())?;
    }
    output::write_file(&report_path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    Ok(report)
}

/// Embed the snapshots the chain left without vectors (its embedding
/// failed); returns how many that was.
fn reembed(results: &mut [ChainOutput], embedder: &Embedder, mode: CombinedMode) -> anyhow::Result<u64> {
    let mut embedded = 0;
    for r in results.iter_mut() {
        let items = r
            .items
            .iter_mut()
            .chain(r.dropped.iter_mut().map(|d| &mut d.item))
            .chain(r.rejected.iter_mut().map(|x| &mut x.item));
        for item in items {
            let last = item.snapshots.len() - 1;
            for si in 1..item.snapshots.len() {
                if item.snapshots[si].enriched.combined_embedding.is_some() {
                    continue;
                }
                let mut snap = (*item.snapshots[si]).clone();
                embedded += crate::derive::embed_spans(embedder, std::slice::from_mut(&mut snap), mode)? as u64;
                if si == last {
                    item.span.enriched = snap.enriched.clone();
                }
                item.snapshots[si] = Arc::new(snap);
            }
        }
    }
    Ok(embedded)
}
