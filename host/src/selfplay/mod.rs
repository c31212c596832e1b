//! Phase 3 (SPEC §5.3): self-play. Prompts from a model's train split —
//! seeds (its requests) and variations of them made by the manifest's
//! enzymes — are answered by the matcher (and an OpenAI-compatible
//! upstream when given); each answer becomes a candidate span that must
//! pass, in order: validation, the enzyme chain and the quality gate,
//! calibrated confidence, leakage (held-out spans, by embedding and by
//! n-gram), dedupe (exact nearest neighbour in the whole index) and
//! novelty. Accepted spans accumulate across rounds, never replacing real
//! ones, and only ever join the train split. The report says, on the real
//! held-out test split, whether they helped.
//!
//! Scales are cosine *similarities* throughout: "> 0.9" means closer than
//! 0.9.

pub mod gates;
pub mod vendi;

use crate::derive::CombinedMode;
use crate::embed::Embedder;
use crate::enzyme::chain::{self, Derive, StagePool};
use crate::enzyme::{EnzymeHost, NoLookups};
use crate::manifest::Manifest;
use crate::matcher::kmeans::SplitMix64;
use crate::matcher::predict::Query;
use crate::matcher::train::Read;
use crate::matcher::{Model, eval};
use crate::score::{Scorer, Signals};
use crate::serve::Upstream;
use crate::span::Span;
use crate::tags::Tagger;
use crate::validate::{Mode, parse_span};
use anyhow::Context as _;
use gates::{Leak, Leakage, nearest, nn_quantile};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The defaults of `logline selfplay`, in one place.
pub mod defaults {
    pub const ROUNDS: usize = 3;
    /// Accepted synthetic spans to stop at.
    pub const TARGET: usize = 200;
    pub const PROMPTS_PER_ROUND: usize = 64;
    /// The share of a round's prompts that are variations (the rest: seeds).
    pub const VARIATION_SHARE: f64 = 0.3;
    pub const SEED: u64 = 42;
    /// Calibrated confidence the matcher's answer needs.
    pub const MIN_CONFIDENCE: f64 = 0.8;
    /// Leakage: cosine similarity ≥ this to a held-out span …
    pub const LEAK_COSINE: f32 = 0.9;
    /// … or a shared word n-gram of this length.
    pub const LEAK_NGRAM: usize = 13;
    /// Dedupe (DEITA's rule): nearest neighbour's cosine similarity must be ≤ this.
    pub const DEDUPE_COSINE: f32 = 0.9;
    /// Novelty by default: the real train spans' nearest-neighbour
    /// similarity at this quantile (capped at the dedupe threshold).
    pub const NOVELTY_QUANTILE: f64 = 0.9;
    /// Real spans the novelty quantile is measured on (the first ones).
    pub const NOVELTY_SAMPLE: usize = 2000;
    /// Novelty thresholds whose acceptance the report shows.
    pub const NOVELTY_REPORTED: [f32; 3] = [0.7, 0.8, 0.9];
    /// Variations of variations, at most.
    pub const MAX_DEPTH: u32 = 2;
    /// Synthetic spans may be at most this share of the grown index.
    pub const MAX_SYNTHETIC_SHARE: f64 = 0.5;
    /// A round's status mix and answer length must stay within ± this
    /// (relative) of the real data's …
    pub const DRIFT: f64 = 0.2;
    /// … judged once it accepted this many.
    pub const MIN_TO_JUDGE_DRIFT: usize = 5;
    /// The chain when no `--manifest` is given: the redactor first, then
    /// the built-in rule-based variation enzyme.
    pub const MANIFEST: &str = r#"# logline selfplay's default chain
[pipeline]
on_enzyme_error = "reject"

[[enzyme]]
name = "security"
builtin = "security"

[[enzyme]]
name = "prompt-variants"
builtin = "prompt-variants"
config = { max_variants = 2 }
"#;
}

/// How the novelty threshold is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Novelty {
    /// From the real train spans' nearest-neighbour distribution.
    Auto,
    /// A cosine similarity.
    Fixed(f32),
}

/// `logline selfplay` settings.
#[derive(Debug, Clone)]
pub struct SelfplayOptions {
    pub model_dir: PathBuf,
    pub out: PathBuf,
    pub rounds: usize,
    pub target: usize,
    pub prompts_per_round: usize,
    pub variation_share: f64,
    pub seed: u64,
    pub min_confidence: f64,
    /// Overrides the manifest's `[pipeline] quality_gate`.
    pub quality_gate: Option<f64>,
    pub novelty: Novelty,
    pub max_depth: u32,
    pub max_synthetic_share: f64,
    pub upstream: Option<String>,
    pub upstream_key_env: String,
    pub combined: CombinedMode,
    pub threads: usize,
}

