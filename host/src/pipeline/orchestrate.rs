//! Phase 1: enzyme chain → re-embed changed text → score before and after
//! each change → gate → write.
//!
//! Work proceeds in rounds of `workers × batch_size` spans. Within a round,
//! batches run in parallel (rayon), each worker with its own enzyme
//! instances; results are written in input order, so the same input and
//! manifest give the same output. A checkpoint after every
//! `checkpoint_every` batches records how far the input was read and how
//! long each output was; `--resume` cuts the outputs back to it and goes on.

use super::prepare::{self, CombinedMode, EmbeddingsMode, STEM};
use crate::embed::{Embedder, sidecar};
use crate::enzyme::chain::{self, ChainOutput, Item, Stage};
use crate::enzyme::{EnzymeFailure, EnzymeHost, LoadedEnzyme, Lookups};
use crate::harm::{self, Role, text_changed};
use crate::index::SpanIndex;
use crate::ingest;
use crate::manifest::Manifest;
use crate::output::{self, AsideWriter, Fingerprint};
use crate::progress::{self, Progress};
use crate::report::{EnzymeCounters, Phase1Report, TopEnzyme};
use crate::score::{Scorer, Signals, Step, Verdict, bucket};
use crate::span::Span;
use crate::tags::Tagger;
use crate::validate::{Mode, RejectKind, Validator};
use anyhow::{Context as _, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Longest enriched line Phase 1 reads (inline vectors make lines long).
const PHASE1_MAX_LINE: usize = 64 << 20;

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

/// What survives a restart.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Acc {
    total_processed: u64,
    diamonds_plus: u64,
    diamonds_original: u64,
    rejected: u64,
    dropped: u64,
    variants_added: u64,
    enzyme_errors: u64,
    rejected_by_errors: u64,
    invalid_input: u64,
    improvement_sum: f64,
    improvement_n: u64,
    hist_before: [u64; 10],
    hist_after: [u64; 10],
    final_scores: Vec<f32>,
    enzymes: BTreeMap<String, EnzymeCounters>,
    #[serde(default)]
    capped: BTreeMap<String, u64>,
    #[serde(default)]
    labelled: u64,
    reembedded: u64,
    variant_ids: BTreeSet<String>,
    duplicate_variants: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Checkpoint {
    input: String,
    input_fingerprint: Fingerprint,
    settings_hash: String,
    consumed_line: u64,
    plus: (u64, u64),
    rejects: (u64, u64),
    acc: Acc,
    elapsed_ms: f64,
}

fn settings_hash(m: &Manifest, enzymes: &[Arc<LoadedEnzyme>], scorer: Option<&str>) -> String {
    let mut h = Sha256::new();
    if let Some(sha) = scorer {
        h.update(format!("scorer {sha}|").as_bytes());
    }
    h.update(
        format!("{:?}|{:?}|{:?}|{:?}", m.pipeline.quality_gate, m.pipeline.on_enzyme_error, m.quality, m.tags)
            .as_bytes(),
    );
    for e in enzymes {
        h.update(
            format!(
                "{}|{}|{:?}|{:?}|",
                e.name,
                e.sha256,
                m.enzymes.iter().find(|x| x.name == e.name).map(|x| (&x.when, &x.config_json, x.on_error)),
                e.limits
            )
            .as_bytes(),
        );
    }
    hex::encode(&h.finalize()[..16])
}

/// The intent of an action (the semantic-enricher's table).
pub fn intent(did: &str) -> &'static str {
    match did {
        "ask_question" => "explain",
        "write_code" => "implement",
        "analyze_data" => "verify",
        "debug_code" => "debug",
        "optimize_code" => "optimize",
        "refactor_code" => "refactor",
        _ => "explain",
    }
}

/// Everything a round needs, shared by the workers.
struct Ctx<'a> {
    enzymes: Vec<Arc<LoadedEnzyme>>,
    manifest: &'a Manifest,
    lookups: Arc<SpanIndex>,
    tagger: Tagger,
    pool: Mutex<Vec<Vec<Stage>>>,
}

