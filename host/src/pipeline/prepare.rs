//! Phase 0: validate → tag and score complexity → embed → index → write.
//!
//! Streaming: a reader thread hands over chunks of lines, the model embeds
//! each chunk's distinct, uncached texts, and a writer thread serialises and
//! writes while the model works on the next chunk. Memory holds a few chunks
//! plus the index.

use super::shard::{self, Job, Shard, Step, Work};
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

/// Phase 0's one writer: spans (inline vectors, or a sidecar row each),
/// rejects, and for a shard's part the input line of each span.
pub(crate) struct Phase0Writer {
    sink: Sink,
    side: Option<(sidecar::SidecarWriter, PathBuf)>,
    lines: Option<output::AsideWriter>,
}

impl Phase0Writer {
    pub(crate) fn create(
        out: &Path,
        rejects: &Path,
        sidecar: Option<(&Path, sidecar::Dtype, usize)>,
        lines: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let side = match sidecar {
            Some((path, dtype, dims)) => {
                let tmp = output::partial_path(path);
                Some((sidecar::SidecarWriter::create(&tmp, dtype, dims)?, path.to_path_buf()))
            }
            None => None,
        };
        let lines = lines.map(output::AsideWriter::create).transpose()?;
        Ok(Phase0Writer { sink: Sink::create(out, rejects)?, side, lines })
    }

    pub(crate) fn spans(&mut self, spans: Vec<Span>) -> anyhow::Result<()> {
        for mut s in spans {
            if let Some((side, _)) = &mut self.side {
                let e = &s.enriched;
                let q = e.query_embedding.as_deref().context("span without query embedding")?;
                let c = e.combined_embedding.as_deref().context("span without combined embedding")?;
                let row = side.push(q, e.response_embedding.as_deref(), c)?;
                s.enriched.embedding_row = Some(row);
            }
            if let Some(l) = &mut self.lines {
                l.write_line(&s.line.to_string())?;
            }
            self.sink.keep(&s.to_json_line(self.side.is_none(), &[]))?;
        }
        Ok(())
    }

    pub(crate) fn reject(&mut self, r: &RejectRecord) -> anyhow::Result<()> {
        self.sink.reject(r)
    }

    /// Another Phase 0 rejects file's lines, with their counts.
    pub(crate) fn rejects_from(&mut self, path: &Path, counts: &RejectCounts) -> anyhow::Result<()> {
        self.sink.rejects_from(path, counts)
    }

    /// Rename everything into place: (spans written, reject counts, the sidecar).
    pub(crate) fn finish(self) -> anyhow::Result<(u64, RejectCounts, Option<PathBuf>)> {
        let side_path = match self.side {
            Some((side, path)) => {
                let tmp = side.finish()?;
                std::fs::rename(&tmp, &path)?;
                Some(path)
            }
            None => None,
        };
        if let Some(l) = self.lines {
            l.commit()?;
        }
        let counts = self.sink.counts.clone();
        let ((_, n_out), _) = self.sink.commit()?;
        Ok((n_out, counts, side_path))
    }
}

/// What Phase 0's stats say of the valid spans, counted one at a time.
#[derive(Default)]
pub(crate) struct Tally {
    quality_sum: f64,
    quality_n: u64,
    domains: BTreeMap<String, u64>,
    actions: BTreeMap<String, u64>,
}

impl Tally {
    pub(crate) fn add(&mut self, stats: &mut Phase0Stats, s: &Span) {
        stats.valid += 1;
        if let Some(q) = s.facts.input_quality {
            self.quality_sum += q;
            self.quality_n += 1;
            stats.input_quality_histogram[crate::score::bucket(q)] += 1;
        }
        for t in &s.enriched.semantic_tags {
            *stats.tags.entry(t.clone()).or_default() += 1;
        }
        if let Some(d) = &s.facts.domain {
            *self.domains.entry(d.clone()).or_default() += 1;
        }
        *self.actions.entry(s.did.clone()).or_default() += 1;
    }

    pub(crate) fn finish(self, stats: &mut Phase0Stats) {
        stats.unique_domains = self.domains.len();
        stats.unique_actions = self.actions.len();
        stats.domains = self.domains;
        stats.actions = self.actions;
        stats.mean_input_quality = (self.quality_n > 0).then(|| self.quality_sum / self.quality_n as f64);
    }
}

/// Which lines a run reads, and what it builds.
enum Scope {
    /// The whole input; the index and duplicates too.
    Whole,
    /// A shard's block of lines, into its part files; no index.
    Part { first: u64, end: u64 },
}

