//! Commands: take their settings from [`crate::settings`], call the
//! library, print results. The binary's `main` only calls
//! [`run`].

use crate::cli::{
    CacheArgs, Cli, Command, EnzymesCommand, IndexCommand, ModelArgs, Phase0Args, Phase1Args, ReportCommand,
    ScorerCommand,
};
use crate::enzyme::{EnzymeHost, Lookups, NoLookups};
use crate::index::SpanIndex;
use crate::manifest::Manifest;
use crate::pipeline::orchestrate;
use crate::pipeline::prepare;
use crate::pipeline::shard::{Shard, Step, Work};
use crate::pipeline::{self, Phase0Summary, Phase1Summary, Summary, SummaryConfig, SummaryResults};
use crate::progress;
use crate::report::{Phase0Stats, Phase1Report};
use crate::settings::{
    FileConfig, embedder, enzyme_host, load_config, load_manifest, orchestrate_options, prepare_options,
};
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Console output settings.
#[derive(Clone, Copy)]
struct Ui {
    quiet: bool,
    json: bool,
    progress: progress::Mode,
}

impl Ui {
    fn table(&self, text: &str) {
        if !self.quiet {
            eprint!("{text}");
        }
    }
    fn json(&self, v: &impl serde::Serialize) -> anyhow::Result<()> {
        if self.json {
            println!("{}", serde_json::to_string(v)?);
        }
        Ok(())
    }
    /// The closing list: each file with the line count its writer kept
    /// (never re-read: outputs with inline vectors run to gigabytes).
    fn files(&self, files: &[(PathBuf, Option<u64>)]) {
        if self.quiet {
            return;
        }
        eprintln!("Files written:");
        for (f, lines) in files {
            if f.is_file() {
                let lines = lines.map_or_else(|| "-".into(), |n| format!("{n} lines"));
                let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
                eprintln!("  {:<60} {:>12}  {:>10} bytes", f.display(), lines, size);
            }
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let ui = Ui { quiet: cli.quiet, json: cli.json, progress: progress::Mode::detect(cli.quiet) };
    match cli.command {
        Command::Prepare(a) if a.shard.is_some() => {
            let cfg = load_config(cli.config.as_deref(), Some(&a.input))?;
            cmd_prepare_part(&a, &cfg, ui)?;
        }
        Command::Prepare(a) => {
            let cfg = load_config(cli.config.as_deref(), Some(&a.input))?;
            let stats = cmd_prepare(&a.input, &a.output, &a.p0, &cfg, ui)?;
            ui.table(&stats.table());
            ui.json(&stats)?;
            ui.files(&phase0_files(&a.output, Some(&stats)));
        }
        Command::Orchestrate(a) => match (&a.work, a.shard, &a.input, &a.output) {
            (Some(work), Some(shard), _, _) => {
                let cfg = load_config(cli.config.as_deref(), None)?;
                cmd_orchestrate_part(work, shard, &a, &cfg, ui)?;
            }
            (None, _, Some(input), Some(output)) => {
                let cfg = load_config(cli.config.as_deref(), Some(input))?;
                let report = cmd_orchestrate(input, output, &a.p1, &a.model, &a.cache, &cfg, ui)?;
                ui.table(&report.table());
                ui.json(&report)?;
                ui.files(&phase1_files(output, Some(&report)));
            }
            _ => bail!("give -i ENRICHED -o OUT, or WORK --shard K/N"),
        },
        Command::Index(IndexCommand::Build { work, reproducible }) => {
            match pipeline::gather::build(&work, reproducible)? {
                pipeline::gather::Built::Ran(stats) => {
                    ui.table(&stats.table());
                    ui.json(&stats)?;
                    ui.files(&phase0_files(&Work::new(&work).index_dir(), Some(&stats)));
                }
                pipeline::gather::Built::AlreadyDone(stats) => {
                    ui.table(&format!(
                        "index build: already done ({} exists); nothing to do\n",
                        Work::new(&work).marker(Step::Index, 0).display()
                    ));
                    ui.json(&stats)?;
                }
            }
        }
        Command::Run(a) => {
            let cfg = load_config(cli.config.as_deref(), Some(&a.input))?;
            cmd_run(&a, &cfg, ui)?;
        }
        Command::Search(a) => {
            let cfg = load_config(cli.config.as_deref(), None)?;
            cmd_search(&a, &cfg, ui)?;
        }
        Command::Enzymes(EnzymesCommand::Check {
            manifest,
            enzymes,
            harm,
            conformance,
            violations,
            workers,
            cache,
        }) => {
            let cfg = load_config(cli.config.as_deref(), None)?;
            let m = load_manifest(Some(&manifest), &enzymes)?;
            let host = enzyme_host(&cache, &cfg)?;
            cmd_check(&manifest, &m, &host, ui)?;
            // Both checks run before either fails the command.
            let harm = (!harm.is_empty()).then(|| cmd_harm(&m, &host, &harm, violations.as_deref(), workers, ui));
            let conformance = (!conformance.is_empty()).then(|| cmd_conformance(&m, &host, &conformance, ui));
            harm.transpose()?;
            conformance.transpose()?;
        }
        Command::Enzymes(EnzymesCommand::Run { manifest, input, output, enzymes, index, workers, cache }) => {
            let cfg = load_config(cli.config.as_deref(), Some(&input))?;
            let m = load_manifest(Some(&manifest), &enzymes)?;
            let host = enzyme_host(&cache, &cfg)?;
            let lookups: Arc<dyn Lookups> = match index {
                Some(dir) => Arc::new(SpanIndex::load(&dir, prepare::STEM)?),
                None => Arc::new(NoLookups),
            };
            let stats = pipeline::chain_only::run_chain(&host, &m, &input, &output, lookups, workers)?;
            ui.table(&format!(
                "enzymes run: {} spans ({} invalid lines), {} written, {} changed, {} variants added, {} dropped, {} enzyme errors ({} rejected)\n",
                stats.spans, stats.invalid, stats.written, stats.changed, stats.variants_added, stats.dropped, stats.enzyme_errors, stats.rejected_by_errors
            ));
            ui.json(&stats)?;
            ui.files(&[
                (PathBuf::from(&stats.output_path), Some(stats.written)),
                (PathBuf::from(&stats.rejects_path), Some(stats.rejects.total())),
            ]);
        }
        Command::Scorer(c) => {
            let cfg = load_config(cli.config.as_deref(), None)?;
            cmd_scorer(c, &cfg, ui)?;
        }
        Command::Train(a) => {
            let cfg = load_config(cli.config.as_deref(), a.input.as_deref())?;
            cmd_train(&a, &cfg, ui)?;
        }
        Command::Predict(a) => {
            let cfg = load_config(cli.config.as_deref(), None)?;
            cmd_predict(&a, &cfg, ui)?;
        }
        Command::Eval(a) if crate::matcher::student::is_student(&a.folder) => {
            use crate::matcher::student;
            let l = student::Loaded::load(&a.folder)?;
            let (ens, _) = crate::matcher::ensemble::open(&l.student.ensemble, Some(&l.student.model))?;
            let report = student::evaluate(&l, &ens)?;
            let path = a.folder.join(student::EVAL_FILE);
            crate::matcher::store::write_json(&path, &report)?;
            ui.table(&report.table(&ens, &l.student));
            ui.json(&report)?;
            ui.files(&[(path, None)]);
        }
        Command::Eval(a) if a.folder.join(crate::matcher::ensemble::FILE).is_file() => {
            use crate::matcher::ensemble;
            let (ens, model_dir) = ensemble::open(&a.folder, None)?;
            let eval = ensemble::evaluate(&crate::matcher::Model::load(&model_dir)?, &ens)?;
            let path = a.folder.join(ensemble::EVAL_FILE);
            crate::matcher::store::write_json(&path, &eval)?;
            ui.table(&eval.table(&ens));
            ui.json(&eval)?;
            ui.files(&[(path, None)]);
        }
        Command::Eval(a) => {
            let model = crate::matcher::Model::load(&a.folder)?;
            let report = crate::matcher::eval::evaluate(&model)?;
            let path = a.folder.join(crate::matcher::train::files::EVAL);
            crate::matcher::store::write_json(&path, &report)?;
            ui.table(&report.table());
            ui.json(&report)?;
            ui.files(&[(path, None)]);
        }
        Command::Export(a) => {
            let base =
                if a.out.is_file() { a.out.parent().unwrap_or(Path::new(".")).to_path_buf() } else { a.out.clone() };
            let dir = a.dir.clone().unwrap_or_else(|| base.join("export"));
            let files = match a.format {
                crate::cli::ExportFormat::Chat => {
                    let opts = crate::export::ChatOptions {
                        failed: a.failed,
                        threads: a.threads,
                        include_rejects: a.include_rejects,
                        skip_duplicates: a.skip_duplicates,
                    };
                    let stats = crate::export::export_chat(&a.out, &dir, &opts)?;
                    ui.table(&stats.table());
                    ui.json(&stats)?;
                    stats.files
                }
                crate::cli::ExportFormat::Parquet => {
                    if a.failed || a.threads || a.skip_duplicates {
                        bail!(
                            "--failed, --threads and --skip-duplicates are for --format chat (Parquet keeps every span, one per row, with its duplicate_of)"
                        );
                    }
                    let stats = crate::export::export_parquet(&a.out, &dir, a.include_rejects)?;
                    ui.table(&stats.table());
                    ui.json(&stats)?;
                    stats.files
                }
            };
            ui.files(&files.iter().map(|(p, n)| (p.clone(), Some(*n))).collect::<Vec<_>>());
        }
        Command::Ensemble(a) => {
            let (ens, eval) = crate::matcher::ensemble::run(&a.folder, &a.output, a.by, a.min_domain)?;
            ui.table(&eval.table(&ens));
            ui.json(&eval)?;
            use crate::matcher::ensemble::{EVAL_FILE, FILE};
            ui.files(&[(a.output.join(FILE), None), (a.output.join(EVAL_FILE), None)]);
        }
        Command::Distill(a) => {
            let p = crate::matcher::student::DistillParams {
                hidden: a.hidden,
                epochs: a.epochs,
                lambda: a.lambda,
                seed: a.seed,
                ..Default::default()
            };
            if !(0.0..=1.0).contains(&p.lambda) {
                bail!("--lambda {} is not between 0 and 1", p.lambda);
            }
            let (ens, student, eval) = crate::matcher::student::run(&a.folder, &a.output, a.model.as_deref(), &p)?;
            ui.table(&eval.table(&ens, &student));
            ui.json(&eval)?;
            ui.files(&[
                (a.output.join(crate::matcher::student::FILE), None),
                (a.output.join(crate::matcher::student::EVAL_FILE), None),
            ]);
        }
        Command::Selfplay(a) => {
            let cfg = load_config(cli.config.as_deref(), None)?;
            let report = cmd_selfplay(&a, &cfg)?;
            ui.table(&report.table());
            ui.json(&report)?;
            ui.files(&report.files.iter().map(|f| (PathBuf::from(f), None)).collect::<Vec<_>>());
        }
        Command::Serve(a) => {
            let cfg = load_config(cli.config.as_deref(), None)?;
            cmd_serve(a, cfg)?;
        }
        Command::Report(a) => match (a.command, a.out) {
            (Some(ReportCommand::Merge { work, output }), _) => cmd_merge(&work, &output, ui)?,
            (None, Some(out)) => {
                let path = crate::report::html::write(&out)?;
                ui.files(&[(path, None)]);
            }
            (None, None) => bail!("give a folder `logline run` wrote, or `report merge WORK -o OUT`"),
        },
        Command::New(a) => {
            let dir = crate::templates::write(&a.name, a.lang, a.dir.as_deref().unwrap_or(Path::new(".")))?;
            ui.table(&format!("created {}\n{}", dir.display(), crate::templates::next_steps(&a.name, a.lang, &dir)));
        }
    }
    Ok(())
}

fn cmd_scorer(c: ScorerCommand, cfg: &FileConfig, ui: Ui) -> anyhow::Result<()> {
    use crate::score::{labelled, model};
    match c {
        ScorerCommand::Train {
            input,
            label,
            output,
            label_range,
            filters,
            valid_fraction,
            seed,
            l1_ratio,
            within_group,
            model: margs,
            cache,
        } => {
            if !(0.0..=1.0).contains(&l1_ratio) {
                bail!("--l1-ratio must be within 0..=1, got {l1_ratio}");
            }
            if !(0.05..=0.5).contains(&valid_fraction) {
                bail!("--valid-fraction must be within 0.05..=0.5, got {valid_fraction}");
            }
            let mut data = labelled::read(&input, &label, &filters)?;
            let emb = embedder(&margs, &cache, cfg)?;
            let embedded = labelled::ensure_embeddings(&mut data.spans, &emb)?;
            tracing::info!("{} labelled spans ({embedded} embedded now)", data.spans.len());
            let opts = model::TrainOptions {
                label,
                label_range,
                valid_fraction,
                seed,
                l1_ratio,
                within_group,
                ..Default::default()
            };
            let scorer = labelled::train(&data, &opts, emb.model_key(), emb.dims())?;
            let path = scorer.save(&output)?;
            let t = &scorer.training;
            ui.table(&format!(
                "scorer trained on {} spans ({} to fit, {} to choose the penalty {}; {} left out without a label{})\n\
                 validation Spearman{}: scorer {:.3}, answer length {:.3}, query-answer cosine {:.3}; {} of {} weights non-zero\n",
                t.spans,
                t.train_spans,
                t.valid_spans,
                scorer.penalty,
                t.skipped_without_label,
                if t.within_group { format!(", {} as the only answer of their thread", t.alone_in_group) } else { String::new() },
                if t.within_group { " (labels relative to their thread's mean)" } else { "" },
                t.valid_spearman,
                t.valid_spearman_length,
                t.valid_spearman_cosine,
                t.nonzero_weights,
                scorer.weights.len()
            ));
            ui.json(&scorer.training)?;
            ui.files(&[(path, None)]);
        }
        ScorerCommand::Eval { scorer, input, label, filters, per, predictions, positive_from, model: margs, cache } => {
            let loaded = model::TrainedScorer::load(&scorer)?;
            let label = label.unwrap_or_else(|| loaded.model.label.clone());
            let mut data = labelled::read(&input, &label, &filters)?;
            let emb = embedder(&margs, &cache, cfg)?;
            loaded.check_embedding_model(emb.model_key(), emb.dims())?;
            labelled::ensure_embeddings(&mut data.spans, &emb)?;
            let (ev, rows) = labelled::evaluate(&loaded, &data, positive_from, per.as_deref())?;
            if let Some(path) = &predictions {
                crate::output::write_file_with(path, |w| {
                    for r in &rows {
                        serde_json::to_writer(&mut *w, r)?;
                        std::io::Write::write_all(w, b"\n")?;
                    }
                    Ok(())
                })
                .with_context(|| format!("writing predictions to {}", path.display()))?;
            }
            ui.table(&(ev.table() + "\n"));
            ui.json(&ev)?;
        }
    }
    Ok(())
}

fn cmd_train(a: &crate::cli::TrainArgs, cfg: &FileConfig, ui: Ui) -> anyhow::Result<()> {
    use crate::matcher::{self, MatchParams, TrainOptions};
    let emb = embedder(&a.model_args, &a.cache, cfg)?;
    let summary = match (&a.add, &a.folder, &a.input, &a.output) {
        (Some(more), Some(dir), _, _) => matcher::add(dir, more, &emb, a.workers)?,
        (None, _, Some(input), Some(out)) => {
            if !input.is_file() {
                bail!("input {} does not exist or is not a file", input.display());
            }
            let d = TrainOptions::default();
            let p = MatchParams::default();
            let params = MatchParams {
                k: a.k.unwrap_or(p.k),
                tau: a.tau.unwrap_or(p.tau),
                alpha: a.alpha.unwrap_or(p.alpha),
                index_on: a.index_on.unwrap_or(p.index_on),
                ..p
            };
            let opts = TrainOptions {
                shares: a.split.unwrap_or(d.shares),
                seed: a.seed.unwrap_or(d.seed),
                params,
                ivf: matcher::ivf::IvfParams {
                    nlist: a.nlist.unwrap_or(d.ivf.nlist),
                    seed: a.seed.unwrap_or(d.seed),
                    ..d.ivf
                },
                threads: a.workers,
            };
            matcher::train(input, out, &opts, &emb)?
        }
        _ => bail!("give -i INPUT -o MODEL_DIR to train, or --add FILE MODEL_DIR to grow a model"),
    };
    ui.table(&summary.table());
    ui.json(&summary)?;
    ui.files(&[(summary.dir.join(crate::matcher::train::files::MANIFEST), None)]);
    Ok(())
}

fn cmd_selfplay(a: &crate::cli::SelfplayArgs, cfg: &FileConfig) -> anyhow::Result<crate::selfplay::SelfplayReport> {
    use crate::selfplay::{Novelty, SelfplayOptions, defaults};
    let novelty = match a.novelty.as_str() {
        "auto" => Novelty::Auto,
        x => Novelty::Fixed(
            x.parse().map_err(|_| anyhow::anyhow!("--novelty must be `auto` or a cosine similarity, got {x:?}"))?,
        ),
    };
    let d = SelfplayOptions::new(a.folder.clone(), a.output.clone());
    let opts = SelfplayOptions {
        rounds: a.rounds.unwrap_or(d.rounds),
        target: a.target.unwrap_or(d.target),
        prompts_per_round: a.prompts_per_round.unwrap_or(d.prompts_per_round),
        variation_share: a.variation_share.unwrap_or(d.variation_share),
        seed: a.seed.unwrap_or(d.seed),
        min_confidence: a.min_confidence.unwrap_or(d.min_confidence),
        quality_gate: a.quality_gate,
        novelty,
        max_depth: a.max_depth.unwrap_or(d.max_depth),
        max_synthetic_share: a.max_synthetic_share.unwrap_or(d.max_synthetic_share),
        upstream: a.upstream.clone(),
        upstream_key_env: a.upstream_key_env.clone(),
        combined: cfg.combined.unwrap_or(d.combined),
        threads: a.workers,
        ..d
    };
    let manifest = match &a.manifest {
        Some(p) => load_manifest(Some(p), &[])?,
        None => crate::manifest::parse(defaults::MANIFEST, crate::manifest::Origin::Bundled)
            .map_err(|e| anyhow::anyhow!("the default self-play manifest: {e}"))?,
    };
    let host = enzyme_host(&a.cache, cfg)?;
    let emb = embedder(&a.model_args, &a.cache, cfg)?;
    crate::selfplay::run(&opts, &manifest, &host, &emb)
}

fn cmd_serve(a: crate::cli::ServeArgs, cfg: FileConfig) -> anyhow::Result<()> {
    use crate::serve::{Loaded, ServeOptions, defaults};
    let fallback_below = match a.fallback_below {
        Some(f) => f,
        None => {
            let (f, why) = crate::serve::fallback_below_of(&a.folder)?;
            eprintln!("logline serve: fallback below {f}: {why}");
            f
        }
    };
    if !(0.0..=1.0).contains(&fallback_below) {
        bail!("--fallback-below must be within 0..=1, got {fallback_below}");
    }
    let opts = ServeOptions {
        model_dir: a.folder.clone(),
        addr: a.addr,
        keys: a.keys.clone(),
        fallback_below,
        max_body_bytes: a.max_body_bytes.unwrap_or(defaults::MAX_BODY_BYTES),
        timeout: std::time::Duration::from_millis(a.timeout_ms.unwrap_or(defaults::TIMEOUT_MS)),
        concurrency: a.concurrency.unwrap_or(defaults::CONCURRENCY),
        metrics_auth: a.metrics_auth,
        upstream: a.upstream.clone(),
        upstream_key_env: a.upstream_key_env.clone(),
    };
    // Fail before binding when the folder is no model at all.
    if !a.folder.join(crate::matcher::train::files::MANIFEST).is_file()
        && !crate::matcher::student::is_student(&a.folder)
    {
        bail!("{} is not a model folder (run `logline train`) nor a student (`logline distill`)", a.folder.display());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // The manifest is read and checked before binding: a bad one fails at once.
    let manifest = match a.no_feedback {
        true => None,
        false => {
            let m = load_manifest(a.manifest.as_deref().or(cfg.manifest.as_deref()), &[])?;
            crate::serve::feedback::check_chain(&m)?;
            Some(m)
        }
    };
    runtime.block_on(crate::serve::serve(opts, move || {
        let predictor = crate::matcher::Predictor::load(&a.folder)?;
        let model = predictor.model();
        let emb = embedder(&a.model_args, &a.cache, &cfg)?;
        let learner = match manifest {
            Some(m) => {
                let log = a.feedback_log.clone().unwrap_or_else(|| a.folder.join(crate::serve::wal::FILE));
                // Learned spans are embedded as the model's own were.
                let combined = model.manifest.combined.or(cfg.combined).unwrap_or(crate::settings::defaults::COMBINED);
                Some(crate::serve::feedback::Learner::new(enzyme_host(&a.cache, &cfg)?, m, &log, combined)?)
            }
            None => None,
        };
        Loaded::new(predictor, emb, learner)
    }))
}

fn cmd_predict(a: &crate::cli::PredictArgs, cfg: &FileConfig, ui: Ui) -> anyhow::Result<()> {
    use crate::matcher::{Predictor, predict::Query};
    let predictor = Predictor::load(&a.folder)?;
    let emb = embedder(&a.model_args, &a.cache, cfg)?;
    predictor.model().check_embedding_model(emb.model_key())?;
    let v = emb.embed(&[a.query.as_str()])?.pop().context("no embedding")?;
    let q = Query {
        did: a.did.as_deref(),
        domain: a.domain.as_deref(),
        k: a.k,
        mondrian: a.mondrian,
        exclude_thread: None,
    };
    let Some(p) = predictor.predict_in(&crate::matcher::predict::Side::EMPTY, &v, &q) else {
        bail!("no trajectory in {} matches (filters: did {:?}, domain {:?})", a.folder.display(), a.did, a.domain);
    };
    if !ui.json {
        ui.table(&p.table());
        if ui.quiet {
            println!("{}", p.outcome);
        }
    }
    ui.json(&p)?;
    Ok(())
}

fn cmd_prepare(
    input: &Path,
    out: &Path,
    a: &Phase0Args,
    cfg: &FileConfig,
    ui: Ui,
) -> anyhow::Result<crate::report::Phase0Stats> {
    if !input.is_file() {
        bail!("input {} does not exist or is not a file", input.display());
    }
    let opts = prepare_options(input, out, a, cfg, ui.progress, false)?;
    let emb = embedder(&a.model, &a.cache, cfg)?;
    prepare::prepare(&opts, &emb)
}

fn cmd_orchestrate(
    input: &Path,
    out: &Path,
    a: &Phase1Args,
    model: &ModelArgs,
    cache: &CacheArgs,
    cfg: &FileConfig,
    ui: Ui,
) -> anyhow::Result<crate::report::Phase1Report> {
    if !input.is_file() {
        bail!("input {} does not exist (run `logline prepare` first)", input.display());
    }
    let opts = orchestrate_options(input, out, a, cfg, ui.progress)?;
    let host = enzyme_host(cache, cfg)?;
    let emb = embedder(model, cache, cfg)?;
    orchestrate::orchestrate(&opts, &host, &emb)
}

fn phase0_files(dir: &Path, stats: Option<&Phase0Stats>) -> Vec<(PathBuf, Option<u64>)> {
    let (o, r, s, side) = prepare::outputs(dir);
    let (m, f) = crate::index::file_names(prepare::STEM);
    let mut files = vec![(o, stats.map(|s| s.spans_out())), (r, stats.map(|s| s.rejected.total()))];
    files.extend([s, side, dir.join(m), dir.join(f.graph), dir.join(f.meta), dir.join(f.store)].map(|p| (p, None)));
    files.push((
        crate::dedupe::groups_path(dir, prepare::STEM),
        stats.and_then(|s| s.duplicates.as_ref().map(|d| d.groups)),
    ));
    files
}

fn phase1_files(dir: &Path, report: Option<&Phase1Report>) -> Vec<(PathBuf, Option<u64>)> {
    let (o, r, rep, _) = orchestrate::outputs(dir);
    vec![
        (o, report.map(|r| r.diamonds_plus + r.diamonds_original)),
        (r, report.map(|r| r.rejects.total())),
        (rep, None),
    ]
}

fn cmd_run(a: &crate::cli::RunArgs, cfg: &FileConfig, ui: Ui) -> anyhow::Result<()> {
    let start = Instant::now();
    if !a.input.is_file() {
        bail!("input {} does not exist or is not a file", a.input.display());
    }
    crate::output::ensure_dir(&a.output)?;
    let _ = std::fs::remove_file(a.output.join("pipeline-summary.json"));
    let cache =
        if a.p0.cache.no_cache || a.p0.cache.cache_dir.is_some() { a.p0.cache.clone() } else { CacheArgs::default() };
    let emb = embedder(&a.p0.model, &cache, cfg)?;
    // Phase 1's settings (manifest, trained scorer) are checked before Phase 0 runs.
    let enriched = prepare::outputs(&a.output).0;
    let p1_opts =
        if a.skip_phase1 { None } else { Some(orchestrate_options(&enriched, &a.output, &a.p1, cfg, ui.progress)?) };
    if let Some(s) = p1_opts.as_ref().and_then(|o| o.scorer.as_ref()) {
        s.check_embedding_model(emb.model_key(), emb.dims())?;
    }
    let mut phases = Vec::new();
    let p0_opts = prepare_options(&a.input, &a.output, &a.p0, cfg, ui.progress, a.p1.reproducible)?;
    let phase0 = if a.skip_phase0 {
        None
    } else if a.p1.resume
        && let Some(done) = pipeline::phase0_done(&a.output, &a.input, &p0_opts.settings(emb.model_key()))
    {
        tracing::info!("resume: Phase 0 already complete for this input and these settings");
        phases.push("phase0");
        Some(done)
    } else {
        phases.push("phase0");
        let stats = prepare::prepare(&p0_opts, &emb)?;
        ui.table(&stats.table());
        Some(stats)
    };
    crate::report::trim_heap();
    let phase1 = if let Some(opts) = p1_opts {
        phases.push("phase1");
        let host = enzyme_host(&cache, cfg)?;
        let report = orchestrate::orchestrate(&opts, &host, &emb)?;
        ui.table(&report.table());
        Some(report)
    } else {
        None
    };
    let manifest =
        a.p1.manifest
            .clone()
            .or_else(|| cfg.manifest.clone())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<bundled>".into());
    let summary = Summary {
        timestamp: summary_time(a.p1.reproducible),
        duration_ms: if a.p1.reproducible { 0.0 } else { start.elapsed().as_secs_f64() * 1000.0 },
        config: SummaryConfig {
            input: a.input.display().to_string(),
            output: a.output.display().to_string(),
            manifest,
            phases,
        },
        results: SummaryResults {
            phase0: phase0.map(|stats| Phase0Summary { spans: stats.spans_out(), stats }),
            phase1: phase1.map(|report| Phase1Summary { report }),
        },
    };
    write_run(&a.output, &summary, ui)
}

fn summary_time(reproducible: bool) -> String {
    if reproducible {
        "1970-01-01T00:00:00Z".into()
    } else {
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }
}

/// What a whole run leaves at the end: `pipeline-summary.json`,
/// `report.html`, the list of files, the next step.
fn write_run(out: &Path, summary: &Summary, ui: Ui) -> anyhow::Result<()> {
    let path = pipeline::write_summary(out, summary)?;
    ui.json(summary)?;
    let html = crate::report::html::write(out)?;
    let mut files = phase0_files(out, summary.results.phase0.as_ref().map(|p| &p.stats));
    files.extend(phase1_files(out, summary.results.phase1.as_ref().map(|p| &p.report)));
    files.push((path, None));
    files.push((html, None));
    ui.files(&files);
    if summary.results.phase1.is_some() {
        ui.table(&format!(
            "Next: open {} in a browser; export for a trainer with `logline export {} --format chat` (or `--format parquet`).\n",
            out.join(crate::report::html::FILE).display(),
            out.display()
        ));
    }
    Ok(())
}

fn cmd_prepare_part(a: &crate::cli::PrepareArgs, cfg: &FileConfig, ui: Ui) -> anyhow::Result<()> {
    let shard = a.shard.expect("called with --shard");
    if !a.input.is_file() {
        bail!("input {} does not exist or is not a file", a.input.display());
    }
    let opts = prepare_options(&a.input, &a.output, &a.p0, cfg, ui.progress, false)?;
    let emb = embedder(&a.p0.model, &a.p0.cache, cfg)?;
    match prepare::prepare_part(&opts, shard, &emb)? {
        prepare::PartOutcome::Done(stats) => {
            ui.table(&format!("prepare shard {shard}:\n{}", stats.table()));
            ui.json(&stats)?;
            let f = Work::new(&a.output).prepare_part(shard.k);
            ui.files(&[
                (f.spans, Some(stats.valid)),
                (f.lines, Some(stats.valid)),
                (f.rejects, Some(stats.rejected.total())),
                (f.stats, None),
            ]);
        }
        prepare::PartOutcome::AlreadyDone => {
            ui.table(&format!("prepare shard {shard}: already done; nothing to do\n"));
            ui.json(&serde_json::json!({"shard": shard.to_string(), "skipped": true}))?;
        }
    }
    Ok(())
}

fn cmd_orchestrate_part(
    work: &Path,
    shard: Shard,
    a: &crate::cli::OrchestrateArgs,
    cfg: &FileConfig,
    ui: Ui,
) -> anyhow::Result<()> {
    let w = Work::new(work);
    let opts = orchestrate_options(
        &pipeline::merge::enriched_input(&w),
        &w.orchestrate_part(shard.k),
        &a.p1,
        cfg,
        ui.progress,
    )?;
    let host = enzyme_host(&a.cache, cfg)?;
    let emb = embedder(&a.model, &a.cache, cfg)?;
    match pipeline::merge::orchestrate_part(work, shard, opts, &host, &emb)? {
        pipeline::merge::PartOutcome::Done(report) => {
            ui.table(&format!("orchestrate shard {shard}:\n{}", report.table()));
            ui.json(&report)?;
            ui.files(&phase1_files(&w.orchestrate_part(shard.k), Some(&report)));
        }
        pipeline::merge::PartOutcome::AlreadyDone => {
            ui.table(&format!("orchestrate shard {shard}: already done; nothing to do\n"));
            ui.json(&serde_json::json!({"shard": shard.to_string(), "skipped": true}))?;
        }
    }
    Ok(())
}

fn cmd_merge(work: &Path, out: &Path, ui: Ui) -> anyhow::Result<()> {
    let start = Instant::now();
    let m = pipeline::merge::merge(work, out)?;
    ui.table(&m.phase0.table());
    ui.table(&m.phase1.table());
    let summary = Summary {
        timestamp: summary_time(m.job.reproducible),
        duration_ms: if m.job.reproducible { 0.0 } else { start.elapsed().as_secs_f64() * 1000.0 },
        config: SummaryConfig {
            input: m.input.clone(),
            output: out.display().to_string(),
            manifest: format!("<settings {}>", m.job.settings),
            phases: vec!["phase0", "phase1"],
        },
        results: SummaryResults {
            phase0: Some(Phase0Summary { spans: m.phase0.spans_out(), stats: m.phase0 }),
            phase1: Some(Phase1Summary { report: m.phase1 }),
        },
    };
    write_run(out, &summary, ui)
}

fn cmd_search(a: &crate::cli::SearchArgs, cfg: &FileConfig, ui: Ui) -> anyhow::Result<()> {
    let index = SpanIndex::load(&a.dir, prepare::STEM)?;
    let emb = embedder(&a.model, &a.cache, cfg)?;
    let v = emb.embed(&[a.query.as_str()])?.pop().context("no embedding")?;
    let keep = |n: u32| -> bool {
        let inv = &index.inverted;
        let has = |map: &std::collections::BTreeMap<String, Vec<u32>>, key: &Option<String>| {
            key.as_ref().is_none_or(|k| map.get(k).is_some_and(|l| l.binary_search(&n).is_ok()))
        };
        has(&inv.by_did, &a.did) && has(&inv.by_tag, &a.tag) && has(&inv.by_domain, &a.domain)
    };
    let hits = index.search_filtered(&v, a.k, None, &keep);
    let rows: Vec<serde_json::Value> = hits
        .iter()
        .map(|h| serde_json::json!({"id": h.id, "similarity": h.similarity, "this": index.query_text(&h.id).unwrap_or_default()}))
        .collect();
    if ui.json {
        println!("{}", serde_json::to_string(&rows)?);
    } else {
        for r in &rows {
            let text: String = r["this"].as_str().unwrap_or("").chars().take(100).collect();
            println!(
                "{:.4}  {}  {}",
                r["similarity"].as_f64().unwrap_or(0.0),
                r["id"].as_str().unwrap_or(""),
                text.replace('\n', " ")
            );
        }
    }
    Ok(())
}

fn cmd_harm(
    m: &Manifest,
    host: &EnzymeHost,
    corpora: &[PathBuf],
    violations: Option<&Path>,
    workers: usize,
    ui: Ui,
) -> anyhow::Result<()> {
    let report = crate::harm::runner::run(host, m, corpora, workers)?;
    ui.table(&report.table());
    ui.json(&report)?;
    if let Some(out) = violations {
        let mut text = String::new();
        for v in &report.violations {
            text.push_str(&serde_json::to_string(v)?);
            text.push('\n');
        }
        crate::output::write_file(out, text.as_bytes())?;
        ui.files(&[(out.to_path_buf(), Some(report.violations.len() as u64))]);
    }
    let n = report.total_violations();
    if n > 0 {
        anyhow::bail!(
            "{n} do-no-harm violation(s) in {}",
            corpora.iter().map(|c| c.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

fn cmd_conformance(m: &Manifest, host: &EnzymeHost, corpora: &[PathBuf], ui: Ui) -> anyhow::Result<()> {
    let report = crate::enzyme::conformance::check(host, m, corpora)?;
    ui.table(&report.table());
    ui.json(&report)?;
    let n = report.total();
    if n > 0 {
        anyhow::bail!("{n} conformance breach(es): every enzyme must succeed, be deterministic and idempotent");
    }
    Ok(())
}

fn cmd_check(path: &Path, m: &Manifest, host: &EnzymeHost, ui: Ui) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for e in &m.enzymes {
        match host.load(e) {
            Ok(l) => rows.push(l),
            Err(err) => failures.push(format!("{err:#}")),
        }
    }
    if !ui.quiet {
        eprintln!(
            "{} ({} enzymes, gate {}, on_enzyme_error = {})",
            path.display(),
            m.enzymes.len(),
            m.pipeline.quality_gate,
            m.pipeline.on_enzyme_error.as_str()
        );
        eprintln!(
            "  {:<20} {:<9} {:<5} {:>9} {:>7} {:>9} {:>11}  description",
            "name", "version", "wit", "memory", "timeout", "fuel", "compile"
        );
        for l in &rows {
            let lim = l.limits;
            eprintln!(
                "  {:<20} {:<9} {:<5} {:>6} MiB {:>5}ms {:>9} {:>8.1}ms{}  {}",
                l.name,
                l.info.version,
                l.wit_version,
                lim.memory_mb.unwrap_or(0),
                lim.timeout_ms.unwrap_or(0),
                lim.fuel.map(|f| f.to_string()).unwrap_or_else(|| "-".into()),
                l.compile.millis,
                if l.compile.from_cache { "*" } else { " " },
                l.info.description
            );
        }
        eprintln!("  (* compiled component taken from the cache)");
    }
    if ui.json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|l| {
                serde_json::json!({"name": l.name, "info": l.info, "wit_version": l.wit_version, "sha256": l.sha256,
                    "size": l.size, "limits": l.limits, "compile": l.compile})
            })
            .collect();
        println!("{}", serde_json::json!({"enzymes": v, "errors": failures}));
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("\n"));
    }
    Ok(())
}
