//! Phase 4 (SPEC §5.4), the ensemble: domain matchers over one model,
//! stacked.
//!
//! - **Experts.** The global matcher (the model as it is), and one matcher
//!   per domain (`context.environment`, or `did`) with at least
//!   `min_domain` train spans: the same IVF + HNSW index searched among
//!   that domain's trajectories only. Smaller domains, and spans with no
//!   domain, fold into one general matcher. A request meets two experts:
//!   the global one and its own domain's (or the general one).
//! - **Candidates.** Each expert predicts an outcome with a confidence
//!   (the model's Platt). Agreeing outcomes (cosine ≥ τ) are one candidate.
//! - **Stacking.** A logistic model scores each candidate from which
//!   experts back it and how confident each is. It is fitted, with the
//!   Phase 2 fit (Newton, L2 chosen by 5-fold cross-validation), on the
//!   calibration split: those requests were never in the index, so every
//!   expert's output on them is out of sample. The candidate with the
//!   highest score is predicted, and the score is its confidence.
//! - **Baseline.** The guide's fixed weights cannot apply here: a request
//!   meets two experts, not four. The baseline keeps its idea, fixed weights
//!   set by hand: 0.5 and 0.5, each expert's confidence times its weight.
//! - **Conformal.** Mondrian (one threshold per domain) split conformal on
//!   the calibration split. The nonconformity of an outcome is 1 − the
//!   stacked score of the candidate it agrees with, or 2 − its best cosine
//!   with a candidate when it agrees with none.

use super::conformal::{Conformal, within};
use super::platt::{self, Platt};
use super::predict::{Model, log_odds, open_within};
use super::split::Split;
use super::{HeldOut, Trajectory};
use crate::vector::dot;
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// What a domain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// `context.environment`.
    Environment,
    Did,
}

impl By {
    pub(super) fn key(self, t: &Trajectory) -> Option<&str> {
        match self {
            By::Environment => t.domain.as_deref(),
            By::Did => Some(t.did.as_str()),
        }
    }
}

/// The defaults of `logline ensemble`, in one place.
pub mod defaults {
    /// Train spans a domain needs for a matcher of its own.
    pub const MIN_DOMAIN: usize = 30;
    /// The fixed-weight baseline: (global, domain).
    pub const FIXED_WEIGHTS: [f64; 2] = [0.5, 0.5];
}

/// The stacking features of a candidate, in order.
pub const STACK_FEATURES: [&str; 6] =
    ["best_backing_log_odds", "global_log_odds", "global_backs", "domain_log_odds", "domain_backs", "both_back"];

/// One expert.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Expert {
    /// `global`, `general`, or the domain.
    pub name: String,
    pub train_spans: usize,
}

/// `ens/ensemble.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ensemble {
    /// The model folder it was built over (absolute; `logline distill`
    /// reads it). Older files lack it: `distill --model` names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<std::path::PathBuf>,
    /// The SHA-256 of that model's manifest: a model changed since is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_manifest_sha256: Option<String>,
    pub by: By,
    pub min_domain: usize,
    pub experts: Vec<Expert>,
    pub stacking: Platt,
    /// Why the stacking is not a fit, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stacking_note: Option<String>,
    pub fixed_weights: [f64; 2],
    /// Mondrian thresholds per domain expert name (and the global one).
    pub conformal: Conformal,
    pub tau: f64,
}

/// An expert's answer for one request.
#[derive(Debug, Clone)]
struct Said {
    row: u32,
    conf: f64,
}

/// A candidate outcome and its backers.
#[derive(Debug, Clone)]
struct Candidate {
    row: u32,
    global: Option<f64>,
    domain: Option<f64>,
}

