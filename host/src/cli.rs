//! Command-line arguments (clap). Nothing else lives here.

use crate::dedupe::DedupeMode;
use crate::derive::CombinedMode;
use crate::embed::sidecar::Dtype;
use crate::manifest::OnError;
use crate::pipeline::prepare::EmbeddingsMode;
use crate::pipeline::shard::Shard;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// LogLine: curate LLM training spans with sandboxed WebAssembly enzymes.
#[derive(Debug, Parser)]
#[command(name = "logline", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More log detail (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// No progress and no tables on stderr; errors only.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print the final stats or report as one JSON object on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Defaults file (default: `logline.toml` next to the input, if present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Phase 0: validate, embed, tag, score complexity and index spans.
    ///
    /// Example: logline prepare -i examples/data/diamonds.ndjson -o out/
    Prepare(PrepareArgs),
    /// Phase 1: run the enzyme chain, re-score and gate.
    ///
    /// Example: logline orchestrate -i out/diamonds-enriched.ndjson -o out/ --manifest examples/enzymes.toml
    Orchestrate(OrchestrateArgs),
    /// Both phases: prepare, then orchestrate; writes pipeline-summary.json.
    ///
    /// Example: logline run -i examples/data/diamonds.ndjson -o out/
    Run(RunArgs),
    /// Nearest-neighbour search in a prepared folder.
    ///
    /// Example: logline search out/ "how do I read a file in rust" -k 5
    Search(SearchArgs),
    /// Check or run enzymes from a manifest.
    #[command(subcommand)]
    Enzymes(EnzymesCommand),
    /// Train a quality scorer on your own labels, or measure one.
    #[command(subcommand)]
    Scorer(ScorerCommand),
    /// Phase 2: train a trajectory matcher on enriched spans (IVF + HNSW
    /// index, Platt calibration, conformal sets), or add spans to one.
    ///
    /// Example: logline train -i out/diamonds-plus.ndjson -o model/
    /// Example: logline train --add more.ndjson model/
    Train(TrainArgs),
    /// Predict the outcome and status of a request from its nearest trajectories.
    ///
    /// Example: logline predict model/ "how do I read a file in rust" --did write_code
    Predict(PredictArgs),
    /// Evaluate a model on its test split against baselines; writes model/eval.json.
    ///
    /// Example: logline eval model/
    Eval(EvalArgs),
    /// Export the curated set for a trainer: chat JSONL (`messages`), as
    /// TRL's SFTTrainer and axolotl read it.
    ///
    /// Example: logline export out/ --format chat --threads
    Export(ExportArgs),
    /// Phase 3: self-play — synthetic spans from a model's train split,
    /// answered by the matcher (and --upstream), kept only past validation,
    /// the chain and quality gate, confidence, leakage, dedupe and novelty;
    /// the report says whether they helped on the real test split.
    ///
    /// Example: logline selfplay model/ -o synth/ --rounds 3 --target 200
    Selfplay(SelfplayArgs),
    /// Phase 4: an ensemble of domain matchers over a model (the global one
    /// and one per domain), stacked on the calibration split, with Mondrian
    /// sets per domain; evaluated on the test split against the best single
    /// matcher and a fixed-weight baseline.
    ///
    /// Example: logline ensemble model/ -o ens/ --by environment
    Ensemble(EnsembleArgs),
    /// Phase 4: distil an ensemble into one small student (a network over
    /// the global matcher's one search, trained on the ensemble's soft
    /// outputs and the real labels); `predict`, `eval` and `serve` load the
    /// student folder as they load a model.
    ///
    /// Example: logline distill ens/ -o student/
    Distill(DistillArgs),
    /// Phase 5: serve a model over HTTP (predict, search, spans, OpenAI-style
    /// chat completions, Prometheus metrics); loopback by default.
    ///
    /// Example: logline serve model/ --addr 127.0.0.1:8080 --keys keys.txt
    Serve(ServeArgs),
    /// Rebuild the HTML report (OUT/report.html, self-contained) from a run's
    /// files, or merge a sharded run (`report merge`).
    ///
    /// Example: logline report out/
    Report(ReportArgs),
    /// The index of a sharded run (`index build WORK`, after every
    /// `prepare --shard K/N`).
    #[command(subcommand)]
    Index(IndexCommand),
    /// Write a new enzyme project from a template (rust, python or js).
    ///
    /// Example: logline new pii-masker --lang python --dir my-enzymes/
    New(NewArgs),
}