impl SelfplayOptions {
    pub fn new(model_dir: PathBuf, out: PathBuf) -> Self {
        SelfplayOptions {
            model_dir,
            out,
            rounds: defaults::ROUNDS,
            target: defaults::TARGET,
            prompts_per_round: defaults::PROMPTS_PER_ROUND,
            variation_share: defaults::VARIATION_SHARE,
            seed: defaults::SEED,
            min_confidence: defaults::MIN_CONFIDENCE,
            quality_gate: None,
            novelty: Novelty::Auto,
            max_depth: defaults::MAX_DEPTH,
            max_synthetic_share: defaults::MAX_SYNTHETIC_SHARE,
            upstream: None,
            upstream_key_env: crate::serve::defaults::UPSTREAM_KEY_ENV.into(),
            combined: crate::settings::defaults::COMBINED,
            threads: 0,
        }
    }

    fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.rounds >= 1, "--rounds must be at least 1");
        anyhow::ensure!(self.prompts_per_round >= 1, "--prompts-per-round must be at least 1");
        anyhow::ensure!((0.0..=1.0).contains(&self.variation_share), "--variation-share must be within 0..=1");
        anyhow::ensure!((0.0..=1.0).contains(&self.min_confidence), "--min-confidence must be within 0..=1");
        anyhow::ensure!(
            self.max_synthetic_share > 0.0 && self.max_synthetic_share < 1.0,
            "--max-synthetic-share must be within (0, 1)"
        );
        if let Novelty::Fixed(t) = self.novelty {
            anyhow::ensure!((-1.0..=1.0).contains(&t), "--novelty must be `auto` or a cosine within -1..=1");
        }
        Ok(())
    }
}

/// The gates, in the order a candidate meets them.
pub const GATES: [&str; 9] = [
    "validation",
    "chain",
    "garbage",
    "quality_gate",
    "confidence",
    "leakage_embedding",
    "leakage_ngram",
    "dedupe",
    "novelty",
];

/// One round.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RoundReport {
    pub round: usize,
    pub seeds: usize,
    pub variations: usize,
    /// Variation prompts the chain made no variant for.
    pub no_variation: usize,
    /// Prompts already asked (this run).
    pub repeated_prompts: usize,
    pub candidates: usize,
    pub by_responder: BTreeMap<String, usize>,
    /// Rejected by each gate (a candidate counts at the first it fails).
    pub rejected: BTreeMap<&'static str, usize>,
    pub accepted: usize,
    /// Of the candidates that passed every gate before novelty: how many
    /// each novelty threshold would accept (nearest cosine ≤ it).
    pub novelty_acceptance: BTreeMap<String, usize>,
    pub drift: Drift,
}

/// The round's accepted spans against the real data.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Drift {
    pub completed_share: Option<f64>,
    pub real_completed_share: f64,
    pub median_answer_words: Option<f64>,
    pub real_median_answer_words: f64,
    /// `false`: outside ± DRIFT, the round was not kept.
    pub ok: bool,
    pub judged: bool,
}

/// Vendi scores at equal n.
#[derive(Debug, Clone, Serialize)]
pub struct Diversity {
    pub domain: String,
    pub n: usize,
    pub synthetic_in_mix: usize,
    pub real_only: f64,
    pub real_plus_synthetic: f64,
}

/// The held-out real test split, without and with the synthetic spans.
#[derive(Debug, Clone, Serialize)]
pub struct Downstream {
    pub test_spans: usize,
    pub accuracy_without: f64,
    pub accuracy_with: f64,
    pub brier_without: f64,
    pub brier_with: f64,
    pub coverage_without: f64,
    pub coverage_with: f64,
    pub set_size_without: f64,
    pub set_size_with: f64,
    pub verdict: String,
}

/// `synth/report.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SelfplayReport {
    pub model: String,
    pub seed: u64,
    pub real_train_spans: usize,
    pub novelty_threshold: f32,
    pub novelty_rule: String,
    pub quality_gate: f64,
    pub min_confidence: f64,
    pub max_synthetic: usize,
    pub rounds: Vec<RoundReport>,
    pub accepted: usize,
    pub candidates: usize,
    pub stopped: Option<String>,
    pub diversity: Vec<Diversity>,
    pub downstream: Option<Downstream>,
    pub files: Vec<String>,
}

