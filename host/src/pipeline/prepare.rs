//! Phase 0: validate → tag and score complexity → embed → index → write.
//!
//! Streaming: a reader thread hands over chunks of lines, the model embeds
//! each chunk's distinct, uncached texts, and a writer thread serialises and
//! writes while the model works on the next chunk. Memory holds a few chunks
//! plus the index.

use crate::dedupe::DedupeMode;
use crate::embed::{Embedder, sidecar};
use crate::index::{HnswParams, IndexWriter};
use crate::ingest::{self, Line};
use crate::output;
use crate::output::sink::{RejectCounts, RejectRecord, Sink};
use crate::progress::{self, Progress};
use crate::report::Phase0Stats;
use crate::span::Span;
use crate::tags::Tagger;
use crate::validate::{Mode, RejectKind, Validator};
use anyhow::Context as _;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// File stem of Phase 0's outputs.
pub const STEM: &str = "diamonds-enriched";

/// How embeddings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmbeddingsMode {
    /// JSON arrays in each span.
    Inline,
    /// A numpy `.npy` file; spans carry `embedding_row`.
    Sidecar,
}

pub use crate::derive::CombinedMode;

/// Phase 0 settings.
pub struct PrepareOptions {
    pub input: PathBuf,
    pub out_dir: PathBuf,
    pub min_quality: f64,
    pub embeddings: EmbeddingsMode,
    pub sidecar_dtype: sidecar::Dtype,
    pub combined: CombinedMode,
    pub max_line: usize,
    pub hnsw: HnswParams,
    pub tagger: Tagger,
    pub dedupe: crate::dedupe::DedupeParams,
    /// Spans per embedding chunk.
    pub chunk: usize,
    pub progress: progress::Mode,
}

impl PrepareOptions {
    /// The settings that shape Phase 0's outputs, as one string: `run
    /// --resume` reuses a finished Phase 0 only when they are the same.
    pub fn settings(&self, model_key: &str) -> String {
        format!(
            "min_quality={:?} embeddings={:?} sidecar_dtype={:?} combined={:?} max_line={} hnsw={:?} dedupe={:?} tags={:?} model={model_key}",
            self.min_quality,
            self.embeddings,
            self.sidecar_dtype,
            self.combined,
            self.max_line,
            self.hnsw,
            self.dedupe,
            self.tagger
        )
    }
}

/// Paths Phase 0 writes in `dir`.
pub fn outputs(dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    (
        dir.join(format!("{STEM}.ndjson")),
        dir.join(format!("{STEM}.rejects.ndjson")),
        dir.join(format!("{STEM}.stats.json")),
        dir.join(format!("{STEM}.embeddings.npy")),
    )
}

enum ToWriter {
    Spans(Vec<Span>),
    Rejects(Vec<RejectRecord>),
}