/// Run Phase 0.
pub fn prepare(opts: &PrepareOptions, embedder: &Embedder) -> anyhow::Result<Phase0Stats> {
    let start = Instant::now();
    output::ensure_dir(&opts.out_dir)?;
    let (out_path, rejects_path, stats_path, sidecar_path) = outputs(&opts.out_dir);
    output::clear(&old_outputs(&opts.out_dir))?;
    let mut index = IndexWriter::create(&opts.out_dir, STEM, embedder.model_key(), embedder.dims())?;
    let mut dups = match opts.dedupe.mode {
        DedupeMode::Off => None,
        _ => Some(crate::dedupe::Tracker::create(&opts.out_dir, STEM, embedder.dims())?),
    };
    let sidecar = (opts.embeddings == EmbeddingsMode::Sidecar).then_some(sidecar_path.as_path());
    let writer = Phase0Writer::create(
        &out_path,
        &rejects_path,
        sidecar.map(|p| (p, opts.sidecar_dtype, embedder.dims())),
        None,
    )?;
    let mut stats = new_stats(opts, embedder, &out_path, &rejects_path)?;
    stream(opts, embedder, Scope::Whole, writer, &mut stats, |s| {
        index.add(s)?;
        if let Some(d) = &mut dups {
            d.add(s)?;
        }
        Ok(())
    })?;
    finish(&opts.out_dir, opts.hnsw, opts.dedupe, index, dups, &mut stats)?;
    write_stats(&mut stats, embedder, start, &stats_path)?;
    Ok(stats)
}

/// What one `prepare --shard` task did.
pub enum PartOutcome {
    Done(Box<Phase0Stats>),
    /// Its marker was there: nothing ran.
    AlreadyDone,
}

/// Phase 0 of one shard into a work folder ([`super::shard`]): validate,
/// tag and embed its block of lines; no index (`index build` makes it).
pub fn prepare_part(opts: &PrepareOptions, shard: Shard, embedder: &Embedder) -> anyhow::Result<PartOutcome> {
    let start = Instant::now();
    let work = Work::new(&opts.out_dir);
    let last = shard::last_line(&opts.input)?;
    let job = Job {
        shards: shard.n,
        input: opts.input.display().to_string(),
        input_fingerprint: output::fingerprint(&opts.input)?,
        input_last_line: last,
        settings: opts.settings(embedder.model_key()),
        model: embedder.model_key().to_string(),
        dims: embedder.dims(),
        embeddings: opts.embeddings,
        sidecar_dtype: opts.sidecar_dtype,
        combined: opts.combined,
        hnsw: opts.hnsw,
        dedupe: opts.dedupe,
    };
    shard::fix(&work.job_path(), &job, shard::job_difference)?;
    if work.done(Step::Prepare, shard.k) {
        return Ok(PartOutcome::AlreadyDone);
    }
    let files = work.prepare_part(shard.k);
    std::fs::create_dir_all(files.spans.parent().expect("a part has a folder"))?;
    output::clear(&[files.spans.clone(), files.lines.clone(), files.rejects.clone(), files.stats.clone()])?;
    // A part always carries its vectors inline: `index build` writes the
    // run's own embeddings mode.
    let writer = Phase0Writer::create(&files.spans, &files.rejects, None, Some(&files.lines))?;
    let mut stats = new_stats(opts, embedder, &files.spans, &files.rejects)?;
    let (first, end) = shard.lines(last);
    stream(opts, embedder, Scope::Part { first, end }, writer, &mut stats, |_| Ok(()))?;
    write_stats(&mut stats, embedder, start, &files.stats)?;
    work.mark(Step::Prepare, shard.k)?;
    Ok(PartOutcome::Done(Box::new(stats)))
}

/// The stats' closing numbers (the model's counters, time, memory), then
/// the stats file.
fn write_stats(stats: &mut Phase0Stats, embedder: &Embedder, start: Instant, path: &Path) -> anyhow::Result<()> {
    let e = embedder.stats();
    stats.model_secs = e.model.model_secs;
    stats.embeddings = Some(e);
    stats.duration_ms = start.elapsed().as_secs_f64() * 1000.0;
    stats.peak_rss_mb = crate::report::peak_rss_mb();
    output::write_file(path, serde_json::to_string_pretty(stats)?.as_bytes())
}