impl Candidate {
    fn features(&self) -> Vec<f64> {
        let best = self.global.unwrap_or(0.0).max(self.domain.unwrap_or(0.0));
        vec![
            log_odds(best),
            self.global.map_or(0.0, log_odds),
            f64::from(u8::from(self.global.is_some())),
            self.domain.map_or(0.0, log_odds),
            f64::from(u8::from(self.domain.is_some())),
            f64::from(u8::from(self.global.is_some() && self.domain.is_some())),
        ]
    }
}

/// Which domain expert each train row belongs to, and which a request
/// meets: owned, so a loaded student keeps it (built once per model).
pub(super) struct Domains {
    by: By,
    /// Expert name of each domain key that has its own matcher.
    own: BTreeMap<String, usize>,
    pub(super) list: Vec<Expert>,
    /// The domain expert of each train row.
    row_expert: Vec<usize>,
}

impl Domains {
    pub(super) fn new(model: &Model, by: By, min_domain: usize) -> Self {
        let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
        for r in &model.records {
            if let Some(k) = by.key(r) {
                *sizes.entry(k.to_string()).or_default() += 1;
            }
        }
        // Parenthesised: no domain value can take these names.
        let mut list = vec![Expert { name: "(global)".into(), train_spans: model.records.len() }];
        let mut own = BTreeMap::new();
        for (k, n) in &sizes {
            if *n >= min_domain {
                own.insert(k.clone(), list.len());
                list.push(Expert { name: k.clone(), train_spans: *n });
            }
        }
        let general = list.len();
        let row_expert: Vec<usize> =
            model.records.iter().map(|r| by.key(r).and_then(|k| own.get(k).copied()).unwrap_or(general)).collect();
        let n_general = row_expert.iter().filter(|&&e| e == general).count();
        list.push(Expert { name: "(general)".into(), train_spans: n_general });
        Domains { by, own, list, row_expert }
    }

    /// The domain expert a request of key `k` meets.
    pub(super) fn local_of(&self, k: Option<&str>) -> usize {
        k.and_then(|k| self.own.get(k).copied()).unwrap_or(self.list.len() - 1)
    }

    /// The domain expert of a row: the model's, or past its end (spans
    /// learned while serving) by the trajectory's own domain.
    pub(super) fn expert_of_row(&self, row: u32, t: &Trajectory) -> usize {
        match self.row_expert.get(row as usize) {
            Some(&e) => e,
            None => self.local_of(self.by.key(t)),
        }
    }
}

/// The experts over a model: which rows each holds.
struct Experts<'a> {
    model: &'a Model,
    d: Domains,
}

impl<'a> Experts<'a> {
    fn new(model: &'a Model, by: By, min_domain: usize) -> Self {
        Experts { model, d: Domains::new(model, by, min_domain) }
    }

    fn local_of(&self, k: Option<&str>) -> usize {
        self.d.local_of(k)
    }

    /// Expert `e`'s prediction for a unit request vector.
    fn say(&self, e: usize, q: &[f32]) -> Option<Said> {
        let m = self.model;
        if self.d.list[e].train_spans == 0 {
            return None;
        }
        let keep = |row: u32| self.d.row_expert[row as usize] == e;
        let a = m.analyse(m.search_where(q, m.params().k, (e != 0).then_some(&keep as &dyn Fn(u32) -> bool)))?;
        Some(Said { row: a.predicted_row(), conf: m.calibration.outcome.prob(&a.features) })
    }

    /// The candidates for a request: the global expert's and the domain
    /// expert's outcomes, merged when they agree.
    fn candidates(&self, q: &[f32], key: Option<&str>) -> Vec<Candidate> {
        let tau = self.model.params().tau;
        let g = self.say(0, q);
        let d = self.say(self.local_of(key), q);
        let mut out: Vec<Candidate> = Vec::new();
        if let Some(g) = &g {
            out.push(Candidate { row: g.row, global: Some(g.conf), domain: None });
        }
        if let Some(d) = &d {
            let agree = out.iter_mut().find(|c| {
                f64::from(dot(self.model.outcomes.row(c.row as usize), self.model.outcomes.row(d.row as usize))) >= tau
            });
            match agree {
                Some(c) => c.domain = Some(d.conf),
                None => out.push(Candidate { row: d.row, global: None, domain: Some(d.conf) }),
            }
        }
        out
    }
}