#[derive(Debug, Subcommand)]
pub enum EnzymesCommand {
    /// Load every enzyme of a manifest and print name, version, WIT version and limits.
    ///
    /// With --harm, also run the chain over a corpus and check that every
    /// change keeps the do-no-harm invariants (no edit inside a diff,
    /// whitespace-significant text byte-identical, code still parses,
    /// redactions only over literals, annotators leave text alone; tidy
    /// enzymes keep tokens and are idempotent). Exits 1 on any violation.
    ///
    /// Example: logline enzymes check examples/enzymes.toml --harm bench/corpus/real/spans.ndjson
    Check {
        /// The manifest (TOML).
        manifest: PathBuf,
        /// Only these enzymes (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        enzymes: Vec<String>,
        /// Spans (NDJSON) to run the do-no-harm checks on; repeatable.
        #[arg(long, value_name = "CORPUS")]
        harm: Vec<PathBuf>,
        /// Spans (NDJSON) to check every enzyme's conformance on (succeeds,
        /// deterministic, idempotent, ids kept); repeatable.
        #[arg(long, value_name = "CORPUS")]
        conformance: Vec<PathBuf>,
        /// Write every violation found by --harm as NDJSON here.
        #[arg(long, value_name = "FILE", requires = "harm")]
        violations: Option<PathBuf>,
        /// Worker threads for --harm (0: one per core).
        #[arg(long, default_value_t = 0)]
        workers: usize,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Run only the enzyme chain over a spans file.
    ///
    /// Example: logline enzymes run examples/enzymes.toml -i examples/data/diamonds.ndjson -o out/chain.ndjson
    Run {
        /// The manifest (TOML).
        manifest: PathBuf,
        /// Input spans (NDJSON).
        #[arg(short, long)]
        input: PathBuf,
        /// Output spans (NDJSON); rejects go beside it.
        #[arg(short, long)]
        output: PathBuf,
        /// Only these enzymes (comma-separated names).
        #[arg(long, value_delimiter = ',')]
        enzymes: Vec<String>,
        /// A prepared folder whose index answers the enzymes' look-ups.
        #[arg(long, value_name = "DIR")]
        index: Option<PathBuf>,
        /// Worker threads (0: one per core).
        #[arg(long, default_value_t = 0)]
        workers: usize,
        #[command(flatten)]
        cache: CacheArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScorerCommand {
    /// Fit a scorer (an elastic net over the answer embedding and text
    /// features) to the labels in a spans file; raw or enriched spans.
    ///
    /// Example: logline scorer train -i labelled.ndjson --label metadata.grade -o scorer/
    Train {
        /// Labelled spans (NDJSON); spans without embeddings are embedded (through the cache).
        #[arg(short, long)]
        input: PathBuf,
        /// Where the label is: `metadata.<key>`, a number.
        #[arg(long, default_value = "metadata.quality_score")]
        label: String,
        /// Output folder (gets `scorer.json`).
        #[arg(short, long)]
        output: PathBuf,
        /// Label values that mean 0 and 100, `LO..HI` (default: the labels' min and max).
        #[arg(long, value_name = "LO..HI", value_parser = parse_range)]
        label_range: Option<[f64; 2]>,
        /// Only spans where KEY=VALUE (did, who, status, metadata.<key>, context.<key>); repeatable.
        #[arg(long = "where", value_name = "KEY=VALUE")]
        filters: Vec<crate::score::labelled::Where>,
        /// Share of threads held out to choose the penalty.
        #[arg(long, default_value_t = 0.2)]
        valid_fraction: f64,
        /// Seed of the thread split.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Share of the penalty that is L1 (0: ridge, 1: lasso).
        #[arg(long, default_value_t = 0.5)]
        l1_ratio: f64,
        /// Learn from each label relative to the other answers of its thread
        /// (or question): for preference data, where several answers share
        /// a question and the labels compare them.
        #[arg(long)]
        within_group: bool,
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Measure a scorer on labelled spans: Spearman, AUC and calibration,
    /// beside answer length, query-answer cosine and the heuristic estimate.
    ///
    /// Example: logline scorer eval scorer/ -i held-out.ndjson --per metadata.generator
    Eval {
        /// A folder `logline scorer train` wrote (or its scorer.json).
        scorer: PathBuf,
        /// Labelled spans (NDJSON).
        #[arg(short, long)]
        input: PathBuf,
        /// Where the label is (default: the one the scorer was trained on).
        #[arg(long)]
        label: Option<String>,
        /// Only spans where KEY=VALUE; repeatable.
        #[arg(long = "where", value_name = "KEY=VALUE")]
        filters: Vec<crate::score::labelled::Where>,
        /// Also rank groups by their mean (e.g. metadata.generator), with a
        /// table of each group's mean label, estimate and ranks.
        #[arg(long, value_name = "KEY")]
        per: Option<String>,
        /// Write each span's label and estimate here (NDJSON: id, label,
        /// estimate, answer_chars, group), to read or to pool over folds.
        #[arg(long, value_name = "FILE")]
        predictions: Option<PathBuf>,
        /// Label value from which a span counts as positive for AUC (default: mid-range).
        #[arg(long)]
        positive_from: Option<f64>,
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
}

fn parse_range(s: &str) -> Result<[f64; 2], String> {
    let (a, b) = s.split_once("..").ok_or_else(|| format!("expected LO..HI, got {s:?}"))?;
    let (lo, hi): (f64, f64) =
        (a.trim().parse().map_err(|e| format!("{a:?}: {e}"))?, b.trim().parse().map_err(|e| format!("{b:?}: {e}"))?);
    if lo.is_finite() && hi.is_finite() && lo < hi { Ok([lo, hi]) } else { Err(format!("need LO < HI, got {s:?}")) }
}

/// Where caches live.
#[derive(Debug, Args, Clone, Default)]
pub struct CacheArgs {
    /// Cache folder for compiled enzymes and embeddings (default:
    /// $LOGLINE_CACHE_DIR, else ~/.cache/logline).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use no cache at all.
    #[arg(long)]
    pub no_cache: bool,
}

/// Model and embedding settings.
#[derive(Debug, Args, Clone, Default)]
pub struct ModelArgs {
    /// Folder with the model and ONNX Runtime (default: $LOGLINE_MODEL_DIR, else ./models).
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Model folder name inside the model dir (e.g. all-MiniLM-L6-v2-int8 for the int8 fallback).
    #[arg(long)]
    pub model: Option<String>,
    /// Threads for the model (0: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Where the model runs. `cuda` needs ONNX Runtime's CUDA build and the
    /// CUDA libraries (`./scripts/setup.sh --cuda`), a GPU and its driver;
    /// without them the model runs on the CPU, with a warning saying why.
    #[arg(long, value_enum, value_name = "cpu|cuda")]
    pub device: Option<Device>,
    /// Shorthand for `--device cuda`.
    #[arg(long)]
    pub cuda: bool,
}

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Device {
    Cpu,
    Cuda,
}

#[derive(Debug, Args, Clone)]
pub struct PrepareArgs {
    /// Input spans (NDJSON, optionally gzip-compressed).
    #[arg(short, long)]
    pub input: PathBuf,
    /// Output folder (created if missing); with --shard, the work folder
    /// every shard shares.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Prepare only shard K of N (1 <= K <= N) into the work folder:
    /// contiguous blocks of input lines; `logline index build WORK` then
    /// builds the index from every shard's part. A shard with its done
    /// marker is skipped.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub p0: Phase0Args,
}

/// Flags of Phase 0 (shared by `prepare` and `run`).
#[derive(Debug, Args, Clone, Default)]
pub struct Phase0Args {
    /// Minimum `metadata.quality_score`; lower (or missing) is filtered. Default 80.
    #[arg(long)]
    pub min_quality: Option<f64>,
    /// Where embeddings go: `inline` JSON arrays, or a numpy `.npy` `sidecar`.
    #[arg(long, value_parser = lowercase_enum::<EmbeddingsMode>, value_name = "inline|sidecar")]
    pub embeddings: Option<EmbeddingsMode>,
    /// Element type of the sidecar.
    #[arg(long, value_parser = lowercase_enum::<Dtype>, value_name = "f32|f16")]
    pub sidecar_dtype: Option<Dtype>,
    /// How `combined_embedding` is made: `mean` of query and response vectors, or `encode` the joined text.
    #[arg(long, value_parser = lowercase_enum::<CombinedMode>, value_name = "mean|encode")]
    pub combined: Option<CombinedMode>,
    /// Longest input line accepted, bytes (default 16 MiB).
    #[arg(long)]
    pub max_line_bytes: Option<usize>,
    /// HNSW efConstruction.
    #[arg(long)]
    pub ef_construction: Option<usize>,
    /// HNSW efSearch.
    #[arg(long)]
    pub ef_search: Option<usize>,
    /// A manifest whose `[tags]` table extends the keyword families.
    #[arg(long, value_name = "FILE")]
    pub tags_from: Option<PathBuf>,
    /// Duplicates (exact, and combined embeddings at cosine >= the threshold):
    /// `mark` them (default), `drop` all but the best of each group to the rejects file, or `off`.
    #[arg(long, value_parser = lowercase_enum::<DedupeMode>, value_name = "mark|drop|off")]
    pub dedupe: Option<DedupeMode>,
    /// Cosine at or above which two spans are duplicates (default 0.95).
    #[arg(long, value_name = "COSINE")]
    pub dedupe_threshold: Option<f32>,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Clone)]
pub struct OrchestrateArgs {
    /// A work folder (with --shard): its index, built by `logline index build`.
    #[arg(requires = "shard", conflicts_with_all = ["input", "output"])]
    pub work: Option<PathBuf>,
    /// Run only shard K of N of the work folder's threads (1 <= K <= N);
    /// `logline report merge WORK -o OUT` folds the shards. A shard with
    /// its done marker is skipped.
    #[arg(long, value_name = "K/N", requires = "work")]
    pub shard: Option<Shard>,
    /// The enriched spans from Phase 0 (`<dir>/diamonds-enriched.ndjson`).
    #[arg(short, long, required_unless_present = "work")]
    pub input: Option<PathBuf>,
    /// Output folder.
    #[arg(short, long, required_unless_present = "work")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub p1: Phase1Args,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Flags of Phase 1 (shared by `orchestrate` and `run`).
#[derive(Debug, Args, Clone, Default)]
pub struct Phase1Args {
    /// Enzyme manifest (default: the bundled four built-ins).
    #[arg(short, long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Only these enzymes (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub enzymes: Vec<String>,
    /// Keep spans scoring at least this (overrides the manifest).
    #[arg(long)]
    pub quality_gate: Option<f64>,
    /// What an enzyme failure does (overrides the manifest).
    #[arg(long, value_enum)]
    pub on_enzyme_error: Option<OnErrorArg>,
    /// Worker threads (0: one per core).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Spans per batch (overrides the manifest).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Batches between checkpoints (overrides the manifest).
    #[arg(long)]
    pub checkpoint_every: Option<usize>,
    /// Continue from the last checkpoint of an interrupted run.
    #[arg(long)]
    pub resume: bool,
    /// Byte-identical reruns: fixed timestamps, zero durations, a single-threaded index build.
    #[arg(long)]
    pub reproducible: bool,
    /// A trained scorer (`logline scorer train`) for the estimate (overrides `[quality] model`).
    #[arg(long, value_name = "DIR")]
    pub scorer: Option<PathBuf>,
}

/// `on_enzyme_error` on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OnErrorArg {
    Skip,
    Reject,
    Abort,
}

impl From<OnErrorArg> for OnError {
    fn from(a: OnErrorArg) -> OnError {
        match a {
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Reject => OnError::Reject,
            OnErrorArg::Abort => OnError::Abort,
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Input spans (NDJSON, optionally gzip-compressed).
    #[arg(short, long)]
    pub input: PathBuf,
    /// Output folder (created if missing).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Use the Phase 0 outputs already in the output folder.
    #[arg(long)]
    pub skip_phase0: bool,
    /// Stop after Phase 0.
    #[arg(long)]
    pub skip_phase1: bool,
    #[command(flatten)]
    pub p0: Phase0Args,
    #[command(flatten)]
    pub p1: Phase1Args,
}

#[derive(Debug, Args, Clone)]
pub struct SearchArgs {
    /// A folder `logline prepare` wrote.
    pub dir: PathBuf,
    /// The text to search for.
    pub query: String,
    /// How many results.
    #[arg(short, default_value_t = 5)]
    pub k: usize,
    /// Only spans with this `did`.
    #[arg(long)]
    pub did: Option<String>,
    /// Only spans with this semantic tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only spans of this domain (`context.environment`).
    #[arg(long)]
    pub domain: Option<String>,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Clone)]
pub struct TrainArgs {
    /// Enriched spans (Phase 0 or Phase 1 output; raw spans are embedded).
    #[arg(short, long, required_unless_present = "add", conflicts_with = "add")]
    pub input: Option<PathBuf>,
    /// The model folder to write.
    #[arg(short, long, required_unless_present = "add")]
    pub output: Option<PathBuf>,
    /// Add these spans to the model folder given as MODEL (rebuilds only the partitions they touch).
    #[arg(long, value_name = "FILE", requires = "folder")]
    pub add: Option<PathBuf>,
    /// The model folder `--add` grows.
    #[arg(value_name = "MODEL", conflicts_with = "output")]
    pub folder: Option<PathBuf>,
    /// Train / calibration / test shares, by thread (default 0.7/0.15/0.15).
    #[arg(long, value_name = "T/C/T", value_parser = crate::matcher::split::parse_shares, conflicts_with = "add")]
    pub split: Option<[f64; 3]>,
    /// Conformal miscoverage: prediction sets cover the truth with probability ≥ 1 − α (default 0.1).
    #[arg(long, conflicts_with = "add")]
    pub alpha: Option<f64>,
    /// Seed of the split, k-means and the graphs (default 0).
    #[arg(long, conflicts_with = "add")]
    pub seed: Option<u64>,
    /// Neighbours per prediction (default 10).
    #[arg(short, conflicts_with = "add")]
    pub k: Option<usize>,
    /// Outcomes agree at this cosine or above (default 0.7).
    #[arg(long, conflicts_with = "add")]
    pub tau: Option<f64>,
    /// IVF partitions (default ≈ 4√n).
    #[arg(long, conflicts_with = "add")]
    pub nlist: Option<usize>,
    /// Which vector the index holds: `combined` (request + outcome) or `query`.
    #[arg(long, value_parser = lowercase_enum::<crate::matcher::IndexOn>, value_name = "combined|query", conflicts_with = "add")]
    pub index_on: Option<crate::matcher::IndexOn>,
    /// Threads for the partition builds (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
    #[command(flatten)]
    pub model_args: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Clone)]
pub struct PredictArgs {
    /// A folder `logline train` or `logline distill` wrote.
    #[arg(value_name = "MODEL")]
    pub folder: PathBuf,
    /// The request (the `this` of a span).
    pub query: String,
    /// Only trajectories with this `did` (for a student: the request's `did`, not a filter).
    #[arg(long)]
    pub did: Option<String>,
    /// Only trajectories of this domain, `context.environment` (for a student: the request's domain, not a filter).
    #[arg(long)]
    pub domain: Option<String>,
    /// Neighbours (default: the model's).
    #[arg(short)]
    pub k: Option<usize>,
    /// Conformal set from the --did's own calibration (Mondrian).
    #[arg(long, requires = "did")]
    pub mondrian: bool,
    #[command(flatten)]
    pub model_args: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Clone)]
pub struct EvalArgs {
    /// A folder `logline train`, `logline ensemble` or `logline distill` wrote.
    #[arg(value_name = "MODEL")]
    pub folder: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// A folder `logline run` wrote (its `diamonds-plus.ndjson`), or a spans file.
    pub out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value = "chat")]
    pub format: ExportFormat,
    /// Output folder (default: OUT/export).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Keep failed spans, answered by their `if_not`.
    #[arg(long)]
    pub failed: bool,
    /// One multi-turn conversation per thread (`context.thread_id` / `previous_spans`), in `when` order.
    #[arg(long)]
    pub threads: bool,
    /// Leave out spans Phase 0 marked as duplicates of a kept span (`duplicate_of`; chat only).
    #[arg(long)]
    pub skip_duplicates: bool,
    /// Also export the gate's and the chain's rejects (`chat.rejects.jsonl`; in Parquet, rows with `reject_reason`).
    #[arg(long)]
    pub include_rejects: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// A folder `logline train` or `logline distill` wrote.
    #[arg(value_name = "MODEL")]
    pub folder: PathBuf,
    /// Address to listen on (port 0: any free port; the address is printed).
    #[arg(long, default_value = crate::serve::defaults::ADDR)]
    pub addr: std::net::SocketAddr,
    /// API keys, one per line or `sha256:<hex>` of one; every route but
    /// /healthz, /readyz (and /metrics) then needs `Authorization: Bearer <key>`.
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// Chat answers under this calibrated confidence abstain (default 0.5).
    #[arg(long)]
    pub fallback_below: Option<f64>,
    /// Requests handled at once; more are answered 429 (default 64).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Per-request time limit, milliseconds (default 10000).
    #[arg(long)]
    pub timeout_ms: Option<u64>,
    /// Largest request body, bytes (default 1 MiB).
    #[arg(long)]
    pub max_body_bytes: Option<usize>,
    /// /metrics needs a key too.
    #[arg(long)]
    pub metrics_auth: bool,
    /// An OpenAI-compatible base URL (e.g. http://127.0.0.1:8000/v1): chat requests
    /// under --fallback-below are forwarded there (its key from --upstream-key-env).
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// The environment variable holding the upstream's API key.
    #[arg(long, value_name = "NAME", default_value = crate::serve::defaults::UPSTREAM_KEY_ENV)]
    pub upstream_key_env: String,
    /// The enzyme chain rated answers go through before they are learned
    /// (it must start with a redactor; default: the bundled four built-ins).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// The feedback write-ahead log (default: MODEL/feedback.wal.ndjson).
    #[arg(long, value_name = "FILE", conflicts_with = "no_feedback")]
    pub feedback_log: Option<PathBuf>,
    /// Take no feedback: /v1/feedback answers 404 and nothing is written.
    #[arg(long)]
    pub no_feedback: bool,
    #[command(flatten)]
    pub model_args: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Clone)]