impl Ctx<'_> {
    fn stages(&self) -> Vec<Stage> {
        if let Some(s) = self.pool.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return s;
        }
        let lookups: Arc<dyn Lookups> = self.lookups.clone();
        chain::stages(&self.enzymes, self.manifest, &lookups)
    }

    fn give_back(&self, s: Vec<Stage>) {
        self.pool.lock().unwrap_or_else(|p| p.into_inner()).push(s);
    }
}

/// Run Phase 1.
pub fn orchestrate(opts: &OrchestrateOptions, host: &EnzymeHost, embedder: &Embedder) -> anyhow::Result<Phase1Report> {
    let start = Instant::now();
    let model_secs_before = embedder.stats().model.model_secs;
    let m = &opts.manifest;
    output::ensure_dir(&opts.out_dir)?;
    std::fs::create_dir_all(opts.out_dir.join(".logline"))?;
    let (plus_path, rejects_path, report_path, ckpt_path) = outputs(&opts.out_dir);
    let index_dir = opts.input.parent().map(Path::to_path_buf).unwrap_or_default();
    let index = Arc::new(
        SpanIndex::load(&index_dir, STEM)
            .with_context(|| format!("loading the index beside {}", opts.input.display()))?,
    );
    let enzymes = host.load_all(&m.enzymes)?;
    let settings = settings_hash(m, &enzymes, opts.scorer.as_ref().map(|s| s.sha256.as_str()));
    let fp = output::fingerprint(&opts.input)?;
    let (_, _, _, sidecar_path) = prepare::outputs(&index_dir);
    let side = if sidecar_path.exists() { Some(sidecar::SidecarReader::open(&sidecar_path)?) } else { None };
    let phase0_stats: Option<crate::report::Phase0Stats> =
        std::fs::read(prepare::outputs(&index_dir).2).ok().and_then(|b| serde_json::from_slice(&b).ok());
    let combined_mode = match phase0_stats.as_ref().map(|s| s.combined_mode.as_str()) {
        Some("encode") => CombinedMode::Encode,
        _ => CombinedMode::Mean,
    };
    let embeddings_mode = if side.is_some() { EmbeddingsMode::Sidecar } else { EmbeddingsMode::Inline };

    // Resume from a matching checkpoint, or start clean.
    let checkpoint: Option<Checkpoint> = if opts.resume {
        std::fs::read(&ckpt_path).ok().and_then(|b| serde_json::from_slice(&b).ok()).filter(|c: &Checkpoint| {
            let ok =
                c.input == opts.input.display().to_string() && c.input_fingerprint == fp && c.settings_hash == settings;
            if !ok {
                tracing::warn!("checkpoint {} is for other input or settings; starting over", ckpt_path.display());
            }
            // A run stopped while it committed its outputs (before this
            // version removed the checkpoint first) has no partial files
            // left to continue.
            let partials = [&plus_path, &rejects_path].iter().all(|p| output::partial_path(p).exists());
            if ok && !partials {
                tracing::warn!("checkpoint {} has no partial outputs to continue; starting over", ckpt_path.display());
            }
            ok && partials
        })
    } else {
        None
    };
    let (mut plus, mut rejects, mut acc, skip_to, elapsed_before) = match &checkpoint {
        Some(c) => (
            AsideWriter::resume(&plus_path, c.plus.0, c.plus.1)?,
            AsideWriter::resume(&rejects_path, c.rejects.0, c.rejects.1)?,
            c.acc.clone(),
            c.consumed_line,
            c.elapsed_ms,
        ),
        None => {
            output::clear(&[plus_path.clone(), rejects_path.clone(), report_path.clone(), ckpt_path.clone()])?;
            (AsideWriter::create(&plus_path)?, AsideWriter::create(&rejects_path)?, Acc::default(), 0, 0.0)
        }
    };
    if skip_to > 0 {
        tracing::info!("resuming after input line {skip_to}");
    }

    let ctx = Ctx {
        enzymes,
        manifest: m,
        lookups: index.clone(),
        tagger: Tagger::new(&m.tags),
        pool: Mutex::new(Vec::new()),
    };
    let mut scorer = Scorer::new(m.quality.clone());
    if let Some(trained) = &opts.scorer {
        trained.check_embedding_model(embedder.model_key(), embedder.dims())?;
        scorer = scorer.with_model(trained.clone());
    }
    let roles: BTreeMap<String, Role> = m.enzymes.iter().map(|e| (e.name.clone(), e.role)).collect();
    let workers = crate::threads_or_all(opts.workers);
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(workers).thread_name(|i| format!("logline-worker-{i}")).build()?;
    let batch_size = m.pipeline.batch_size;
    let round_size = batch_size * workers;
    let timestamp = if opts.reproducible {
        "1970-01-01T00:00:00Z".to_string()
    } else {
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };

    let total_lines = ingest::count_lines(&opts.input)?;
    let progress = Progress::new(opts.progress, "orchestrate", total_lines);
    let mut reader = ingest::open(&opts.input, PHASE1_MAX_LINE)?;
    let mut validator = Validator::new(Mode::Enriched, 0.0).max_line(PHASE1_MAX_LINE);
    let mut batches_since_ckpt = 0usize;
    let mut last_line = skip_to;
    loop {
        // Read one round.
        let mut spans: Vec<Span> = Vec::with_capacity(round_size);
        let mut lines_read = 0u64;
        while spans.len() < round_size {
            let Some(line) = reader.next() else { break };
            let line = line.with_context(|| format!("reading {}", opts.input.display()))?;
            lines_read += 1;
            let checked = validator.check(&line);
            if line.no <= skip_to {
                continue; // already done before the checkpoint
            }
            last_line = line.no;
            match checked {
                Ok(s) => spans.push(s),
                Err(r) => {
                    acc.invalid_input += 1;
                    let mut v: serde_json::Value = serde_json::from_str(&prepare::reject_line(&r, &line))?;
                    v["stage"] = "input".into();
                    debug_assert!(r.kind == RejectKind::Invalid);
                    rejects.write_line(&v.to_string())?;
                }
            }
        }
        if spans.is_empty() && lines_read == 0 {
            break;
        }
        let n_in = spans.len() as u64;
        fill_embeddings(&mut spans, side.as_ref(), embedder, combined_mode)?;

        // The chain, in parallel over batches; results keep input order.
        // A changed text is embedded again at once (through the cache), so
        // later enzymes' look-ups see the current text.
        let chain_embedded = std::sync::atomic::AtomicU64::new(0);
        let embed = |s: &mut Span| -> anyhow::Result<()> {
            chain_embedded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            prepare::embed_spans(embedder, std::slice::from_mut(s), combined_mode)
        };
        let derive = chain::Derive { tagger: &ctx.tagger, embed: Some(&embed) };
        let outputs: Vec<Result<ChainOutput, EnzymeFailure>> = pool.install(|| {
            spans
                .par_chunks_mut(batch_size)
                .flat_map_iter(|batch| {
                    let mut stages = ctx.stages();
                    let out: Vec<_> = batch
                        .iter_mut()
                        .map(|s| chain::run_with(&mut stages, std::mem::replace(s, placeholder()), derive))
                        .collect();
                    ctx.give_back(stages);
                    out
                })
                .collect()
        });
        let mut results = Vec::with_capacity(outputs.len());
        for o in outputs {
            match o {
                Ok(o) => results.push(o),
                Err(f) => bail!("aborting (on_enzyme_error = \"abort\"): {f}"),
            }
        }

        // Re-embed changed text (through the cache), then score every snapshot.
        acc.reembedded += chain_embedded.into_inner() + reembed(&mut results, embedder, combined_mode)?;
        let lines = pool.install(|| {
            results
                .par_iter()
                .map(|r| {
                    render(r, &roles, &scorer, m.pipeline.quality_gate, &timestamp, opts.reproducible, embeddings_mode)
                })
                .collect::<Vec<_>>()
        });
        for (r, mut rendered) in results.iter().zip(lines) {
            // A variant's id must be new: not an input id, not an earlier variant's.
            for it in rendered.items.iter_mut().filter(|it| it.variant) {
                if index.node(&it.id).is_some() || !acc.variant_ids.insert(it.id.clone()) {
                    it.duplicate = true;
                    let span: serde_json::Value = serde_json::from_str(&it.line)?;
                    let span = if it.passed { span } else { span["span"].clone() };
                    it.line = json!({"id": it.id, "reason": "duplicate_id", "detail": "an enzyme made a variant whose id is already used", "span": span}).to_string();
                    it.passed = false;
                }
            }
            account(&mut acc, r, &rendered);
            for it in &rendered.items {
                if it.passed {
                    plus.write_line(&it.line)?;
                } else {
                    rejects.write_line(&it.line)?;
                }
            }
            for line in &rendered.other_rejects {
                rejects.write_line(line)?;
            }
        }
        acc.total_processed += n_in;
        progress.inc(lines_read);
        batches_since_ckpt += n_in.div_ceil(batch_size as u64) as usize;
        if batches_since_ckpt >= m.pipeline.checkpoint_every {
            batches_since_ckpt = 0;
            let c = Checkpoint {
                input: opts.input.display().to_string(),
                input_fingerprint: fp.clone(),
                settings_hash: settings.clone(),
                consumed_line: last_line,
                plus: plus.sync()?,
                rejects: rejects.sync()?,
                acc: acc.clone(),
                elapsed_ms: elapsed_before + start.elapsed().as_secs_f64() * 1000.0,
            };
            output::write_file(&ckpt_path, serde_json::to_string(&c)?.as_bytes())?;
        }
    }
    progress.finish();

    let mut report = build_report(&acc, m.pipeline.quality_gate);
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
    let (p, _) = plus.commit()?;
    let (r, _) = rejects.commit()?;
    report.output_path = p.display().to_string();
    report.rejects_path = r.display().to_string();
    output::write_file(&report_path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    Ok(report)
}

fn placeholder() -> Span {
    crate::validate::parse_span(
        r#"{"id":"-","who":"-","did":"-","this":"-","when":"1970-01-01T00:00:00Z","status":"pending"}"#,
        Mode::Input,
    )
    .expect("a valid placeholder")
}

/// Give every span its three vectors: from the line, the sidecar, or the
/// model (for input that skipped Phase 0's embedding).
fn fill_embeddings(
    spans: &mut [Span],
    side: Option<&sidecar::SidecarReader>,
    embedder: &Embedder,
    mode: CombinedMode,
) -> anyhow::Result<()> {
    if let Some(side) = side {
        for s in spans.iter_mut() {
            if let Some(row) = s.enriched.embedding_row {
                let e = &mut s.enriched;
                e.query_embedding = side.get(row, 0).map(Into::into);
                e.response_embedding = side.get(row, 1).map(Into::into);
                e.combined_embedding = side.get(row, 2).map(Into::into);
            }
        }
    }
    let mut missing: Vec<Span> = Vec::new();
    let mut at = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        let e = &s.enriched;
        if e.query_embedding.is_none()
            || e.combined_embedding.is_none()
            || (s.if_ok.is_some() && e.response_embedding.is_none())
        {
            at.push(i);
            missing.push(s.clone());
        }
    }
    if !missing.is_empty() {
        prepare::embed_spans(embedder, &mut missing, mode)?;
        for (i, s) in at.into_iter().zip(missing) {
            spans[i].enriched.query_embedding = s.enriched.query_embedding;
            spans[i].enriched.response_embedding = s.enriched.response_embedding;
            spans[i].enriched.combined_embedding = s.enriched.combined_embedding;
        }
    }
    Ok(())
}