/// A prompt and where it came from.
#[derive(Debug, Clone)]
struct Prompt {
    text: String,
    seed_id: String,
    parent_id: String,
    depth: u32,
    did: String,
    domain: Option<String>,
    kind: &'static str,
}

impl Prompt {
    /// A train request as it is.
    fn seed(r: &crate::matcher::Trajectory) -> Self {
        Prompt {
            text: r.query.clone(),
            seed_id: r.id.clone(),
            parent_id: r.id.clone(),
            depth: 0,
            did: r.did.clone(),
            domain: r.domain.clone(),
            kind: "seed",
        }
    }
}

/// An accepted synthetic span.
struct Accepted {
    id: String,
    prompt: Prompt,
    line: String,
    index_vec: Vec<f32>,
    domain: Option<String>,
    completed: Option<bool>,
    words: usize,
}

/// The files of a self-play folder.
pub mod files {
    pub const SPANS: &str = "spans.ndjson";
    pub const REJECTED: &str = "rejected.ndjson";
    pub const REPORT: &str = "report.json";
    pub const MODEL: &str = "model";
}

/// Run self-play on the model of `opts.model_dir`.
pub fn run(
    opts: &SelfplayOptions,
    manifest: &Manifest,
    host: &EnzymeHost,
    embedder: &Embedder,
) -> anyhow::Result<SelfplayReport> {
    opts.check()?;
    crate::serve::feedback::check_chain(manifest)?;
    let model = Model::load(&opts.model_dir)?;
    model.check_embedding_model(embedder.model_key())?;
    // Candidates are embedded as the model's spans were.
    let opts = &SelfplayOptions { combined: model.manifest.combined.unwrap_or(opts.combined), ..opts.clone() };
    crate::output::ensure_dir(&opts.out)?;
    let dims = model.manifest.dims;
    let real = model.records.len();
    anyhow::ensure!(real > 0, "{} has no train spans to play from", opts.model_dir.display());
    let leakage = Leakage::new(&model.heldout, defaults::LEAK_COSINE, defaults::LEAK_NGRAM);
    let (novelty, novelty_rule) = match opts.novelty {
        Novelty::Fixed(t) => (t, format!("--novelty {t}")),
        Novelty::Auto => {
            let q = nn_quantile(model.vectors.as_slice(), dims, defaults::NOVELTY_QUANTILE, defaults::NOVELTY_SAMPLE)
                .unwrap_or(defaults::DEDUPE_COSINE);
            (
                q.min(defaults::DEDUPE_COSINE),
                format!(
                    "the {:.0}th percentile of the real train spans' nearest-neighbour cosine similarity ({q:.3}), capped at the dedupe threshold {}",
                    defaults::NOVELTY_QUANTILE * 100.0,
                    defaults::DEDUPE_COSINE
                ),
            )
        }
    };
    let scorer = Scorer::new(manifest.quality.clone())
        .with_relevance_beside(&embedder.model.files, crate::threads_or_all(opts.threads))?;
    let gate = opts.quality_gate.unwrap_or(manifest.pipeline.quality_gate);
    let stages = StagePool::new(host.load_all(&manifest.enzymes)?, manifest, Arc::new(NoLookups));
    let tagger = Tagger::new(&manifest.tags);
    let upstream = opts
        .upstream
        .as_deref()
        .map(|u| Upstream::new(u, &opts.upstream_key_env, std::time::Duration::from_secs(60)))
        .transpose()?;
    let max_synthetic = ((opts.max_synthetic_share / (1.0 - opts.max_synthetic_share)) * real as f64).floor() as usize;
    let real_completed = model.manifest.completed_share;
    let mut real_words: Vec<f64> = model.records.iter().map(|r| r.outcome.split_whitespace().count() as f64).collect();
    let real_median_words = median(&mut real_words);
    let when = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);

    let mut rng = SplitMix64::new(opts.seed);
    let mut seed_order: Vec<usize> = (0..real).collect();
    for i in (1..real).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        seed_order.swap(i, j);
    }
    let mut next_seed = 0usize;
    let mut asked: HashSet<String> = HashSet::new();
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut accepted_vecs: Vec<Vec<f32>> = Vec::new();
    let mut known_texts: HashSet<[u8; 16]> =
        model.records.iter().map(|r| crate::dedupe::exact_key(&r.query, Some(&r.outcome))).collect();
    let mut rejected_lines: Vec<String> = Vec::new();
    let mut rounds = Vec::new();
    let mut stopped = None;
    let mut candidates_total = 0;

    for round in 1..=opts.rounds {
        if accepted.len() >= opts.target.min(max_synthetic) {
            stopped = Some(format!(
                "stopped before round {round}: {} synthetic spans accepted (target {}, at most {max_synthetic} = {:.0} % of the index)",
                accepted.len(),
                opts.target,
                opts.max_synthetic_share * 100.0
            ));
            break;
        }
        let mut rr = RoundReport { round, ..Default::default() };
        // Prompts: seeds (train requests, in a seeded order) and variations.
        let n_var = (opts.prompts_per_round as f64 * opts.variation_share).round() as usize;
        let n_seed = opts.prompts_per_round - n_var;
        let mut prompts: Vec<Prompt> = Vec::new();
        for _ in 0..n_seed {
            prompts.push(Prompt::seed(&model.records[seed_order[next_seed % real]]));
            next_seed += 1;
        }
        rr.seeds = prompts.len();
        // Parents of variations: train requests, and accepted prompts under the depth limit.
        let deeper: Vec<Prompt> = accepted
            .iter()
            .filter(|a| a.prompt.depth < opts.max_depth)
            .map(|a| Prompt { parent_id: a.id.clone(), ..a.prompt.clone() })
            .collect();
        for _ in 0..n_var {
            let pick = (rng.next_u64() % (real + deeper.len()) as u64) as usize;
            let parent = match pick.checked_sub(real) {
                None => Prompt::seed(&model.records[pick]),
                Some(i) => deeper[i].clone(),
            };
            if parent.depth >= opts.max_depth {
                continue;
            }
            let variants = variations(&stages, &tagger, &parent, &when)?;
            if variants.is_empty() {
                rr.no_variation += 1;
                continue;
            }
            let v = &variants[(rng.next_u64() % variants.len() as u64) as usize];
            prompts.push(Prompt {
                text: v.clone(),
                parent_id: parent.parent_id.clone(),
                depth: parent.depth + 1,
                kind: "variation",
                ..parent
            });
            rr.variations += 1;
        }
        prompts.retain(|p| {
            let fresh = asked.insert(p.text.clone());
            rr.repeated_prompts += usize::from(!fresh);
            fresh
        });
        let texts: Vec<&str> = prompts.iter().map(|p| p.text.as_str()).collect();
        let qvecs = embedder.embed(&texts)?;
        let round_start = accepted.len();
        let mut n = 0usize;
        for (p, qv) in prompts.iter().zip(&qvecs) {
            let mut answers: Vec<(&'static str, String, &'static str, Option<f64>)> = Vec::new();
            let qv = crate::vector::normalized(qv);
            if let Some(pred) = model.predict(&qv, &Query::default()) {
                let status = if pred.status == "failed" { "failed" } else { "completed" };
                answers.push(("matcher", pred.outcome.clone(), status, Some(pred.confidence)));
            }
            if let Some(up) = &upstream {
                let body = json!({"model": "selfplay", "messages": [{"role": "user", "content": p.text}]});
                let (content, _) = up.complete(&body).map_err(|why| anyhow::anyhow!("{}: {why}", up.url))?;
                answers.push(("upstream", content, "completed", None));
            }
            for (responder, answer, status, confidence) in answers {
                n += 1;
                rr.candidates += 1;
                *rr.by_responder.entry(responder.to_string()).or_default() += 1;
                let id = format!("synth-s{}-r{round}-{n:04}", opts.seed);
                let cand = Candidate {
                    id: &id,
                    prompt: p,
                    responder,
                    answer: &answer,
                    status,
                    confidence,
                    round,
                    when: &when,
                    seed: opts.seed,
                };
                match judge(
                    &cand,
                    &Judges {
                        stages: &stages,
                        tagger: &tagger,
                        scorer: &scorer,
                        gate,
                        embedder,
                        combined: opts.combined,
                        min_confidence: opts.min_confidence,
                        leakage: &leakage,
                        model: &model,
                        accepted: &accepted_vecs,
                        texts: &known_texts,
                    },
                ) {
                    Ok((span, read, nn)) => {
                        for t in defaults::NOVELTY_REPORTED {
                            *rr.novelty_acceptance.entry(format!("{t}")).or_default() += usize::from(nn <= t);
                        }
                        if nn > novelty {
                            reject(
                                &mut rr,
                                &mut rejected_lines,
                                &cand,
                                "novelty",
                                format!("nearest cosine similarity {nn:.3} > {novelty:.3}"),
                            );
                            continue;
                        }
                        if accepted.len() >= max_synthetic {
                            stopped = Some(format!(
                                "synthetic spans reached {:.0} % of the index ({max_synthetic}); no more are accepted",
                                opts.max_synthetic_share * 100.0
                            ));
                            break;
                        }
                        let index_vec = read.index_vector(model.params().index_on).to_vec();
                        known_texts.insert(crate::dedupe::exact_key(&read.t.query, Some(&read.t.outcome)));
                        accepted_vecs.push(index_vec.clone());
                        accepted.push(Accepted {
                            id: id.clone(),
                            prompt: p.clone(),
                            line: span.to_json_line(true, &[]),
                            index_vec,
                            domain: p.domain.clone(),
                            completed: crate::matcher::predict::completed(span.status.as_str()),
                            words: read.t.outcome.split_whitespace().count(),
                        });
                        rr.accepted += 1;
                    }
                    Err((gate_name, detail)) => reject(&mut rr, &mut rejected_lines, &cand, gate_name, detail),
                }
            }
            if stopped.is_some() || accepted.len() >= opts.target {
                break;
            }
        }
        candidates_total += rr.candidates;
        // Collapse guard: the round's status mix and answer length.
        let this_round = &accepted[round_start..];
        let mut words: Vec<f64> = this_round.iter().map(|a| a.words as f64).collect();
        let voters: Vec<bool> = this_round.iter().filter_map(|a| a.completed).collect();
        rr.drift = Drift {
            completed_share: (!voters.is_empty())
                .then(|| voters.iter().filter(|&&c| c).count() as f64 / voters.len() as f64),
            real_completed_share: real_completed,
            median_answer_words: (!words.is_empty()).then(|| median(&mut words)),
            real_median_answer_words: real_median_words,
            judged: this_round.len() >= defaults::MIN_TO_JUDGE_DRIFT,
            ok: true,
        };
        if rr.drift.judged {
            let off = |x: Option<f64>, real: f64| {
                x.is_some_and(|x| real > 0.0 && ((x - real) / real).abs() > defaults::DRIFT)
            };
            if off(rr.drift.completed_share, real_completed) || off(rr.drift.median_answer_words, real_median_words) {
                rr.drift.ok = false;
                let dropped = accepted.split_off(round_start);
                accepted_vecs.truncate(round_start);
                rr.accepted = 0;
                *rr.rejected.entry("drift").or_default() += dropped.len();
                stopped = Some(format!(
                    "round {round} drifted from the real data (completed share {:.2} vs {:.2}, median answer {:.0} vs {:.0} words; ±{:.0} % allowed): its {} spans were not kept and self-play stopped",
                    rr.drift.completed_share.unwrap_or(f64::NAN),
                    real_completed,
                    rr.drift.median_answer_words.unwrap_or(f64::NAN),
                    real_median_words,
                    defaults::DRIFT * 100.0,
                    dropped.len()
                ));
            }
        }
        rounds.push(rr);
        if stopped.is_some() {
            break;
        }
    }

    // Files.
    let spans_path = opts.out.join(files::SPANS);
    write_lines(&spans_path, accepted.iter().map(|a| a.line.as_str()))?;
    let rejected_path = opts.out.join(files::REJECTED);
    write_lines(&rejected_path, rejected_lines.iter().map(String::as_str))?;
    let diversity = diversity(&model, &accepted, opts.seed);
    let grown = opts.out.join(files::MODEL);
    let downstream =
        if accepted.is_empty() { None } else { Some(downstream(&model, &grown, &spans_path, embedder, opts.threads)?) };
    let mut files_written = vec![spans_path.display().to_string(), rejected_path.display().to_string()];
    if downstream.is_some() {
        files_written.push(grown.display().to_string());
    }
    let report = SelfplayReport {
        model: opts.model_dir.display().to_string(),
        seed: opts.seed,
        real_train_spans: real,
        novelty_threshold: novelty,
        novelty_rule,
        quality_gate: gate,
        min_confidence: opts.min_confidence,
        max_synthetic,
        accepted: accepted.len(),
        candidates: candidates_total,
        rounds,
        stopped,
        diversity,
        downstream,
        files: files_written,
    };
    let report_path = opts.out.join(files::REPORT);
    crate::output::write_file(&report_path, (serde_json::to_string_pretty(&report)? + "\n").as_bytes())?;
    Ok(report)
}