pub struct EnsembleArgs {
    /// A folder `logline train` wrote.
    #[arg(value_name = "MODEL")]
    pub folder: PathBuf,
    /// Output folder: ensemble.json and eval.json.
    #[arg(short, long)]
    pub output: PathBuf,
    /// What a domain is: `context.environment` or the `did`.
    #[arg(long, value_parser = lowercase_enum::<crate::matcher::ensemble::By>, default_value = "environment")]
    pub by: crate::matcher::ensemble::By,
    /// Train spans a domain needs for a matcher of its own (smaller ones fold into a general matcher).
    #[arg(long, default_value_t = crate::matcher::ensemble::defaults::MIN_DOMAIN)]
    pub min_domain: usize,
}

#[derive(Debug, Args, Clone)]
pub struct DistillArgs {
    /// A folder `logline ensemble` wrote.
    #[arg(value_name = "ENS")]
    pub folder: PathBuf,
    /// Output folder: student.json and eval.json.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The model the ensemble was built over (default: the one ensemble.json names).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Hidden units.
    #[arg(long, default_value_t = crate::matcher::student::defaults::HIDDEN)]
    pub hidden: usize,
    /// Full-batch training steps.
    #[arg(long, default_value_t = crate::matcher::student::defaults::EPOCHS)]
    pub epochs: usize,
    /// Weight of the ensemble's soft output against the real label in the target (0–1).
    #[arg(long, default_value_t = crate::matcher::student::defaults::LAMBDA)]
    pub lambda: f64,
    /// Seed of the initial weights.
    #[arg(long, default_value_t = crate::matcher::student::defaults::SEED)]
    pub seed: u64,
}