/// Embed the snapshots the chain left without vectors (its embedding
/// failed); returns how many that was.
fn reembed(results: &mut [ChainOutput], embedder: &Embedder, mode: CombinedMode) -> anyhow::Result<u64> {
    let mut todo: Vec<(usize, usize, usize, Span)> = Vec::new(); // (result, item-slot, snapshot, span)
    for (ri, r) in results.iter().enumerate() {
        let groups = r.items.iter().chain(r.dropped.iter().map(|d| &d.item)).chain(r.rejected.iter().map(|x| &x.item));
        for (ii, item) in groups.enumerate() {
            for (si, snap) in item.snapshots.iter().enumerate().skip(1) {
                if snap.enriched.combined_embedding.is_none() {
                    todo.push((ri, ii, si, (**snap).clone()));
                }
            }
        }
    }
    if todo.is_empty() {
        return Ok(0);
    }
    let mut spans: Vec<Span> = todo.iter().map(|t| t.3.clone()).collect();
    let embedded = spans.len() as u64;
    prepare::embed_spans(embedder, &mut spans, mode)?;
    for ((ri, ii, si, _), s) in todo.into_iter().zip(spans) {
        let r = &mut results[ri];
        let n_items = r.items.len();
        let n_dropped = r.dropped.len();
        let item: &mut Item = if ii < n_items {
            &mut r.items[ii]
        } else if ii < n_items + n_dropped {
            &mut r.dropped[ii - n_items].item
        } else {
            &mut r.rejected[ii - n_items - n_dropped].item
        };
        let mut snap = (*item.snapshots[si]).clone();
        snap.enriched.query_embedding = s.enriched.query_embedding;
        snap.enriched.response_embedding = s.enriched.response_embedding;
        snap.enriched.combined_embedding = s.enriched.combined_embedding;
        let is_last = si == item.snapshots.len() - 1;
        item.snapshots[si] = Arc::new(snap.clone());
        if is_last {
            item.span.enriched = snap.enriched;
        }
    }
    Ok(embedded)
}