/// A candidate before its gates.
struct Candidate<'a> {
    id: &'a str,
    prompt: &'a Prompt,
    responder: &'static str,
    answer: &'a str,
    status: &'static str,
    confidence: Option<f64>,
    round: usize,
    when: &'a str,
    seed: u64,
}

impl Candidate<'_> {
    fn json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "who": format!("logline-selfplay/{}", self.responder),
            "did": self.prompt.did,
            "this": self.prompt.text,
            "when": self.when,
            "status": self.status,
            "metadata": {"synthetic": {
                "seed_id": self.prompt.seed_id, "parent_id": self.prompt.parent_id, "depth": self.prompt.depth,
                "round": self.round, "responder": self.responder, "prompt": self.prompt.kind,
                "confidence": self.confidence, "selfplay_seed": self.seed,
            }},
        });
        v[if self.status == "failed" { "if_not" } else { "if_ok" }] = json!(self.answer);
        if let Some(d) = &self.prompt.domain {
            v["context"] = json!({"environment": d});
        }
        v
    }
}

/// What the gates need.
struct Judges<'a> {
    stages: &'a StagePool,
    tagger: &'a Tagger,
    scorer: &'a Scorer,
    gate: f64,
    embedder: &'a Embedder,
    combined: CombinedMode,
    min_confidence: f64,
    leakage: &'a Leakage,
    model: &'a Model,
    accepted: &'a [Vec<f32>],
    /// Exact-duplicate keys (`dedupe::exact_key`) of every span in the index.
    texts: &'a HashSet<[u8; 16]>,
}

