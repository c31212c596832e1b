//! Calibration (on the calibration split) and the honest evaluation (on
//! the test split): every held-out item is predicted from its request's
//! own embedding alone — what a caller sends — and scored against its
//! reference outcome.

use super::conformal::{Conformal, quantile, within};
use super::ivf;
use super::kmeans::SplitMix64;
use super::platt::{self, Bin, Platt};
use super::predict::{Model, OUTCOME_FEATURES, STATUS_FEATURES, completed, nonconformity, set_size};
use super::split::Split;
use crate::vector::dot;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The agreement thresholds the evaluation reports beside the model's τ.
pub const TAUS: [f64; 3] = [0.6, 0.7, 0.8];
/// Confidence thresholds of the abstention curve.
pub(super) const ABSTAIN_AT: [f64; 10] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/// Random re-splits of calibration ∪ test for the coverage estimate.
pub const RESPLITS: usize = 200;
/// Outcome samples behind an ECE floor (fewer per re-split: 200 of them average).
const FLOOR_DRAWS: usize = 1000;
const RESPLIT_FLOOR_DRAWS: usize = 50;

/// What the calibration split fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub tau: f64,
    /// P(predicted outcome agrees with the truth | outcome features).
    pub outcome: Platt,
    /// P(predicted status is right | status features).
    pub status: Platt,
    pub conformal: Conformal,
    /// How often each baseline is right on the calibration split (their
    /// constant confidence).
    pub baselines: Rates,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Rates {
    pub majority_outcome: f64,
    pub random_outcome: f64,
    pub majority_status: f64,
    pub random_status: f64,
}

impl Calibration {
    /// Before any calibration data: probability ½, sets hold everything.
    pub fn uncalibrated(tau: f64, alpha: f64) -> Calibration {
        Calibration {
            tau,
            outcome: platt::fit(&OUTCOME_FEATURES, &[], &[]),
            status: platt::fit(&STATUS_FEATURES, &[], &[]),
            conformal: Conformal::fit(&[], &[], alpha),
            baselines: Rates::default(),
        }
    }
}

/// One held-out item, predicted and compared with its reference.
#[derive(Debug, Clone)]
pub struct Scored {
    pub did: String,
    /// Its thread: calibration's cross-validation keeps a thread in one fold.
    pub thread: String,
    pub features: [f64; 6],
    pub raw: f64,
    pub status_features: [f64; 3],
    pub status_raw: f64,
    /// Cosine of the predicted outcome with the reference.
    pub predicted_cos: f64,
    /// Each outcome group's (share, cosine with the reference).
    pub groups: Vec<(f64, f64)>,
    pub status_pred: Option<bool>,
    pub status_truth: Option<bool>,
    /// Baselines: a random neighbour's outcome and status, and the most common outcome.
    pub random_cos: f64,
    pub random_status: Option<bool>,
    pub majority_cos: f64,
}

/// Predict every held-out item of `split` with the model as it is; with
/// `by_did`, from its own `did`'s trajectories only (as a Mondrian query).
pub fn score_split(model: &Model, split: Split, seed: u64, by_did: bool) -> Vec<Scored> {
    let items = model.heldout.iter().enumerate().filter(|(_, h)| h.split == split).map(|(i, h)| Item {
        index: i,
        trajectory: &h.trajectory,
        query: &h.query_vec,
        outcome: &h.outcome_vec,
    });
    score_items(model, items, seed, Filter { own_thread_out: false, own_did: by_did })
}

/// Train spans to predict out of fold for Platt (at most this many).
pub const OUT_OF_FOLD: usize = 5000;

/// Predict a seeded sample of train spans from the rest of the index, their
/// own thread left out — how a held-out request meets the index. Platt
/// fits on these and the calibration split (scikit-learn's
/// `CalibratedClassifierCV` fits on out-of-fold predictions the same way);
/// the conformal thresholds use the calibration split alone.
pub fn score_out_of_fold(model: &Model, seed: u64) -> Vec<Scored> {
    let rows = SplitMix64::new(seed ^ 0xF01D).sample(model.records.len(), OUT_OF_FOLD);
    let items = rows.into_iter().map(|r| Item {
        index: usize::MAX - r,
        trajectory: &model.records[r],
        query: model.queries.row(r),
        outcome: model.outcomes.row(r),
    });
    score_items(model, items, seed, Filter { own_thread_out: true, own_did: false })
}