/// One output span, rendered.
struct RenderedItem {
    id: String,
    before: f64,
    after: f64,
    passed: bool,
    changed: bool,
    variant: bool,
    /// For a variant: the enzyme that emitted it.
    variant_by: Option<String>,
    /// A variant whose id was already taken (it goes to the rejects).
    duplicate: bool,
    /// The garbage reasons that capped it.
    caps: Vec<&'static str>,
    labelled: bool,
    /// The span line when it passed, else its rejects line.
    line: String,
}

/// The rendered lines of one input span and the numbers behind them.
struct Rendered {
    items: Vec<RenderedItem>,
    /// Rejects lines for dropped spans and enzyme errors.
    other_rejects: Vec<String>,
    apps: Vec<AppStat>,
}

/// One enzyme call, for the counters.
struct AppStat {
    enzyme: String,
    version: String,
    /// Changed `this`, `if_ok` or `if_not`.
    changed_text: bool,
    /// Changed only annotations.
    annotated: bool,
    harmful: bool,
    delta: f64,
    error: Option<String>,
    micros: f64,
}

fn render(
    r: &ChainOutput,
    roles: &BTreeMap<String, Role>,
    scorer: &Scorer,
    gate: f64,
    timestamp: &str,
    reproducible: bool,
    embeddings: EmbeddingsMode,
) -> Rendered {
    let mut out = Rendered { items: Vec::new(), other_rejects: Vec::new(), apps: Vec::new() };
    let mut log_entry = |item: &Item| -> (serde_json::Value, f64, Verdict, bool) {
        // A snapshot made by a change the do-no-harm checks flag never gains.
        let mut harms: BTreeMap<usize, Vec<harm::Violation>> = BTreeMap::new();
        for a in item.applications.iter().filter(|a| a.changed()) {
            let role = roles.get(&a.enzyme).copied().unwrap_or_default();
            let v = harm::check(&item.snapshots[a.before], &item.snapshots[a.after], role);
            if !v.is_empty() {
                harms.insert(a.after, v);
            }
        }
        let steps: Vec<Step<'_>> =
            item.snapshots.iter().enumerate().map(|(i, s)| Step { span: s, harmful: harms.contains_key(&i) }).collect();
        let signals: Vec<Signals> = item.snapshots.iter().map(|s| Signals::of(s)).collect();
        let verdicts = scorer.judge_steps(&steps, &signals);
        let apps: Vec<serde_json::Value> = item
            .applications
            .iter()
            .map(|a| {
                let mut v = serde_json::to_value(a).expect("applications serialise");
                if reproducible {
                    v["duration_ms"] = 0.into();
                }
                v["quality_before"] = json!(verdicts[a.before].score);
                v["quality_after"] = json!(verdicts[a.after].score);
                let harmful = a.changed() && harms.contains_key(&a.after);
                if harmful {
                    v["harm"] = json!(harms[&a.after]);
                }
                let changed_text = a.changed() && text_changed(&item.snapshots[a.before], &item.snapshots[a.after]);
                out.apps.push(AppStat {
                    enzyme: a.enzyme.clone(),
                    version: a.version.clone(),
                    changed_text,
                    annotated: a.changed() && !changed_text,
                    harmful,
                    delta: verdicts[a.after].score - verdicts[a.before].score,
                    error: a.error_kind.map(|k| k.as_str().to_string()),
                    micros: if reproducible { 0.0 } else { a.duration_ms * 1000.0 },
                });
                v
            })
            .collect();
        let verdict = verdicts.last().expect("at least one snapshot").clone();
        let mut entry = json!({
            "timestamp": timestamp,
            "enzyme_applications": apps,
            "quality_score": verdict.score,
            "intent": intent(&item.span.did),
            "quality_dimensions": verdict,
        });
        if let Some(parent) = &item.variant_of {
            entry["variant_of"] = parent.clone().into();
        }
        // Changed: an enzyme changed the text, or the span is a variant.
        let changed = item.variant_of.is_some()
            || item
                .applications
                .iter()
                .any(|a| a.changed() && text_changed(&item.snapshots[a.before], &item.snapshots[a.after]));
        (entry, verdicts[0].score, verdict, changed)
    };
    let with_log = |span: &Span, entry: serde_json::Value| -> serde_json::Value {
        let mut log = vec![entry];
        if let Some(old) = &span.transformation_log
            && let Ok(serde_json::Value::Array(prev)) = serde_json::from_str(old.get())
        {
            log.extend(prev);
        }
        serde_json::Value::Array(log)
    };
    for item in &r.items {
        let (entry, before, verdict, changed) = log_entry(item);
        let after = verdict.score;
        let passed = after >= gate;
        let log = with_log(&item.span, entry);
        let mut span = item.span.clone();
        if embeddings == EmbeddingsMode::Sidecar {
            // Phase 1 output keeps vectors only for changed spans (inline);
            // unchanged ones keep their row in Phase 0's sidecar.
            if changed {
                span.enriched.embedding_row = None;
            }
        }
        let inline = embeddings == EmbeddingsMode::Inline || span.enriched.embedding_row.is_none();
        let line = if passed {
            span.to_json_line(inline, &[("transformation_log", &log)])
        } else {
            let (reason, detail) = match verdict.cap_reason() {
                Some(g) => (
                    "garbage",
                    format!(
                        "{}: {}",
                        g.as_str(),
                        verdict.caps.iter().find(|c| c.reason == g).map(|c| c.detail.as_str()).unwrap_or("")
                    ),
                ),
                None => ("below_gate", format!("score {after} < gate {gate}")),
            };
            json!({
                "id": span.id, "reason": reason, "detail": detail, "score": after, "gate": gate,
                "caps": verdict.caps.iter().map(|c| c.reason.as_str()).collect::<Vec<_>>(),
                "span": serde_json::from_str::<serde_json::Value>(&span.to_json_line(false, &[("transformation_log", &log)])).expect("valid JSON"),
            })
            .to_string()
        };
        out.items.push(RenderedItem {
            id: span.id.clone(),
            before,
            after,
            passed,
            changed,
            variant: item.variant_of.is_some(),
            variant_by: item.variant_by.clone(),
            duplicate: false,
            caps: verdict.caps.iter().map(|c| c.reason.as_str()).collect(),
            labelled: verdict.label.is_some(),
            line,
        });
    }
    for d in &r.dropped {
        let (entry, _, verdict, _) = log_entry(&d.item);
        let after = verdict.score;
        let log = with_log(&d.item.span, entry);
        let v = json!({
            "id": d.item.span.id, "reason": "dropped", "enzyme": d.enzyme, "detail": d.reason, "score": after,
            "span": serde_json::from_str::<serde_json::Value>(&d.item.span.to_json_line(false, &[("transformation_log", &log)])).expect("valid JSON"),
        });
        out.other_rejects.push(v.to_string());
    }
    for x in &r.rejected {
        let (entry, _, verdict, _) = log_entry(&x.item);
        let after = verdict.score;
        let log = with_log(&x.item.span, entry);
        let v = json!({
            "id": x.item.span.id, "reason": "enzyme_error", "enzyme": x.failure.enzyme, "error_kind": x.failure.kind,
            "detail": x.failure.to_string(), "score": after,
            "span": serde_json::from_str::<serde_json::Value>(&x.item.span.to_json_line(false, &[("transformation_log", &log)])).expect("valid JSON"),
        });
        out.other_rejects.push(v.to_string());
    }
    out
}