/// Every gate but novelty; on success the span, its trajectory and vectors,
/// and its nearest neighbour's cosine similarity in the whole index.
fn judge(c: &Candidate<'_>, j: &Judges<'_>) -> Result<(Span, Read, f32), (&'static str, String)> {
    let text = c.json().to_string();
    let mut span = parse_span(&text, Mode::Input).map_err(|(reasons, _)| {
        ("validation", reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
    })?;
    crate::derive::text_facts(&mut span, j.tagger);
    let mut stages = j.stages.take();
    let out = chain::run_with(&mut stages, span, Derive { tagger: j.tagger, embed: None });
    j.stages.give_back(stages);
    let out = out.map_err(|f| ("chain", f.to_string()))?;
    if let Some(x) = out.rejected.first() {
        return Err(("chain", x.failure.to_string()));
    }
    let Some(item) = out.items.into_iter().find(|i| i.variant_of.is_none()) else {
        let why = out.dropped.first().map_or("dropped".to_string(), |d| format!("{}: {}", d.enzyme, d.reason));
        return Err(("chain", why));
    };
    let mut span = item.span;
    crate::derive::embed_spans(j.embedder, std::slice::from_mut(&mut span), j.combined)
        .map_err(|e| ("chain", format!("{e:#}")))?;
    let verdict = j.scorer.judge(&span, Signals::of(&span));
    if !verdict.caps.is_empty() {
        let caps: Vec<String> = verdict.caps.iter().map(|c| format!("{}: {}", c.reason.as_str(), c.detail)).collect();
        return Err(("garbage", caps.join("; ")));
    }
    if verdict.score < j.gate {
        return Err(("quality_gate", format!("score {:.1} < {}", verdict.score, j.gate)));
    }
    if let Some(conf) = c.confidence.filter(|&x| x < j.min_confidence) {
        return Err(("confidence", format!("calibrated confidence {conf:.3} < {}", j.min_confidence)));
    }
    let read = Read::all_of(std::slice::from_ref(&span), j.embedder)
        .map_err(|e| ("chain", format!("{e:#}")))?
        .pop()
        .ok_or(("chain", "no trajectory".to_string()))?;
    let text = format!("{}\n{}", span.this, read.t.outcome);
    match j.leakage.check(&text, &read.query, &read.combined) {
        Some(Leak::Embedding(id, cos)) => {
            return Err(("leakage_embedding", format!("cosine similarity {cos:.3} to held-out span {id}")));
        }
        Some(Leak::Ngram(id)) => {
            return Err(("leakage_ngram", format!("shares a {}-gram with held-out span {id}", j.leakage.n)));
        }
        None => {}
    }
    if j.texts.contains(&crate::dedupe::exact_key(&read.t.query, Some(&read.t.outcome))) {
        return Err(("dedupe", "the same request and outcome are already in the index".to_string()));
    }
    let v = read.index_vector(j.model.params().index_on);
    let (row, nn) = nearest(v, j.model.vectors.as_slice(), j.model.manifest.dims, j.accepted).unwrap_or((0, -1.0));
    if nn > defaults::DEDUPE_COSINE {
        let with = j.model.records.get(row).map_or_else(|| "an accepted synthetic span".to_string(), |r| r.id.clone());
        return Err(("dedupe", format!("nearest cosine similarity {nn:.3} > {} ({with})", defaults::DEDUPE_COSINE)));
    }
    Ok((span, read, nn))
}

fn reject(rr: &mut RoundReport, lines: &mut Vec<String>, c: &Candidate<'_>, gate: &'static str, detail: String) {
    *rr.rejected.entry(gate).or_default() += 1;
    lines.push(
        json!({"id": c.id, "round": c.round, "gate": gate, "detail": detail, "responder": c.responder,
               "prompt": c.prompt.kind, "seed_id": c.prompt.seed_id, "depth": c.prompt.depth,
               "this": c.prompt.text, "answer": c.answer})
        .to_string(),
    );
}

/// The chain's variants of a parent prompt: their `this`.
fn variations(stages: &StagePool, tagger: &Tagger, parent: &Prompt, when: &str) -> anyhow::Result<Vec<String>> {
    let line = json!({"id": format!("prompt-{}", parent.parent_id), "who": "logline-selfplay", "did": parent.did,
                      "this": parent.text, "when": when, "status": "pending"});
    let Ok(mut span) = parse_span(&line.to_string(), Mode::Input) else { return Ok(Vec::new()) };
    crate::derive::text_facts(&mut span, tagger);
    let mut st = stages.take();
    let out = chain::run_with(&mut st, span, Derive { tagger, embed: None });
    stages.give_back(st);
    let Ok(out) = out else { return Ok(Vec::new()) };
    Ok(out
        .items
        .into_iter()
        .filter(|i| i.variant_of.is_some())
        .map(|i| i.span.this)
        .filter(|t| *t != parent.text)
        .collect())
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 }
}