/// Which trajectories an item's prediction may use.
#[derive(Clone, Copy)]
struct Filter {
    own_thread_out: bool,
    own_did: bool,
}

/// A span to predict and score.
struct Item<'a> {
    /// Seeds its random neighbour.
    index: usize,
    trajectory: &'a super::Trajectory,
    query: &'a [f32],
    outcome: &'a [f32],
}

fn score_items<'a>(model: &Model, items: impl Iterator<Item = Item<'a>>, seed: u64, filter: Filter) -> Vec<Scored> {
    let majority = model.manifest.majority_outcome_row as usize;
    items
        .filter_map(|it| {
            let query = super::predict::Query {
                exclude_thread: filter.own_thread_out.then_some(it.trajectory.thread.as_str()),
                did: filter.own_did.then_some(it.trajectory.did.as_str()),
                ..Default::default()
            };
            let a = model.analyse(model.neighbours(it.query, &query))?;
            let cos = |row: u32| f64::from(dot(model.outcomes.row(row as usize), it.outcome));
            let pick =
                a.hits[SplitMix64::new(seed ^ (it.index as u64).wrapping_mul(0x9E37_79B9)).below(a.hits.len())].0;
            Some(Scored {
                did: it.trajectory.did.clone(),
                thread: it.trajectory.thread.clone(),
                features: a.features,
                raw: a.raw,
                status_features: a.status_features,
                status_raw: a.status_raw,
                predicted_cos: cos(a.predicted_row()),
                groups: a.agreement_with(&model.outcomes, it.outcome),
                status_pred: a.status,
                status_truth: completed(&it.trajectory.status),
                random_cos: cos(pick),
                random_status: completed(&model.records[pick as usize].status),
                majority_cos: if model.records.is_empty() { -1.0 } else { cos(majority as u32) },
            })
        })
        .collect()
}

/// Platt for "the predicted outcome agrees with the truth at `tau`".
fn fit_outcome(items: &[&Scored], tau: f64) -> Platt {
    let xs: Vec<Vec<f64>> = items.iter().map(|s| s.features.to_vec()).collect();
    let ys: Vec<bool> = items.iter().map(|s| s.predicted_cos >= tau).collect();
    let threads: Vec<&str> = items.iter().map(|s| s.thread.as_str()).collect();
    platt::fit_grouped(&OUTCOME_FEATURES, &xs, &ys, &threads)
}

/// Mean squared error of forecast probabilities against events.
pub fn brier(forecasts: impl ExactSizeIterator<Item = (f64, bool)>) -> f64 {
    let n = forecasts.len().max(1) as f64;
    forecasts.map(|(p, y)| (p - f64::from(u8::from(y))).powi(2)).sum::<f64>() / n
}

fn rate(items: &[Scored], hit: impl Fn(&Scored) -> Option<bool>) -> f64 {
    let v: Vec<bool> = items.iter().filter_map(hit).collect();
    if v.is_empty() { 0.0 } else { v.iter().filter(|&&b| b).count() as f64 / v.len() as f64 }
}

/// Fit Platt at `tau` on out-of-fold train items and calibration items,
/// and the conformal thresholds on calibration items alone (`cal_by_did`:
/// the same items predicted from their own `did`'s trajectories, for the
/// Mondrian thresholds).
pub fn calibrate(
    cal: &[Scored],
    cal_by_did: &[Scored],
    oof: &[Scored],
    tau: f64,
    alpha: f64,
    majority_status: bool,
) -> Calibration {
    let fit_on: Vec<&Scored> = oof.iter().chain(cal).collect();
    let with_status: Vec<&&Scored> =
        fit_on.iter().filter(|s| s.status_pred.is_some() && s.status_truth.is_some()).collect();
    let sx: Vec<Vec<f64>> = with_status.iter().map(|s| s.status_features.to_vec()).collect();
    let sy: Vec<bool> = with_status.iter().map(|s| s.status_pred == s.status_truth).collect();
    let st: Vec<&str> = with_status.iter().map(|s| s.thread.as_str()).collect();
    let scores: Vec<f64> = cal.iter().map(|s| nonconformity(&s.groups, tau)).collect();
    let by_did: Vec<(f64, &str)> = cal_by_did.iter().map(|s| (nonconformity(&s.groups, tau), s.did.as_str())).collect();
    Calibration {
        tau,
        outcome: fit_outcome(&fit_on, tau),
        status: platt::fit_grouped(&STATUS_FEATURES, &sx, &sy, &st),
        conformal: Conformal::fit(&scores, &by_did, alpha),
        baselines: Rates {
            majority_outcome: rate(cal, |s| Some(s.majority_cos >= tau)),
            random_outcome: rate(cal, |s| Some(s.random_cos >= tau)),
            majority_status: rate(cal, |s| s.status_truth.map(|t| t == majority_status)),
            random_status: rate(cal, |s| Some(s.random_status? == s.status_truth?)),
        },
    }
}