fn account(acc: &mut Acc, r: &ChainOutput, rendered: &Rendered) {
    for it in &rendered.items {
        if it.variant {
            acc.variants_added += 1;
            if let Some(e) = &it.variant_by {
                acc.enzymes.entry(e.clone()).or_default().variants += 1;
            }
        } else {
            acc.hist_before[bucket(it.before)] += 1;
            acc.improvement_sum += it.after - it.before;
            acc.improvement_n += 1;
        }
        if it.duplicate {
            acc.duplicate_variants += 1;
            continue;
        }
        acc.hist_after[bucket(it.after)] += 1;
        acc.final_scores.push(it.after as f32);
        acc.labelled += it.labelled as u64;
        for c in &it.caps {
            *acc.capped.entry(c.to_string()).or_default() += 1;
        }
        match (it.passed, it.changed) {
            (true, true) => acc.diamonds_plus += 1,
            (true, false) => acc.diamonds_original += 1,
            (false, _) => acc.rejected += 1,
        }
    }
    acc.dropped += r.dropped.len() as u64;
    acc.rejected_by_errors += r.rejected.len() as u64;
    acc.enzyme_errors += r.failures.len() as u64;
    for a in &rendered.apps {
        let c = acc.enzymes.entry(a.enzyme.clone()).or_default();
        c.version = a.version.clone();
        c.calls += 1;
        c.micros_sum += a.micros;
        if a.changed_text {
            c.changed += 1;
            c.impact_sum += a.delta;
        }
        c.annotated += a.annotated as u64;
        c.harmful += a.harmful as u64;
        if let Some(k) = &a.error {
            c.errors += 1;
            *c.errors_by_kind.entry(k.clone()).or_default() += 1;
        }
    }
    for d in &r.dropped {
        acc.enzymes.entry(d.enzyme.clone()).or_default().dropped += 1;
    }
}