#[derive(Debug, Args, Clone)]
pub struct SelfplayArgs {
    /// A folder `logline train` wrote.
    #[arg(value_name = "MODEL")]
    pub folder: PathBuf,
    /// Output folder: spans.ndjson, rejected.ndjson, report.json, model/ (grown with the accepted spans).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Rounds, at most (default 3).
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Stop once this many synthetic spans are accepted (default 200).
    #[arg(long)]
    pub target: Option<usize>,
    /// Prompts per round (default 64).
    #[arg(long)]
    pub prompts_per_round: Option<usize>,
    /// Share of a round's prompts that are variations, the rest seeds (default 0.3).
    #[arg(long)]
    pub variation_share: Option<f64>,
    /// Seed of every choice (default 42).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Calibrated confidence the matcher's answer needs (default 0.8).
    #[arg(long)]
    pub min_confidence: Option<f64>,
    /// Quality gate (default: the manifest's, 85).
    #[arg(long)]
    pub quality_gate: Option<f64>,
    /// Novelty: `auto` (from the real spans' nearest-neighbour similarities) or a cosine similarity.
    #[arg(long, default_value = "auto")]
    pub novelty: String,
    /// Variations of variations, at most (default 2).
    #[arg(long)]
    pub max_depth: Option<u32>,
    /// Synthetic spans at most this share of the grown index (default 0.5).
    #[arg(long)]
    pub max_synthetic_share: Option<f64>,
    /// The chain for prompts and candidates (a redactor first; default:
    /// security, then the built-in prompt-variants).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// An OpenAI-compatible base URL that answers every prompt too.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// The environment variable holding the upstream's API key.
    #[arg(long, value_name = "NAME", default_value = crate::serve::defaults::UPSTREAM_KEY_ENV)]
    pub upstream_key_env: String,
    /// Worker threads for growing the model (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub workers: usize,
    #[command(flatten)]
    pub model_args: ModelArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args, Clone)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
    /// A folder `logline run` (or `prepare`) wrote.
    #[arg(required = true)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ReportCommand {
    /// Fold a sharded run's work folder into the files `logline run` writes
    /// (Phase 0's outputs, Phase 1's parts in shard order, the reports,
    /// pipeline-summary.json, report.html).
    ///
    /// Example: logline report merge work/ -o out/
    Merge {
        /// The work folder every shard wrote to.
        work: PathBuf,
        /// Output folder.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Build the index of a sharded run once every `prepare --shard` is
    /// done: reads the parts in (shard, line) order and writes WORK/index/
    /// as `logline prepare` would. Skipped when its done marker is there.
    ///
    /// Example: logline index build work/
    Build {
        /// The work folder every shard wrote to.
        work: PathBuf,
        /// Build the graph on one thread: the same parts give byte-identical files.
        #[arg(long)]
        reproducible: bool,
    },
}

/// Export formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// JSONL with `messages: [{role, content}, …]`.
    Chat,
    /// `spans.parquet` (typed columns, embeddings as fixed-size lists) and a dataset card.
    Parquet,
}

#[derive(Debug, Args, Clone)]
pub struct NewArgs {
    /// Enzyme name (letters, digits, '-').
    pub name: String,
    /// Language of the template.
    #[arg(long, value_enum)]
    pub lang: Lang,
    /// Parent folder of the new project (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Template languages.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum Lang {
    Rust,
    Python,
    Js,
}

/// A flag value for one of the library's settings enums, by its serde
/// name: the library stays free of clap.
fn lowercase_enum<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|e| e.to_string())
}