/// Whether candidate row `row` agrees with the reference outcome vector.
fn cos(model: &Model, row: u32, truth: &[f32]) -> f64 {
    f64::from(dot(model.outcomes.row(row as usize), truth))
}

/// Nonconformity of the truth against scored candidates `(outcome row,
/// score)` (see the module docs).
fn nonconformity(model: &Model, scored: &[(u32, f64)], truth: &[f32], tau: f64) -> f64 {
    let pairs: Vec<(f64, f64)> = scored.iter().map(|&(row, p)| (p, cos(model, row, truth))).collect();
    super::predict::nonconformity(&pairs, tau)
}

/// Folds of the calibration split for the out-of-fold conformal scores
/// (a thread's requests in one fold: [`platt::folds_of_groups`]).
pub(super) const CONFORMAL_FOLDS: usize = 5;
/// The nonconformity of a request no expert answers (above any candidate's, ≤ 2).
const NO_CANDIDATE: f64 = 3.0;

/// The stacking fit; with one class only it can only say the base rate,
/// and the most confident backer's own (Platt) confidence says more, so
/// that is kept (and the note says why).
fn fit_stacking(xs: &[Vec<f64>], ys: &[bool], threads: &[&str]) -> (Platt, Option<String>) {
    let stacking = platt::fit_grouped(&STACK_FEATURES, xs, ys, threads);
    if stacking.positives == 0 || stacking.negatives == 0 {
        let note = format!(
            "the calibration split's candidates are all {} ({} of them): the ensemble trusts the most confident backer",
            if stacking.positives == 0 { "wrong" } else { "right" },
            stacking.positives + stacking.negatives
        );
        (Platt { weights: vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0], intercept: 0.0, uses: vec![0], ..stacking }, Some(note))
    } else {
        (stacking, None)
    }
}

/// Fit the ensemble on the model's calibration split.
pub fn build(model: &Model, by: By, min_domain: usize) -> anyhow::Result<Ensemble> {
    let experts = Experts::new(model, by, min_domain);
    let tau = model.params().tau;
    let teacher = Teacher::over(model, &experts, by, tau);
    anyhow::ensure!(
        !teacher.items.is_empty(),
        "{} has no calibration split to fit the ensemble on",
        model.dir.display()
    );
    let (stacking, stacking_note) = teacher.fit(&|_| true);
    // Conformal scores from out-of-fold stacking (5 folds of the
    // calibration split): scores from the fit that saw an item would be
    // optimistic, and the thresholds too low. A request no expert answers
    // scores above any candidate.
    let mut all = Vec::with_capacity(teacher.items.len());
    let mut by_expert: Vec<(f64, String)> = Vec::with_capacity(teacher.items.len());
    for ((h, _), scored) in teacher.items.iter().zip(teacher.out_of_fold()) {
        let s = if scored.is_empty() { NO_CANDIDATE } else { nonconformity(model, &scored, &h.outcome_vec, tau) };
        all.push(s);
        by_expert.push((s, experts.d.list[experts.local_of(by.key(&h.trajectory))].name.clone()));
    }
    let pairs: Vec<(f64, &str)> = by_expert.iter().map(|(s, k)| (*s, k.as_str())).collect();
    let conformal = Conformal::fit(&all, &pairs, model.params().alpha);
    Ok(Ensemble {
        model: None,
        model_manifest_sha256: None,
        by,
        min_domain,
        experts: experts.d.list.clone(),
        stacking,
        stacking_note,
        fixed_weights: defaults::FIXED_WEIGHTS,
        conformal,
        tau,
    })
}