/// Phase 0's global step, after the spans are written: build the index
/// and find the duplicates (marking or moving their lines).
pub(crate) fn finish(
    dir: &Path,
    hnsw: HnswParams,
    dedupe: crate::dedupe::DedupeParams,
    index: IndexWriter,
    dups: Option<crate::dedupe::Tracker>,
    stats: &mut Phase0Stats,
) -> anyhow::Result<()> {
    if !index.is_empty() || stats.total > 0 {
        stats.index = Some(index.finish(hnsw)?);
    }
    if let Some(mut dups) = dups
        && !dups.is_empty()
    {
        let d = crate::dedupe::apply(dir, STEM, &mut dups, dedupe)?;
        // The stats' copy of the index manifest says what was removed, as the file does.
        if d.dropped > 0
            && let Some(ix) = &mut stats.index
        {
            let path = dir.join(crate::index::file_names(STEM).0);
            let m: crate::index::IndexManifest = serde_json::from_slice(&std::fs::read(&path)?)?;
            ix.removed = m.removed;
        }
        for _ in 0..d.dropped {
            stats.rejected.add(crate::output::sink::RejectCode::Duplicate);
        }
        stats.duplicates = Some(d);
    }
    Ok(())
}

/// Every file a Phase 0 run in `dir` replaces.
pub(crate) fn old_outputs(dir: &Path) -> Vec<PathBuf> {
    let (out_path, rejects_path, stats_path, sidecar_path) = outputs(dir);
    let (index_manifest, index_files) = crate::index::file_names(STEM);
    let mut old: Vec<PathBuf> = vec![
        crate::dedupe::groups_path(dir, STEM),
        out_path,
        rejects_path,
        stats_path,
        sidecar_path,
        dir.join(index_manifest),
    ];
    old.extend([&index_files.graph, &index_files.meta, &index_files.store].iter().map(|f| dir.join(f)));
    old
}

pub(crate) fn new_stats(
    opts: &PrepareOptions,
    embedder: &Embedder,
    out: &Path,
    rejects: &Path,
) -> anyhow::Result<Phase0Stats> {
    Ok(Phase0Stats {
        input: opts.input.display().to_string(),
        input_fingerprint: Some(output::fingerprint(&opts.input)?),
        settings: Some(opts.settings(embedder.model_key())),
        embedding_mode: format!("{:?}", opts.embeddings).to_lowercase(),
        combined_mode: format!("{:?}", opts.combined).to_lowercase(),
        output_path: out.display().to_string(),
        rejects_path: rejects.display().to_string(),
        ..Default::default()
    })
}

/// The streaming part of Phase 0: read (a reader thread) → validate, tag,
/// embed, hand each span to `each` (here) → write (a writer thread).
fn stream(
    opts: &PrepareOptions,
    embedder: &Embedder,
    scope: Scope,
    writer: Phase0Writer,
    stats: &mut Phase0Stats,
    mut each: impl FnMut(&Span) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (first, end) = match scope {
        Scope::Whole => (1, u64::MAX),
        Scope::Part { first, end, .. } => (first, end),
    };
    let total_lines = match scope {
        Scope::Whole => ingest::count_lines(&opts.input)?,
        Scope::Part { .. } => (end + 1).saturating_sub(first),
    };
    let mut reader = ingest::open(&opts.input, opts.max_line)?;
    let progress = Progress::new(opts.progress, "prepare", total_lines);
    let mut validator = Validator::new(Mode::Input, opts.min_quality).max_line(opts.max_line);
    let mut tally = Tally::default();

    let (line_tx, line_rx) = crossbeam_channel::bounded::<anyhow::Result<Vec<Line>>>(2);
    let (out_tx, out_rx) = crossbeam_channel::bounded::<ToWriter>(2);
    let chunk = opts.chunk.max(1);

    // Before a shard's block: only the ids matter, so that a repeated id
    // is rejected where a single run rejects it.
    let mut carry: Option<Line> = None;
    if first > 1 {
        for line in &mut reader {
            let l = line.with_context(|| format!("reading {}", opts.input.display()))?;
            if l.no >= first {
                carry = Some(l);
                break;
            }
            let _ = validator.check(&l);
        }
    }

    let result = std::thread::scope(|scope| -> anyhow::Result<()> {
        let input = opts.input.clone();
        scope.spawn(move || {
            let mut buf = Vec::with_capacity(chunk);
            for line in carry.into_iter().map(Ok).chain(&mut reader) {
                match line {
                    Ok(l) if l.no > end => break,
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

        let writer = scope.spawn(move || -> anyhow::Result<(u64, RejectCounts, Option<PathBuf>)> {
            let mut writer = writer;
            for msg in out_rx {
                match msg {
                    ToWriter::Rejects(records) => records.iter().try_for_each(|r| writer.reject(r))?,
                    ToWriter::Spans(spans) => writer.spans(spans)?,
                }
            }
            writer.finish()
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
                tally.add(stats, s);
            }
            crate::derive::embed_spans(embedder, &mut spans, opts.combined)?;
            for s in &spans {
                each(s)?;
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
    tally.finish(stats);
    Ok(())
}