/// Write `lines` to `path` the one way LogLine writes a whole file.
fn write_lines<'a>(path: &Path, lines: impl Iterator<Item = &'a str>) -> anyhow::Result<()> {
    crate::output::write_file_with(path, |w| {
        for l in lines {
            w.write_all(l.as_bytes())?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// Vendi scores of real spans alone and of real spans with the synthetic
/// ones mixed in, at equal n (all, then per domain): the mix replaces
/// `m` real spans (a seeded choice) by the `m` synthetic ones, m ≤ n / 2.
fn diversity(model: &Model, accepted: &[Accepted], seed: u64) -> Vec<Diversity> {
    let dims = model.manifest.dims;
    let mut domains: Vec<Option<String>> = vec![None];
    let mut seen: Vec<String> = model.records.iter().filter_map(|r| r.domain.clone()).collect();
    seen.sort();
    seen.dedup();
    domains.extend(seen.into_iter().map(Some));
    let mut out = Vec::new();
    for d in domains {
        let real: Vec<&[f32]> = model
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| d.is_none() || r.domain == d)
            .map(|(i, _)| model.vectors.row(i))
            .collect();
        let synth: Vec<&[f32]> =
            accepted.iter().filter(|a| d.is_none() || a.domain == d).map(|a| a.index_vec.as_slice()).collect();
        let n = real.len();
        let m = synth.len().min(n / 2);
        if n < 2 || m == 0 {
            continue;
        }
        // Replace m real rows, chosen by a seeded shuffle, by m synthetic ones.
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = SplitMix64::new(seed ^ 0x5eed);
        for i in (1..n).rev() {
            order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        let mut mix: Vec<&[f32]> = order[m..].iter().map(|&i| real[i]).collect();
        mix.extend(synth.iter().take(m).copied());
        out.push(Diversity {
            domain: d.unwrap_or_else(|| "(all)".into()),
            n,
            synthetic_in_mix: m,
            real_only: vendi::vendi(&real, dims),
            real_plus_synthetic: vendi::vendi(&mix, dims),
        });
    }
    out
}

/// Grow a copy of the model with the synthetic spans (`train --add`) and
/// evaluate both on the real test split.
fn downstream(
    model: &Model,
    grown: &Path,
    spans: &Path,
    embedder: &Embedder,
    threads: usize,
) -> anyhow::Result<Downstream> {
    if grown.exists() {
        std::fs::remove_dir_all(grown).with_context(|| format!("clearing {}", grown.display()))?;
    }
    crate::output::copy_dir(&model.dir, grown)?;
    for stale in [crate::serve::wal::FILE, crate::matcher::train::files::EVAL] {
        let _ = std::fs::remove_file(grown.join(stale));
    }
    crate::matcher::add(grown, spans, embedder, threads)?;
    let without = eval::evaluate(model)?;
    let with = eval::evaluate(&Model::load(grown)?)?;
    let (a0, a1) = (without.outcome.matcher.accuracy, with.outcome.matcher.accuracy);
    let n = without.test;
    let verdict = if (a1 - a0).abs() < 1e-12 {
        format!("the synthetic spans did not change outcome accuracy on the {n} real test spans ({a0:.3})")
    } else if a1 > a0 {
        format!(
            "outcome accuracy on the {n} real test spans rose from {a0:.3} to {a1:.3} ({:+.0} of them); on so few spans that is not evidence of a gain",
            (a1 - a0) * n as f64
        )
    } else {
        format!("the synthetic spans made outcome accuracy on the {n} real test spans worse: {a0:.3} → {a1:.3}")
    };
    Ok(Downstream {
        test_spans: n,
        accuracy_without: a0,
        accuracy_with: a1,
        brier_without: without.outcome.matcher.brier,
        brier_with: with.outcome.matcher.brier,
        coverage_without: without.conformal.coverage,
        coverage_with: with.conformal.coverage,
        set_size_without: without.conformal.mean_set_size,
        set_size_with: with.conformal.mean_set_size,
        verdict,
    })
}

impl SelfplayReport {
    /// The readable summary.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "self-play on {} ({} real train spans, seed {}): {} of {} candidates accepted",
            self.model, self.real_train_spans, self.seed, self.accepted, self.candidates
        );
        let _ = writeln!(
            s,
            "gates: quality ≥ {}, confidence ≥ {}, leakage < {} cosine / no shared {}-gram, dedupe ≤ {}, novelty ≤ {:.3} ({})",
            self.quality_gate,
            self.min_confidence,
            defaults::LEAK_COSINE,
            defaults::LEAK_NGRAM,
            defaults::DEDUPE_COSINE,
            self.novelty_threshold,
            self.novelty_rule
        );
        let _ = writeln!(s, "\nround  prompts (seed/var)  candidates  accepted  rejected by gate");
        for r in &self.rounds {
            let rej: Vec<String> = r.rejected.iter().map(|(g, n)| format!("{g} {n}")).collect();
            let _ = writeln!(
                s,
                "{:>5}  {:>7}/{:<10} {:>10}  {:>8}  {}",
                r.round,
                r.seeds,
                r.variations,
                r.candidates,
                r.accepted,
                rej.join(", ")
            );
            let nov: Vec<String> = r.novelty_acceptance.iter().map(|(t, n)| format!("≤{t}: {n}")).collect();
            if !nov.is_empty() {
                let _ = writeln!(
                    s,
                    "       novelty acceptance of the candidates that passed every other gate: {}",
                    nov.join(", ")
                );
            }
        }
        if !self.diversity.is_empty() {
            let _ = writeln!(
                s,
                "\nVendi score (cosine kernel) at equal n: domain, n, synthetic in the mix, real only → real + synthetic"
            );
            for d in &self.diversity {
                let _ = writeln!(
                    s,
                    "  {}  {}  {}  {:.2} → {:.2}",
                    d.domain, d.n, d.synthetic_in_mix, d.real_only, d.real_plus_synthetic
                );
            }
        }
        if let Some(d) = &self.downstream {
            let _ = writeln!(
                s,
                "\nheld-out real test split ({} spans), without → with the synthetic spans: accuracy {:.3} → {:.3}, Brier {:.4} → {:.4}, coverage {:.3} → {:.3}, set size {:.2} → {:.2}\n{}",
                d.test_spans,
                d.accuracy_without,
                d.accuracy_with,
                d.brier_without,
                d.brier_with,
                d.coverage_without,
                d.coverage_with,
                d.set_size_without,
                d.set_size_with,
                d.verdict
            );
        } else {
            let _ = writeln!(s, "\nno synthetic span was accepted: nothing to evaluate");
        }
        if let Some(why) = &self.stopped {
            let _ = writeln!(s, "\n{why}");
        }
        s
    }
}