/// Accuracy and Brier score of one predictor. Outcomes: the Brier score of
/// its confidence that the outcome agrees with the truth. Status: of its
/// probability that the span completed.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Skill {
    pub n: usize,
    pub accuracy: f64,
    pub brier: f64,
}

/// One predictor beside its baselines, with calibration before and after Platt.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub matcher: Skill,
    pub majority: Skill,
    pub random_neighbour: Skill,
    /// Higher accuracy than both baselines.
    pub beats_baselines: bool,
    pub ece_raw: f64,
    pub ece_platt: f64,
    /// What each ECE would be at perfect calibration, from these
    /// confidences on these items alone ([`platt::ece_floor`]).
    pub ece_raw_floor: f64,
    pub ece_platt_floor: f64,
    pub reliability: Vec<Bin>,
}

/// A predictor's answers: for the Brier score (forecast probability, event)
/// and whether it was right.
type Answers = Vec<(f64, bool, bool)>;

fn skill_of(a: &Answers) -> Skill {
    let n = a.len();
    Skill {
        n,
        accuracy: a.iter().filter(|x| x.2).count() as f64 / n.max(1) as f64,
        brier: brier(a.iter().map(|&(p, y, _)| (p, y))),
    }
}

/// `confidence` is (raw score, calibrated confidence, right) for the ECEs.
fn judge(confidence: &[(f64, f64, bool)], matcher: &Answers, majority: &Answers, random: &Answers) -> Judged {
    let raw: Vec<f64> = confidence.iter().map(|m| m.0.clamp(0.0, 1.0)).collect();
    let conf: Vec<f64> = confidence.iter().map(|m| m.1).collect();
    let y: Vec<bool> = confidence.iter().map(|m| m.2).collect();
    let (ece_platt, reliability) = platt::ece(&conf, &y);
    let (m, maj, rnd) = (skill_of(matcher), skill_of(majority), skill_of(random));
    Judged {
        matcher: m,
        majority: maj,
        random_neighbour: rnd,
        beats_baselines: m.accuracy > maj.accuracy && m.accuracy > rnd.accuracy,
        ece_raw: platt::ece(&raw, &y).0,
        ece_platt,
        ece_raw_floor: platt::ece_floor(&raw, FLOOR_DRAWS),
        ece_platt_floor: platt::ece_floor(&conf, FLOOR_DRAWS),
        reliability,
    }
}

/// Conformal sets on the test split.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub alpha: f64,
    pub target: f64,
    pub coverage: f64,
    /// Outcome groups per set (neighbours' outcomes the set names).
    pub mean_set_size: f64,
    /// Sets that also hold outcomes near their members (threshold above 2 − τ).
    pub open_share: f64,
    /// Mondrian: each test request predicted from its own `did`'s
    /// trajectories, against that `did`'s threshold (`predict --did X --mondrian`).
    pub mondrian_coverage: f64,
    pub mondrian_mean_set_size: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Abstain {
    pub below: f64,
    pub answered: f64,
    pub accuracy: f64,
}

/// Results at one agreement threshold τ.
#[derive(Debug, Clone, Serialize)]
pub struct AtTau {
    pub tau: f64,
    pub accuracy: f64,
    pub brier: f64,
    pub ece_raw: f64,
    pub ece_platt: f64,
    pub majority_accuracy: f64,
    pub random_neighbour_accuracy: f64,
    pub coverage: f64,
    pub mean_set_size: f64,
}