/// Run Phase 0.
pub fn prepare(opts: &PrepareOptions, embedder: &Embedder) -> anyhow::Result<Phase0Stats> {
    let start = Instant::now();
    output::ensure_dir(&opts.out_dir)?;
    let (out_path, rejects_path, stats_path, sidecar_path) = outputs(&opts.out_dir);
    let (index_manifest, index_files) = crate::index::file_names(STEM);
    let mut old: Vec<PathBuf> = vec![
        crate::dedupe::groups_path(&opts.out_dir, STEM),
        out_path.clone(),
        rejects_path.clone(),
        stats_path.clone(),
        sidecar_path.clone(),
        opts.out_dir.join(index_manifest),
    ];
    old.extend([&index_files.graph, &index_files.meta, &index_files.store].iter().map(|f| opts.out_dir.join(f)));
    output::clear(&old)?;

    let total_lines = ingest::count_lines(&opts.input)?;
    let mut reader = ingest::open(&opts.input, opts.max_line)?;
    let progress = Progress::new(opts.progress, "prepare", total_lines);

    let mut stats = Phase0Stats {
        input: opts.input.display().to_string(),
        input_fingerprint: Some(output::fingerprint(&opts.input)?),
        settings: Some(opts.settings(embedder.model_key())),
        embedding_mode: format!("{:?}", opts.embeddings).to_lowercase(),
        combined_mode: format!("{:?}", opts.combined).to_lowercase(),
        output_path: out_path.display().to_string(),
        rejects_path: rejects_path.display().to_string(),
        ..Default::default()
    };
    let mut validator = Validator::new(Mode::Input, opts.min_quality).max_line(opts.max_line);
    let mut index = IndexWriter::create(&opts.out_dir, STEM, embedder.model_key(), embedder.dims())?;
    let mut dups = match opts.dedupe.mode {
        DedupeMode::Off => None,
        _ => Some(crate::dedupe::Tracker::create(&opts.out_dir, STEM, embedder.dims())?),
    };
    let mut quality_sum = 0.0;
    let mut quality_n = 0u64;
    let mut domains: BTreeMap<String, u64> = BTreeMap::new();
    let mut actions: BTreeMap<String, u64> = BTreeMap::new();

    let (line_tx, line_rx) = crossbeam_channel::bounded::<anyhow::Result<Vec<Line>>>(2);
    let (out_tx, out_rx) = crossbeam_channel::bounded::<ToWriter>(2);
    let chunk = opts.chunk.max(1);

    let result = std::thread::scope(|scope| -> anyhow::Result<()> {
        let input = opts.input.clone();
        scope.spawn(move || {
            let mut buf = Vec::with_capacity(chunk);
            for line in &mut reader {
                match line {
                    Ok(l) => {
                        buf.push(l);
                        if buf.len() == chunk && line_tx.send(Ok(std::mem::take(&mut buf))).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ =
                            line_tx.send(Err(anyhow::Error::new(e).context(format!("reading {}", input.display()))));
                        return;
                    }
                }
            }
            if !buf.is_empty() {
                let _ = line_tx.send(Ok(buf));
            }
        });

        let embeddings = opts.embeddings;
        let dtype = opts.sidecar_dtype;
        let dims = embedder.dims();
        let (out_path, rejects_path, sidecar_path) = (out_path.clone(), rejects_path.clone(), sidecar_path.clone());
        let writer = scope.spawn(move || -> anyhow::Result<(u64, RejectCounts, Option<PathBuf>)> {
            let mut sink = Sink::create(&out_path, &rejects_path)?;
            let side_tmp = output::partial_path(&sidecar_path);
            let mut side = match embeddings {
                EmbeddingsMode::Sidecar => Some(sidecar::SidecarWriter::create(&side_tmp, dtype, dims)?),
                EmbeddingsMode::Inline => None,
            };
            for msg in out_rx {
                match msg {
                    ToWriter::Rejects(records) => records.iter().try_for_each(|r| sink.reject(r))?,
                    ToWriter::Spans(spans) => {
                        for mut s in spans {
                            if let Some(side) = &mut side {
                                let e = &s.enriched;
                                let q = e.query_embedding.as_deref().context("span without query embedding")?;
                                let c = e.combined_embedding.as_deref().context("span without combined embedding")?;
                                let row = side.push(q, e.response_embedding.as_deref(), c)?;
                                s.enriched.embedding_row = Some(row);
                            }
                            sink.keep(&s.to_json_line(side.is_none(), &[]))?;
                        }
                    }
                }
            }
            let side_path = match side {
                Some(side) => {
                    let tmp = side.finish()?;
                    std::fs::rename(&tmp, &sidecar_path)?;
                    Some(sidecar_path.clone())
                }
                None => None,
            };
            let counts = sink.counts.clone();
            let ((_, n_out), _) = sink.commit()?;
            Ok((n_out, counts, side_path))
        });

        let send = |m: ToWriter| out_tx.send(m).map_err(|_| anyhow::anyhow!("the output writer stopped"));
        for chunk in line_rx {
            let lines = chunk?;
            let mut spans = Vec::with_capacity(lines.len());
            let mut rejects = Vec::new();
            for line in &lines {
                stats.total += 1;
                match validator.check(line) {
                    Ok(span) => spans.push(span),
                    Err(r) => {
                        match r.kind {
                            RejectKind::Invalid => stats.invalid += 1,
                            RejectKind::Filtered => stats.filtered += 1,
                        }
                        for code in r.reasons.iter().map(|x| x.code).collect::<BTreeSet<_>>() {
                            *stats.reasons.entry(code.to_string()).or_default() += 1;
                        }
                        rejects.push(RejectRecord::input(&r, line));
                    }
                }
            }
            if !rejects.is_empty() {
                send(ToWriter::Rejects(rejects))?;
            }
            for s in &mut spans {
                crate::derive::text_facts(s, &opts.tagger);
                stats.valid += 1;
                if let Some(q) = s.facts.input_quality {
                    quality_sum += q;
                    quality_n += 1;
                    stats.input_quality_histogram[crate::score::bucket(q)] += 1;
                }
                for t in &s.enriched.semantic_tags {
                    *stats.tags.entry(t.clone()).or_default() += 1;
                }
                if let Some(d) = &s.facts.domain {
                    *domains.entry(d.clone()).or_default() += 1;
                }
                *actions.entry(s.did.clone()).or_default() += 1;
            }
            crate::derive::embed_spans(embedder, &mut spans, opts.combined)?;
            for s in &spans {
                index.add(s)?;
                if let Some(d) = &mut dups {
                    d.add(s)?;
                }
            }
            progress.inc(lines.len() as u64);
            send(ToWriter::Spans(spans))?;
        }
        drop(out_tx);
        let (n_out, rejected, side) = writer.join().map_err(|_| anyhow::anyhow!("the output writer panicked"))??;
        debug_assert_eq!(n_out, stats.valid);
        stats.rejected = rejected;
        stats.sidecar_path = side.map(|p| p.display().to_string());
        Ok(())
    });
    progress.finish();
    result?;

    stats.unique_domains = domains.len();
    stats.unique_actions = actions.len();
    stats.domains = domains;
    stats.actions = actions;
    stats.mean_input_quality = (quality_n > 0).then(|| quality_sum / quality_n as f64);
    if !index.is_empty() || stats.total > 0 {
        stats.index = Some(index.finish(opts.hnsw)?);
    }
    if let Some(dups) = &mut dups
        && !dups.is_empty()
    {
        let d = crate::dedupe::apply(&opts.out_dir, STEM, dups, opts.dedupe)?;
        // The stats' copy of the index manifest says what was removed, as the file does.
        if d.dropped > 0
            && let Some(ix) = &mut stats.index
        {
            let path = opts.out_dir.join(crate::index::file_names(STEM).0);
            let m: crate::index::IndexManifest = serde_json::from_slice(&std::fs::read(&path)?)?;
            ix.removed = m.removed;
        }
        for _ in 0..d.dropped {
            stats.rejected.add(crate::output::sink::RejectCode::Duplicate);
        }
        stats.duplicates = Some(d);
    }
    let e = embedder.stats();
    stats.model_secs = e.model.model_secs;
    stats.embeddings = Some(e);
    stats.duration_ms = start.elapsed().as_secs_f64() * 1000.0;
    stats.peak_rss_mb = crate::report::peak_rss_mb();
    output::write_file(&stats_path, serde_json::to_string_pretty(&stats)?.as_bytes())?;
    Ok(stats)
}