/// The ensemble as a teacher on the calibration split: each request (in the
/// model's held-out order) with its candidates, scored by a stacking fitted
/// on the requests the caller names.
pub(super) struct Teacher<'a> {
    model: &'a Model,
    tau: f64,
    items: Vec<(&'a HeldOut, Vec<Candidate>)>,
    /// Each request's fold for out-of-fold scores: a thread's requests
    /// share one, so no score comes from a fit that saw its thread.
    folds: Vec<usize>,
}

impl<'a> Teacher<'a> {
    pub(super) fn new(model: &'a Model, ens: &Ensemble) -> Self {
        Teacher::over(model, &Experts::new(model, ens.by, ens.min_domain), ens.by, ens.tau)
    }

    /// The calibration requests and their experts' candidates.
    fn over(model: &'a Model, experts: &Experts<'_>, by: By, tau: f64) -> Self {
        let items: Vec<(&HeldOut, Vec<Candidate>)> = model
            .heldout
            .iter()
            .filter(|h| h.split == Split::Calibration)
            .map(|h| (h, experts.candidates(&h.query_vec, by.key(&h.trajectory))))
            .collect();
        let threads: Vec<&str> = items.iter().map(|(h, _)| h.trajectory.thread.as_str()).collect();
        let folds = platt::folds_of_groups(&threads, CONFORMAL_FOLDS);
        Teacher { model, tau, items, folds }
    }

    /// Request `i`'s fold.
    pub(super) fn fold(&self, i: usize) -> usize {
        self.folds[i]
    }

    /// The stacking fitted on the requests whose index `fit_on` accepts
    /// (one row per candidate: does it agree with the reference?).
    fn fit(&self, fit_on: &dyn Fn(usize) -> bool) -> (Platt, Option<String>) {
        let (mut xs, mut ys, mut threads) = (Vec::new(), Vec::new(), Vec::new());
        for (_, (h, cands)) in self.items.iter().enumerate().filter(|(i, _)| fit_on(*i)) {
            for c in cands {
                xs.push(c.features());
                ys.push(cos(self.model, c.row, &h.outcome_vec) >= self.tau);
                threads.push(h.trajectory.thread.as_str());
            }
        }
        fit_stacking(&xs, &ys, &threads)
    }

    /// The calibration requests, in order.
    pub(super) fn requests(&self) -> impl Iterator<Item = &'a HeldOut> + '_ {
        self.items.iter().map(|(h, _)| *h)
    }

    /// Each request's candidates (outcome row, stacked score), the stacking
    /// fitted on the requests whose index `fit_on` accepts.
    pub(super) fn scores(&self, fit_on: &dyn Fn(usize) -> bool) -> Vec<Vec<(u32, f64)>> {
        let fit = self.fit(fit_on).0;
        self.items.iter().map(|(_, cands)| cands.iter().map(|c| (c.row, fit.prob(&c.features()))).collect()).collect()
    }

    /// Each request's candidates scored by the stacking fitted on the other
    /// folds (the folds of the conformal scores): no score comes from a fit
    /// that saw its request.
    pub(super) fn out_of_fold(&self) -> Vec<Vec<(u32, f64)>> {
        let mut out = vec![Vec::new(); self.items.len()];
        for fold in 0..CONFORMAL_FOLDS {
            let s = self.scores(&|i| self.folds[i] != fold);
            for (i, v) in s.into_iter().enumerate().filter(|(i, _)| self.folds[*i] == fold) {
                out[i] = v;
            }
        }
        out
    }
}