/// `model/eval.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub train: usize,
    pub calibration: usize,
    pub test: usize,
    pub k: usize,
    pub tau: f64,
    pub nlist: usize,
    pub nprobe: usize,
    pub outcome: Judged,
    pub status: Judged,
    pub conformal: Coverage,
    /// Coverage and ECE over `RESPLITS` random re-splits of calibration ∪
    /// test: one test split of a few hundred spans has a coverage sd of
    /// ~0.03 by itself; this is the estimate to compare with 1 − α.
    pub resplits: Resplit,
    pub abstention: Vec<Abstain>,
    pub by_tau: Vec<AtTau>,
    /// recall@10 of IVF + HNSW at `nprobe` against exact search, on the test requests.
    pub recall_at_10: f64,
}

/// Evaluate the model on its test split (recalibrating at each τ of `TAUS`
/// on its calibration split; the model's own τ uses its stored fit).
pub fn evaluate(model: &Model) -> anyhow::Result<EvalReport> {
    if !model.heldout.iter().any(|h| h.split == Split::Test) {
        anyhow::bail!(
            "{} has no test split to evaluate on (it was trained with a test share of 0)",
            model.dir.display()
        );
    }
    let seed = model.manifest.seed;
    let p = model.params();
    let cal = score_split(model, Split::Calibration, seed, false);
    let cal_by_did = score_split(model, Split::Calibration, seed, true);
    let oof = score_out_of_fold(model, seed);
    let test = score_split(model, Split::Test, seed, false);
    let test_by_did = score_split(model, Split::Test, seed, true);
    let c = &model.calibration;
    let tau = c.tau;
    let outcome = judge_outcome(&test, c, tau);
    let status = {
        let items: Vec<&Scored> = test.iter().filter(|s| s.status_truth.is_some()).collect();
        let (maj, share) = (model.manifest.majority_status, model.manifest.completed_share);
        let truth = |s: &Scored| s.status_truth == Some(true);
        // P(completed) from a confidence in the predicted status.
        let p_completed = |pred: Option<bool>, conf: f64| match pred {
            Some(true) => conf,
            Some(false) => 1.0 - conf,
            None => 0.5,
        };
        let right = |pred: Option<bool>, s: &Scored| pred.is_some() && pred == s.status_truth;
        judge(
            &items
                .iter()
                .map(|s| (s.status_raw, c.status.prob(&s.status_features), right(s.status_pred, s)))
                .collect::<Vec<_>>(),
            &items
                .iter()
                .map(|s| {
                    (p_completed(s.status_pred, c.status.prob(&s.status_features)), truth(s), right(s.status_pred, s))
                })
                .collect(),
            &items.iter().map(|s| (share, truth(s), right(Some(maj), s))).collect(),
            &items.iter().map(|s| (p_completed(s.random_status, 1.0), truth(s), right(s.random_status, s))).collect(),
        )
    };
    let abstention = ABSTAIN_AT
        .iter()
        .map(|&t| {
            let answered: Vec<&Scored> = test.iter().filter(|s| c.outcome.prob(&s.features) >= t).collect();
            Abstain {
                below: t,
                answered: answered.len() as f64 / test.len().max(1) as f64,
                accuracy: answered.iter().filter(|s| s.predicted_cos >= tau).count() as f64
                    / answered.len().max(1) as f64,
            }
        })
        .collect();
    let by_tau = TAUS
        .iter()
        .map(|&t| {
            let ct = calibrate(&cal, &cal_by_did, &oof, t, c.conformal.alpha, model.manifest.majority_status);
            let j = judge_outcome(&test, &ct, t);
            let (coverage, size, _) = cover(&test, &ct.conformal, t, false);
            AtTau {
                tau: t,
                accuracy: j.matcher.accuracy,
                brier: j.matcher.brier,
                ece_raw: j.ece_raw,
                ece_platt: j.ece_platt,
                majority_accuracy: j.majority.accuracy,
                random_neighbour_accuracy: j.random_neighbour.accuracy,
                coverage,
                mean_set_size: size,
            }
        })
        .collect();
    let (coverage, mean_set_size, open_share) = cover(&test, &c.conformal, tau, false);
    let (mondrian_coverage, mondrian_mean_set_size, _) = cover(&test_by_did, &c.conformal, tau, true);
    let resplits = resplit(&cal, &test, &oof, tau, c.conformal.alpha, seed);
    let queries: Vec<&[f32]> =
        model.heldout.iter().filter(|h| h.split == Split::Test).map(|h| h.query_vec.as_slice()).collect();
    Ok(EvalReport {
        train: model.records.len(),
        calibration: cal.len(),
        test: test.len(),
        k: p.k,
        tau,
        nlist: model.ivf.nlist(),
        nprobe: p.nprobe,
        outcome,
        status,
        conformal: Coverage {
            alpha: c.conformal.alpha,
            target: 1.0 - c.conformal.alpha,
            coverage,
            mean_set_size,
            open_share,
            mondrian_coverage,
            mondrian_mean_set_size,
        },
        resplits,
        abstention,
        by_tau,
        recall_at_10: ivf::recall_at(&model.ivf, model.vectors.as_slice(), &queries, 10, p.nprobe),
    })
}