fn build_report(acc: &Acc, gate: f64) -> Phase1Report {
    let mut top: Vec<TopEnzyme> = acc
        .enzymes
        .iter()
        .filter(|(_, c)| c.changed > 0)
        .map(|(name, c)| TopEnzyme {
            enzyme: name.clone(),
            avg_impact: round2(c.impact_sum / c.changed as f64),
            count: c.changed,
        })
        .collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then(b.avg_impact.total_cmp(&a.avg_impact)).then(a.enzyme.cmp(&b.enzyme)));
    let mut scores = acc.final_scores.clone();
    scores.sort_by(f32::total_cmp);
    let pct = |p: f64| -> f64 {
        if scores.is_empty() {
            return 0.0;
        }
        let i = ((scores.len() - 1) as f64 * p).round() as usize;
        round2(scores[i] as f64)
    };
    let mut percentiles = BTreeMap::new();
    if !scores.is_empty() {
        for (k, p) in [("p10", 0.1), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9), ("max", 1.0)] {
            percentiles.insert(k.to_string(), pct(p));
        }
    }
    let outputs = acc.diamonds_plus + acc.diamonds_original + acc.rejected;
    Phase1Report {
        total_processed: acc.total_processed,
        diamonds_plus: acc.diamonds_plus,
        diamonds_original: acc.diamonds_original,
        rejected: acc.rejected,
        dropped_by_enzymes: acc.dropped,
        variants_added: acc.variants_added,
        enzyme_errors: acc.enzyme_errors,
        rejected_by_errors: acc.rejected_by_errors,
        duplicate_variant_ids: acc.duplicate_variants,
        invalid_input: acc.invalid_input,
        avg_quality_improvement: if acc.improvement_n > 0 {
            round2(acc.improvement_sum / acc.improvement_n as f64)
        } else {
            0.0
        },
        top_enzymes: top,
        quality_histogram_before: acc.hist_before,
        quality_histogram_after: acc.hist_after,
        quality_gate: gate,
        pass_rate: if outputs > 0 { (acc.diamonds_plus + acc.diamonds_original) as f64 / outputs as f64 } else { 0.0 },
        score_percentiles: percentiles,
        enzymes: acc.enzymes.clone(),
        capped: acc.capped.clone(),
        labelled: acc.labelled,
        reembedded_texts: acc.reembedded,
        model_secs: 0.0,
        duration_ms: 0.0,
        peak_rss_mb: None,
        output_path: String::new(),
        rejects_path: String::new(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