/// One predictor's results on the test split.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub name: String,
    pub n: usize,
    pub accuracy: f64,
    pub brier: f64,
    pub ece: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Judged {
    /// Judge a predictor from its (confidence, correct, milliseconds) on
    /// each test request.
    pub(super) fn of(name: &str, runs: &[(f64, bool, f64)]) -> Judged {
        let n = runs.len().max(1);
        let conf: Vec<f64> = runs.iter().map(|x| x.0).collect();
        let correct: Vec<bool> = runs.iter().map(|x| x.1).collect();
        let mut ms: Vec<f64> = runs.iter().map(|x| x.2).collect();
        ms.sort_by(f64::total_cmp);
        let pct = |p: f64| ms.get(((ms.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or(0.0);
        Judged {
            name: name.to_string(),
            n: runs.len(),
            accuracy: correct.iter().filter(|&&c| c).count() as f64 / n as f64,
            brier: super::eval::brier(conf.iter().copied().zip(correct.iter().copied())),
            ece: platt::ece(&conf, &correct).0,
            p50_ms: pct(0.5),
            p99_ms: pct(0.99),
        }
    }
}

/// Per domain expert: the ensemble's results and conformal sets there.
#[derive(Debug, Clone, Serialize)]
pub struct PerDomain {
    pub expert: String,
    pub test_spans: usize,
    pub calibration_spans: usize,
    pub accuracy: f64,
    /// Of the best single predictor (the global matcher) on the same spans.
    pub global_accuracy: f64,
    pub coverage: f64,
    pub mean_set_size: f64,
}

/// `ens/eval.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleEval {
    pub test: usize,
    pub alpha: f64,
    pub predictors: Vec<Judged>,
    pub per_domain: Vec<PerDomain>,
    /// Ensemble accuracy − the best single expert's, in points.
    pub gain_points: f64,
    pub verdict: String,
}

/// Evaluate the global matcher, each request's domain matcher, the
/// fixed-weight baseline and the stacked ensemble on the test split.
pub fn evaluate(model: &Model, ens: &Ensemble) -> anyhow::Result<EnsembleEval> {
    let experts = Experts::new(model, ens.by, ens.min_domain);
    let tau = ens.tau;
    let test: Vec<&HeldOut> = model.heldout.iter().filter(|h| h.split == Split::Test).collect();
    anyhow::ensure!(!test.is_empty(), "{} has no test split", model.dir.display());
    // (confidence, correct, ms) per predictor.
    let mut runs: BTreeMap<&'static str, Vec<(f64, bool, f64)>> = BTreeMap::new();
    let mut domain_rows: BTreeMap<String, Vec<(bool, bool, bool, usize)>> = BTreeMap::new();
    for h in &test {
        let key = ens.by.key(&h.trajectory);
        let t = Instant::now();
        let g = experts.say(0, &h.query_vec);
        let g_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let local = experts.local_of(key);
        let d = experts.say(local, &h.query_vec);
        let d_ms = t.elapsed().as_secs_f64() * 1e3;
        let right = |s: &Option<Said>| s.as_ref().is_some_and(|s| cos(model, s.row, &h.outcome_vec) >= tau);
        runs.entry("global matcher").or_default().push((g.as_ref().map_or(0.0, |s| s.conf), right(&g), g_ms));
        runs.entry("domain matcher").or_default().push((d.as_ref().map_or(0.0, |s| s.conf), right(&d), d_ms));
        // The ensemble: both experts, then the candidates scored.
        let t = Instant::now();
        let cands = experts.candidates(&h.query_vec, key);
        let scored: Vec<(Candidate, f64)> =
            cands.iter().map(|c| (c.clone(), ens.stacking.prob(&c.features()))).collect();
        let e_ms = t.elapsed().as_secs_f64() * 1e3;
        let best = scored.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        let e_right = best.is_some_and(|(c, _)| cos(model, c.row, &h.outcome_vec) >= tau);
        runs.entry("stacked ensemble").or_default().push((best.map_or(0.0, |b| b.1), e_right, e_ms));
        // The fixed-weight baseline: weight × confidence of the backers.
        let fixed = cands
            .iter()
            .map(|c| {
                (c, ens.fixed_weights[0] * c.global.unwrap_or(0.0) + ens.fixed_weights[1] * c.domain.unwrap_or(0.0))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let f_right = fixed.is_some_and(|(c, _)| cos(model, c.row, &h.outcome_vec) >= tau);
        runs.entry("fixed weights 0.5/0.5").or_default().push((fixed.map_or(0.0, |f| f.1), f_right, e_ms));
        // The Mondrian set of the request's domain expert.
        let name = &experts.d.list[local].name;
        let q = ens.conformal.threshold(Some(name), true);
        let members: Vec<&(Candidate, f64)> = scored.iter().filter(|(_, p)| within(1.0 - p, q)).collect();
        // No candidate at all scores NO_CANDIDATE: covered only by an infinite threshold.
        let covered = if scored.is_empty() {
            within(NO_CANDIDATE, q)
        } else {
            members.iter().any(|(c, _)| cos(model, c.row, &h.outcome_vec) >= tau)
                || open_within(q, tau)
                    .is_some_and(|bound| scored.iter().any(|(c, _)| cos(model, c.row, &h.outcome_vec) >= bound))
        };
        domain_rows.entry(name.clone()).or_default().push((e_right, right(&g), covered, members.len()));
    }
    let order = ["global matcher", "domain matcher", "fixed weights 0.5/0.5", "stacked ensemble"];
    let predictors: Vec<Judged> = order.iter().map(|name| Judged::of(name, &runs[name])).collect();
    let cal_n = |name: &str| ens.conformal.mondrian.get(name).map_or(0, |s| s.n);
    let per_domain = domain_rows
        .into_iter()
        .map(|(name, rows)| {
            let n = rows.len() as f64;
            PerDomain {
                calibration_spans: cal_n(&name),
                expert: name,
                test_spans: rows.len(),
                accuracy: rows.iter().filter(|r| r.0).count() as f64 / n,
                global_accuracy: rows.iter().filter(|r| r.1).count() as f64 / n,
                coverage: rows.iter().filter(|r| r.2).count() as f64 / n,
                mean_set_size: rows.iter().map(|r| r.3 as f64).sum::<f64>() / n,
            }
        })
        .collect();
    let best_single = predictors[..2].iter().map(|p| p.accuracy).fold(0.0, f64::max);
    let stacked = predictors[3].accuracy;
    let gain = (stacked - best_single) * 100.0;
    let verdict = if gain >= 1.5 {
        format!("the ensemble beats the best single matcher by {gain:.1} points (target ≥ 1.5)")
    } else {
        format!(
            "the ensemble does not reach the target: {gain:+.1} points against the best single matcher (target ≥ +1.5), on {} test spans",
            test.len()
        )
    };
    Ok(EnsembleEval {
        test: test.len(),
        alpha: ens.conformal.alpha,
        predictors,
        per_domain,
        gain_points: gain,
        verdict,
    })
}

impl EnsembleEval {
    pub fn table(&self, ens: &Ensemble) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let experts: Vec<String> = ens.experts.iter().map(|e| format!("{} ({})", e.name, e.train_spans)).collect();
        let _ = writeln!(s, "experts (train spans): {}", experts.join(", "));
        let w: Vec<String> =
            ens.stacking.features.iter().zip(&ens.stacking.weights).map(|(f, w)| format!("{f} {w:+.3}")).collect();
        let _ = writeln!(
            s,
            "stacking (logistic, fitted on the calibration split): {} (intercept {:+.3})",
            w.join(", "),
            ens.stacking.intercept
        );
        let _ = writeln!(s, "\non the {} test spans:  accuracy  Brier   ECE    p50 ms  p99 ms", self.test);
        for p in &self.predictors {
            let _ = writeln!(
                s,
                "  {:<22} {:>8.3}  {:.4}  {:.3}  {:>6.3}  {:>6.3}",
                p.name, p.accuracy, p.brier, p.ece, p.p50_ms, p.p99_ms
            );
        }
        let _ = writeln!(
            s,
            "\nper domain expert (Mondrian sets at α {}):  test  cal  accuracy (global)  coverage  set",
            self.alpha
        );
        for d in &self.per_domain {
            let _ = writeln!(
                s,
                "  {:<28} {:>5} {:>4}  {:.3} ({:.3})      {:.3}     {:.2}",
                d.expert, d.test_spans, d.calibration_spans, d.accuracy, d.global_accuracy, d.coverage, d.mean_set_size
            );
        }
        let _ = writeln!(s, "\n{}", self.verdict);
        s
    }
}

/// The ensemble's file in its folder, and its evaluation beside it.
pub const FILE: &str = "ensemble.json";
pub const EVAL_FILE: &str = "eval.json";

/// Read an ensemble folder and the model folder it is over: `model` when
/// given, else the one it names. Refused when that model is not the one it
/// was built over, or changed since (ensembles written before the digest
/// was recorded pass).
pub fn open(ens_dir: &Path, model: Option<&Path>) -> anyhow::Result<(Ensemble, std::path::PathBuf)> {
    let path = ens_dir.join(FILE);
    let ens: Ensemble = super::store::read_json(&path)
        .with_context(|| format!("{} is not an ensemble folder (run `logline ensemble` first)", ens_dir.display()))?;
    let model_dir = match (model, &ens.model) {
        (Some(m), _) => m.to_path_buf(),
        (None, Some(m)) => m.clone(),
        (None, None) => anyhow::bail!(
            "{} does not name its model: run `logline ensemble` again, or give the model with `distill --model`",
            path.display()
        ),
    };
    if let Some(want) = &ens.model_manifest_sha256
        && super::student::manifest_digest(&model_dir)? != *want
    {
        anyhow::bail!(
            "{} was built over another model than {} (or over it before it changed): run `logline ensemble` again",
            path.display(),
            model_dir.display()
        );
    }
    Ok((ens, model_dir))
}

/// Build, evaluate and write `out/ensemble.json` and `out/eval.json`.
pub fn run(model_dir: &Path, out: &Path, by: By, min_domain: usize) -> anyhow::Result<(Ensemble, EnsembleEval)> {
    let model = Model::load(model_dir)?;
    let mut ens = build(&model, by, min_domain)?;
    ens.model = Some(std::fs::canonicalize(model_dir)?);
    ens.model_manifest_sha256 = Some(super::student::manifest_digest(model_dir)?);
    let eval = evaluate(&model, &ens)?;
    crate::output::ensure_dir(out)?;
    crate::output::write_file(&out.join(FILE), (serde_json::to_string_pretty(&ens)? + "\n").as_bytes())?;
    crate::output::write_file(&out.join(EVAL_FILE), (serde_json::to_string_pretty(&eval)? + "\n").as_bytes())?;
    Ok((ens, eval))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::kmeans::SplitMix64;

    /// The stacking fit is Phase 2's maximum-likelihood logistic fit: on a
    /// synthetic problem with known weights it finds them.
    #[test]
    fn stacking_recovers_known_weights_on_a_synthetic_problem() {
        let truth = [1.5, -1.0, 0.5];
        let b = -0.2;
        let mut rng = SplitMix64::new(11);
        let mut normal = || {
            // Box–Muller.
            let (u, v) = (1.0 - rng.next_f64(), rng.next_f64());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        };
        let n = 20_000;
        let xs: Vec<Vec<f64>> = (0..n).map(|_| (0..3).map(|_| normal()).collect()).collect();
        let mut rng = SplitMix64::new(12);
        let ys: Vec<bool> = xs
            .iter()
            .map(|x| rng.next_f64() < platt::sigmoid(b + truth.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()))
            .collect();
        let fit = platt::fit_with(&["a", "b", "c"], &xs, &ys, &[0, 1, 2], 0.0);
        for (w, t) in fit.weights.iter().zip(truth) {
            assert!((w - t).abs() < 0.1, "{:?} vs {truth:?}", fit.weights);
        }
        assert!((fit.intercept - b).abs() < 0.1, "{}", fit.intercept);
    }
}