fn judge_outcome(test: &[Scored], c: &Calibration, tau: f64) -> Judged {
    let conf: Vec<(f64, f64, bool)> =
        test.iter().map(|s| (s.raw, c.outcome.prob(&s.features), s.predicted_cos >= tau)).collect();
    judge(
        &conf,
        &conf.iter().map(|&(_, p, y)| (p, y, y)).collect(),
        &test.iter().map(|s| (c.baselines.majority_outcome, s.majority_cos >= tau, s.majority_cos >= tau)).collect(),
        &test.iter().map(|s| (c.baselines.random_outcome, s.random_cos >= tau, s.random_cos >= tau)).collect(),
    )
}

/// Coverage, mean set size and share of open sets on `items`.
fn cover(items: &[Scored], c: &Conformal, tau: f64, mondrian: bool) -> (f64, f64, f64) {
    let n = items.len().max(1) as f64;
    let (mut covered, mut size, mut open) = (0usize, 0usize, 0usize);
    for s in items {
        let q = c.threshold(Some(&s.did), mondrian);
        covered += usize::from(within(nonconformity(&s.groups, tau), q));
        let (k, o) = set_size(s.groups.iter().map(|g| g.0), q, tau);
        size += k;
        open += usize::from(o);
    }
    (covered as f64 / n, size as f64 / n, open as f64 / n)
}

/// Over `RESPLITS` random re-splits of calibration ∪ test (same sizes;
/// exchangeable, as the guarantee assumes): coverage mean and sd, and the
/// mean ECE of the raw score and of Platt refitted on each calibration part
/// (with the out-of-fold train items).
fn resplit(cal: &[Scored], test: &[Scored], oof: &[Scored], tau: f64, alpha: f64, seed: u64) -> Resplit {
    let pool: Vec<&Scored> = cal.iter().chain(test).collect();
    if cal.is_empty() || test.is_empty() {
        return Resplit::default();
    }
    let mut rng = SplitMix64::new(seed ^ 0xC0FE);
    let mut order: Vec<usize> = (0..pool.len()).collect();
    let mut out = Resplit::default();
    let mut covs = Vec::with_capacity(RESPLITS);
    for _ in 0..RESPLITS {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let (c, t): (Vec<&Scored>, Vec<&Scored>) = (
            order[..cal.len()].iter().map(|&i| pool[i]).collect(),
            order[cal.len()..].iter().map(|&i| pool[i]).collect(),
        );
        let q = quantile(&c.iter().map(|s| nonconformity(&s.groups, tau)).collect::<Vec<_>>(), alpha);
        covs.push(t.iter().filter(|s| within(nonconformity(&s.groups, tau), q)).count() as f64 / t.len() as f64);
        let fit = fit_outcome(&oof.iter().chain(c.iter().copied()).collect::<Vec<_>>(), tau);
        let y: Vec<bool> = t.iter().map(|s| s.predicted_cos >= tau).collect();
        let raw: Vec<f64> = t.iter().map(|s| s.raw.clamp(0.0, 1.0)).collect();
        let cal: Vec<f64> = t.iter().map(|s| fit.prob(&s.features)).collect();
        out.ece_raw += platt::ece(&raw, &y).0;
        out.ece_platt += platt::ece(&cal, &y).0;
        out.ece_raw_floor += platt::ece_floor(&raw, RESPLIT_FLOOR_DRAWS);
        out.ece_platt_floor += platt::ece_floor(&cal, RESPLIT_FLOOR_DRAWS);
        out.brier_raw += brier(raw.iter().copied().zip(y.iter().copied()));
        out.brier_platt += brier(cal.iter().copied().zip(y.iter().copied()));
    }
    let r = RESPLITS as f64;
    out.coverage = covs.iter().sum::<f64>() / r;
    out.coverage_sd = (covs.iter().map(|c| (c - out.coverage).powi(2)).sum::<f64>() / r).sqrt();
    out.ece_raw /= r;
    out.ece_platt /= r;
    out.ece_raw_floor /= r;
    out.ece_platt_floor /= r;
    out.brier_raw /= r;
    out.brier_platt /= r;
    out
}

/// Means over random re-splits of calibration ∪ test.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Resplit {
    pub coverage: f64,
    pub coverage_sd: f64,
    pub ece_raw: f64,
    pub ece_platt: f64,
    pub ece_raw_floor: f64,
    pub ece_platt_floor: f64,
    pub brier_raw: f64,
    pub brier_platt: f64,
}

impl EvalReport {
    /// The readable table.
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "trajectory matcher: {} train, {} calibration, {} test spans; k {}, τ {}, IVF {} partitions, nprobe {} (recall@10 {:.3} vs exact)",
            self.train, self.calibration, self.test, self.k, self.tau, self.nlist, self.nprobe, self.recall_at_10
        );
        for (name, j) in [("outcome", &self.outcome), ("status", &self.status)] {
            let _ = writeln!(s, "\n{name} (n {}):  accuracy  Brier", j.matcher.n);
            for (who, k) in
                [("matcher", &j.matcher), ("most common", &j.majority), ("random neighbour", &j.random_neighbour)]
            {
                let _ = writeln!(s, "  {who:<18} {:>7.3} {:>7.3}", k.accuracy, k.brier);
            }
            let _ = writeln!(
                s,
                "  {} both baselines; ECE {:.3} raw → {:.3} after Platt (perfectly calibrated, these confidences would show {:.3} → {:.3} on {} spans)",
                if j.beats_baselines { "beats" } else { "does NOT beat" },
                j.ece_raw,
                j.ece_platt,
                j.ece_raw_floor,
                j.ece_platt_floor,
                j.matcher.n
            );
        }
        let _ = writeln!(s, "\nreliability (outcome, after Platt): bin  n  confidence  accuracy");
        for b in &self.outcome.reliability {
            let _ = writeln!(
                s,
                "  {:.1}–{:.1} {:>5} {:>10.3} {:>9.3}",
                b.from / 100.0,
                b.to / 100.0,
                b.spans,
                b.mean_estimate / 100.0,
                b.mean_label / 100.0
            );
        }
        let c = &self.conformal;
        let _ = writeln!(
            s,
            "\nconformal (α {}): coverage {:.3} (target {:.2}; this split alone has sd ≈ {:.3}), mean set {:.2} outcomes, {:.0}% open; Mondrian per did {:.3} (mean set {:.2})",
            c.alpha,
            c.coverage,
            c.target,
            (c.target * c.alpha / self.test.max(1) as f64).sqrt(),
            c.mean_set_size,
            100.0 * c.open_share,
            c.mondrian_coverage,
            c.mondrian_mean_set_size,
        );
        let r = &self.resplits;
        let _ = writeln!(
            s,
            "over {RESPLITS} random re-splits of calibration ∪ test: coverage {:.3} ± {:.3} (target {:.2}); outcome ECE {:.3} raw → {:.3} after Platt (at perfect calibration {:.3} → {:.3}), Brier {:.4} → {:.4}",
            r.coverage,
            r.coverage_sd,
            c.target,
            r.ece_raw,
            r.ece_platt,
            r.ece_raw_floor,
            r.ece_platt_floor,
            r.brier_raw,
            r.brier_platt
        );
        let _ = writeln!(s, "\nabstain below confidence:  answered  accuracy");
        for a in &self.abstention {
            let _ = writeln!(s, "  {:.1} {:>22.3} {:>9.3}", a.below, a.answered, a.accuracy);
        }
        let _ = writeln!(s, "\nτ     accuracy  Brier  ECE raw→Platt  most common  random nb.  coverage  set");
        for t in &self.by_tau {
            let _ = writeln!(
                s,
                "{:.1} {:>10.3} {:>6.3} {:>7.3}→{:.3} {:>12.3} {:>10.3} {:>9.3} {:>4.2}",
                t.tau,
                t.accuracy,
                t.brier,
                t.ece_raw,
                t.ece_platt,
                t.majority_accuracy,
                t.random_neighbour_accuracy,
                t.coverage,
                t.mean_set_size
            );
        }
        s
    }
}
