//! Phase 4's student (SPEC §5.4, distillation): one small network that
//! answers as the ensemble does, from one search instead of one per expert.
//!
//! - **What it sees.** The global matcher's single search: the top-k
//!   neighbours grouped by agreeing outcome, as the matcher groups them.
//!   Each group is described by [`FEATURES`]: its share of the vote, its
//!   best and mean similarity, its size, whether the matcher picked it, and
//!   `domain_share`, the part of its weight that comes from the request's
//!   own domain expert. That last one is what the ensemble's domain matcher
//!   adds, read off the same search instead of a second, filtered one.
//! - **What it learns.** For each group, the probability that its outcome
//!   is right, from a target that mixes the teacher and the truth
//!   (Hinton et al. 2015): `λ · p_ensemble + (1 − λ) · correct`, where
//!   `p_ensemble` is the stacked score the ensemble gives the candidate
//!   that agrees with the group (0 when none does), computed out of fold on
//!   the calibration split, and `correct` is whether the group's outcome
//!   agrees with the reference (cosine ≥ τ). The network is one hidden
//!   layer (tanh), trained full-batch with AdamW on the binary cross-entropy
//!   against those soft targets, in candle.
//! - **Why candle.** Soft targets need a loss of one's own over a small
//!   network: candle (Hugging Face, maintained, pure-Rust CPU backend) has
//!   autograd, AdamW and `binary_cross_entropy_with_logit`. linfa's logistic
//!   regression takes hard labels only, and burn builds far more than this
//!   needs. Weights are initialised here from the seed (candle's CPU random
//!   numbers cannot be seeded), and inference is plain Rust over the saved
//!   weights: answering needs no tensor library.
//! - **Calibration and sets.** The answer is the group with the highest
//!   score. Its confidence is Platt scaling of that score, fitted on
//!   out-of-fold scores (5 folds of the calibration split, a thread's
//!   requests in one fold, each scored by a network trained on the other
//!   four); the Mondrian conformal sets per
//!   domain expert use the same out-of-fold scores and the ensemble's
//!   nonconformity (1 − the calibrated score of the group that agrees with
//!   the truth, 2 − the best cosine when none does, 3 with no group).
//! - **Requests at serve time.** The request's domain is `--domain` (or
//!   `--did` when the ensemble is `--by did`); it tells the student which
//!   expert's share to read, and is not a filter: the student always
//!   searches the whole index, as it was trained.

use super::conformal::{Conformal, within};
use super::ensemble::{self, By, CONFORMAL_FOLDS, Domains, Ensemble, EnsembleEval, Judged, Teacher};
use super::platt::{self, Platt};
use super::predict::{Analysis, Model, Pick, Prediction, Query, Side, open_within};
use super::split::Split;
use crate::vector::dot;
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The student's file in its folder.
pub const FILE: &str = "student.json";
/// Its evaluation, beside it.
pub const EVAL_FILE: &str = "eval.json";

/// The defaults of `logline distill`, in one place.
pub mod defaults {
    /// Hidden units.
    pub const HIDDEN: usize = 16;
    /// Full-batch AdamW steps.
    pub const EPOCHS: usize = 300;
    pub const LEARNING_RATE: f64 = 0.02;
    pub const WEIGHT_DECAY: f64 = 0.01;
    /// Weight of the teacher's soft output against the real label.
    pub const LAMBDA: f64 = 0.5;
    pub const SEED: u64 = 42;
}

/// The features of a group, in order.
pub const FEATURES: [&str; 8] = [
    "share",
    "top_similarity",
    "mean_similarity",
    "rows_per_k",
    "picked_by_matcher",
    "domain_share",
    "query_top1_similarity",
    "matcher_confidence",
];
const F: usize = FEATURES.len();
/// Folds of the calibration split for the out-of-fold scores: the
/// ensemble's own, so the teacher's folds and the student's agree.
const FOLDS: usize = CONFORMAL_FOLDS;
/// Nonconformity of a request with no group (above any group's, as in the ensemble).
const NO_GROUP: f64 = 3.0;

/// How `logline distill` trains.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DistillParams {
    pub hidden: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub lambda: f64,
    pub seed: u64,
}

impl Default for DistillParams {
    fn default() -> Self {
        DistillParams {
            hidden: defaults::HIDDEN,
            epochs: defaults::EPOCHS,
            learning_rate: defaults::LEARNING_RATE,
            weight_decay: defaults::WEIGHT_DECAY,
            lambda: defaults::LAMBDA,
            seed: defaults::SEED,
        }
    }
}

/// One hidden layer: `x → tanh(x·W1 + b1) → ·w2 + b2`, on standardised
/// features.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Net {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// F × H, row-major.
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    pub w2: Vec<f32>,
    pub b2: f32,
}

impl Net {
    /// The score (a logit) of one group's features.
    pub fn logit(&self, x: &[f64; F]) -> f64 {
        let h = self.b1.len();
        let mut out = f64::from(self.b2);
        for j in 0..h {
            let mut z = f64::from(self.b1[j]);
            for (i, v) in x.iter().enumerate() {
                z += (v - self.mean[i]) / self.std[i] * f64::from(self.w1[i * h + j]);
            }
            out += z.tanh() * f64::from(self.w2[j]);
        }
        out
    }
}

/// `student/student.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Student {
    /// The model it answers over (absolute), and its manifest's SHA-256:
    /// a model changed since is refused.
    pub model: PathBuf,
    pub model_manifest_sha256: String,
    /// The ensemble it was distilled from.
    pub ensemble: PathBuf,
    pub by: By,
    pub min_domain: usize,
    pub tau: f64,
    pub features: Vec<String>,
    pub params: DistillParams,
    pub net: Net,
    /// Confidence: Platt scaling of the score, fitted out of fold.
    pub platt: Platt,
    /// Mondrian sets per domain expert, from the out-of-fold scores.
    pub conformal: Conformal,
    /// Calibration requests, and groups (training rows) among them.
    pub requests: usize,
    pub rows: usize,
    /// The mean soft target, and the mean of the teacher's part alone.
    pub mean_target: f64,
    pub mean_teacher: f64,
    pub final_loss: f64,
}

/// One calibration request's groups: features, whether each is right, and
/// each group's representative outcome row.
struct Item {
    x: Vec<[f64; F]>,
    /// Each group's outcome agrees with the reference.
    correct: Vec<bool>,
    /// Each group's cosine with the reference.
    cos: Vec<f64>,
    reps: Vec<u32>,
    /// The group answered whatever the scores (see [`answer`]).
    forced: Option<usize>,
    expert: String,
}

/// The features of each group of an analysis, for a request whose domain
/// expert is `local`.
fn group_features(model: &Model, side: &Side, ex: &Domains, a: &Analysis, local: usize) -> Vec<[f64; F]> {
    let k = model.params().k.max(1) as f64;
    let top1 = a.hits.first().map_or(0.0, |h| f64::from(h.1));
    let conf = model.calibration.outcome.prob(&a.features);
    let sim = |row: u32| a.hits.iter().find(|h| h.0 == row).map_or(0.0, |h| f64::from(h.1));
    a.groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let sims: Vec<f64> = g.rows.iter().map(|&r| sim(r)).collect();
            let weight = |s: f64| s.max(0.0) + 1e-6;
            let total: f64 = sims.iter().map(|&s| weight(s)).sum();
            let own: f64 = g
                .rows
                .iter()
                .zip(&sims)
                .filter(|(r, _)| ex.expert_of_row(**r, model.record(side, **r)) == local)
                .map(|(_, &s)| weight(s))
                .sum();
            let picked = gi == a.chosen;
            [
                g.share,
                sims.iter().copied().fold(f64::MIN, f64::max),
                sims.iter().sum::<f64>() / sims.len() as f64,
                g.rows.len() as f64 / k,
                f64::from(u8::from(picked)),
                own / total,
                top1,
                if picked { conf } else { 0.0 },
            ]
        })
        .collect()
}

/// Each calibration request's groups (in the teacher's order).
fn items(model: &Model, ens: &Ensemble, ex: &Domains, teacher: &Teacher<'_>) -> Vec<Item> {
    let tau = ens.tau;
    teacher
        .requests()
        .map(|h| {
            let local = ex.local_of(ens.by.key(&h.trajectory));
            let expert = ex.list[local].name.clone();
            let Some(a) = model.analyse(model.neighbours(&h.query_vec, &Query::default())) else {
                return Item { x: vec![], correct: vec![], cos: vec![], reps: vec![], forced: None, expert };
            };
            let x = group_features(model, &Side::EMPTY, ex, &a, local);
            let reps: Vec<u32> = a.groups.iter().map(|g| g.rep()).collect();
            let cos: Vec<f64> =
                reps.iter().map(|&r| f64::from(dot(model.outcomes.row(r as usize), &h.outcome_vec))).collect();
            let forced = near_duplicate(model, &a);
            Item { x, correct: cos.iter().map(|&c| c >= tau).collect(), cos, reps, forced, expert }
        })
        .collect()
}

/// The teacher's score of each group of an item: the stacked score of the
/// candidate that agrees with the group's outcome (0 when none does).
fn teacher_of(model: &Model, it: &Item, cands: &[(u32, f64)], tau: f64) -> Vec<f64> {
    it.reps
        .iter()
        .map(|&r| {
            let v = model.outcomes.row(r as usize);
            cands
                .iter()
                .filter(|(c, _)| f64::from(dot(model.outcomes.row(*c as usize), v)) >= tau)
                .map(|(_, p)| *p)
                .fold(0.0, f64::max)
        })
        .collect()
}

/// SplitMix64, for the weights' initialisation.
fn init(seed: u64, n: usize, scale: f64) -> Vec<f32> {
    let mut rng = super::kmeans::SplitMix64::new(seed);
    (0..n).map(|_| ((rng.next_f64() * 2.0 - 1.0) * scale) as f32).collect()
}

/// Train the network on the rows `(x, soft target)`.
fn train(xs: &[[f64; F]], ts: &[f64], p: &DistillParams) -> anyhow::Result<(Net, f64)> {
    use candle_core::{DType, Device, Tensor, Var};
    use candle_nn::Optimizer as _;
    anyhow::ensure!(!xs.is_empty(), "no training rows");
    let n = xs.len();
    let mut mean = vec![0.0; F];
    let mut std = vec![0.0; F];
    for x in xs {
        for i in 0..F {
            mean[i] += x[i] / n as f64;
        }
    }
    for x in xs {
        for i in 0..F {
            std[i] += (x[i] - mean[i]).powi(2) / n as f64;
        }
    }
    // A constant feature scales to 0 rather than dividing by 0.
    let std: Vec<f64> = std.into_iter().map(|v| if v > 1e-12 { v.sqrt() } else { 1.0 }).collect();
    let flat: Vec<f32> = xs.iter().flat_map(|x| (0..F).map(|i| ((x[i] - mean[i]) / std[i]) as f32)).collect();
    let h = p.hidden.max(1);
    let dev = Device::Cpu;
    let x = Tensor::from_vec(flat, (n, F), &dev)?;
    let t = Tensor::from_vec(ts.iter().map(|&v| v as f32).collect::<Vec<f32>>(), (n, 1), &dev)?;
    // Glorot-uniform scales.
    let w1 = Var::from_tensor(&Tensor::from_vec(init(p.seed, F * h, (6.0 / (F + h) as f64).sqrt()), (F, h), &dev)?)?;
    let b1 = Var::zeros(h, DType::F32, &dev)?;
    let w2 =
        Var::from_tensor(&Tensor::from_vec(init(p.seed ^ 0x5eed, h, (6.0 / (h + 1) as f64).sqrt()), (h, 1), &dev)?)?;
    let b2 = Var::zeros(1, DType::F32, &dev)?;
    let mut opt = candle_nn::AdamW::new(
        vec![w1.clone(), b1.clone(), w2.clone(), b2.clone()],
        candle_nn::ParamsAdamW { lr: p.learning_rate, weight_decay: p.weight_decay, ..Default::default() },
    )?;
    let forward = || -> candle_core::Result<Tensor> {
        x.matmul(w1.as_tensor())?
            .broadcast_add(b1.as_tensor())?
            .tanh()?
            .matmul(w2.as_tensor())?
            .broadcast_add(b2.as_tensor())
    };
    let mut loss = f64::NAN;
    for _ in 0..p.epochs {
        let l = candle_nn::loss::binary_cross_entropy_with_logit(&forward()?, &t)?;
        loss = f64::from(l.to_scalar::<f32>()?);
        opt.backward_step(&l)?;
    }
    let net = Net {
        mean,
        std,
        w1: w1.as_tensor().flatten_all()?.to_vec1()?,
        b1: b1.as_tensor().to_vec1()?,
        w2: w2.as_tensor().flatten_all()?.to_vec1()?,
        b2: b2.as_tensor().to_vec1::<f32>()?[0],
    };
    Ok((net, loss))
}

/// Training rows (features, soft target) of the items `keep` accepts,
/// each group's teacher score from `scores` (per item).
fn rows(
    model: &Model,
    items: &[Item],
    scores: &[Vec<(u32, f64)>],
    keep: &dyn Fn(usize) -> bool,
    lambda: f64,
    tau: f64,
) -> (Vec<[f64; F]>, Vec<f64>, f64) {
    let (mut xs, mut ts, mut teacher_sum) = (Vec::new(), Vec::new(), 0.0);
    for (i, it) in items.iter().enumerate().filter(|(i, _)| keep(*i)) {
        for ((x, c), p) in it.x.iter().zip(&it.correct).zip(teacher_of(model, it, &scores[i], tau)) {
            xs.push(*x);
            ts.push(lambda * p + (1.0 - lambda) * f64::from(u8::from(*c)));
            teacher_sum += p;
        }
    }
    (xs, ts, teacher_sum)
}

/// The SHA-256 of a model's manifest file: what a student and an ensemble
/// record of the model they were made over.
pub fn manifest_digest(model_dir: &Path) -> anyhow::Result<String> {
    let path = model_dir.join(super::train::files::MANIFEST);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

/// Distil the ensemble over `model` into a student.
pub fn distill(model: &Model, ens: &Ensemble, ens_dir: &Path, p: &DistillParams) -> anyhow::Result<Student> {
    let ex = Domains::new(model, ens.by, ens.min_domain);
    let teacher = Teacher::new(model, ens);
    let items = items(model, ens, &ex, &teacher);
    let tau = ens.tau;
    // Out of fold: each request scored by a network trained on the other
    // folds, whose soft targets come from a stacking that did not see the
    // scored fold either.
    let mut oof: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
    for fold in 0..FOLDS {
        let others = |i: usize| teacher.fold(i) != fold;
        let scores = teacher.scores(&others);
        let (xs, ts, _) = rows(model, &items, &scores, &others, p.lambda, tau);
        let scored = items.iter().enumerate().filter(|(i, it)| !others(*i) && !it.x.is_empty());
        if xs.is_empty() {
            if let Some((i, _)) = scored.into_iter().next() {
                anyhow::bail!(
                    "too few calibration requests with neighbours to distil out of fold: request {i}'s fold has nothing to learn from"
                );
            }
            continue;
        }
        let (net, _) = train(&xs, &ts, p)?;
        for (i, it) in scored {
            oof[i] = it.x.iter().map(|x| net.logit(x)).collect();
        }
    }
    anyhow::ensure!(
        items.iter().any(|it| !it.x.is_empty()),
        "{} has no calibration request with a neighbour to distil on",
        model.dir.display()
    );
    // Platt on the answered (highest-scored) group's score.
    let threads: Vec<&str> = teacher.requests().map(|h| h.trajectory.thread.as_str()).collect();
    let (mut px, mut py, mut pt) = (Vec::new(), Vec::new(), Vec::new());
    for ((it, s), thread) in items.iter().zip(&oof).zip(&threads) {
        if let Some(best) = answer(s, it.forced) {
            px.push(vec![s[best]]);
            py.push(it.correct[best]);
            pt.push(*thread);
        }
    }
    let calib = platt::fit_grouped(&["student_score"], &px, &py, &pt);
    // Conformal from the same out-of-fold scores.
    let mut all = Vec::with_capacity(items.len());
    let mut by_expert: Vec<(f64, &str)> = Vec::with_capacity(items.len());
    for (it, s) in items.iter().zip(&oof) {
        let score = if s.is_empty() {
            NO_GROUP
        } else {
            let pairs: Vec<(f64, f64)> = s.iter().map(|&z| calib.prob(&[z])).zip(it.cos.iter().copied()).collect();
            super::predict::nonconformity(&pairs, tau)
        };
        all.push(score);
        by_expert.push((score, it.expert.as_str()));
    }
    let conformal = Conformal::fit(&all, &by_expert, model.params().alpha);
    // The student itself: every request, each with its out-of-fold teacher.
    let (xs, ts, teacher_sum) = rows(model, &items, &teacher.out_of_fold(), &|_| true, p.lambda, tau);
    let (net, final_loss) = train(&xs, &ts, p)?;
    let n = ts.len().max(1) as f64;
    Ok(Student {
        model: std::fs::canonicalize(&model.dir)?,
        model_manifest_sha256: manifest_digest(&model.dir)?,
        ensemble: std::fs::canonicalize(ens_dir)?,
        by: ens.by,
        min_domain: ens.min_domain,
        tau,
        features: FEATURES.iter().map(|s| s.to_string()).collect(),
        params: p.clone(),
        net,
        platt: calib,
        conformal,
        requests: items.len(),
        rows: xs.len(),
        mean_target: ts.iter().sum::<f64>() / n,
        mean_teacher: teacher_sum / n,
        final_loss,
    })
}

fn argmax(s: &[f64]) -> Option<usize> {
    (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b]).then(b.cmp(&a)))
}

/// The group of a near-duplicate trajectory (the top neighbour at or above
/// the model's `top_threshold`), which the matcher, and so every expert of
/// the ensemble, answers as it is.
fn near_duplicate(model: &Model, a: &Analysis) -> Option<usize> {
    a.hits.first().is_some_and(|h| f64::from(h.1) >= model.params().top_threshold).then_some(a.chosen)
}

/// The group answered: a near-duplicate's, as the teacher would, else the
/// highest score. Calibration requests never have one (splits are by
/// thread), so the network never learned that case; a request served after
/// its own trajectory was learned from feedback does.
fn answer(scores: &[f64], forced: Option<usize>) -> Option<usize> {
    match forced {
        Some(g) if g < scores.len() => Some(g),
        _ => argmax(scores),
    }
}

/// A loaded student: its model, and which domain expert each row is in
/// (built once, not per request).
pub struct Loaded {
    pub student: Student,
    pub model: Model,
    domains: Domains,
}

impl Loaded {
    /// Load `dir/student.json` and the model it names (refused when that
    /// model changed since).
    pub fn load(dir: &Path) -> anyhow::Result<Loaded> {
        let path = dir.join(FILE);
        let student: Student = super::store::read_json(&path)?;
        let digest = manifest_digest(&student.model)
            .with_context(|| format!("{} names the model {}", path.display(), student.model.display()))?;
        if digest != student.model_manifest_sha256 {
            anyhow::bail!(
                "the model {} changed since {} was distilled from it; run `logline ensemble` and `logline distill` again",
                student.model.display(),
                path.display()
            );
        }
        let model = Model::load(&student.model)?;
        Ok(Loaded::new(student, model))
    }

    fn new(student: Student, model: Model) -> Loaded {
        let domains = Domains::new(&model, student.by, student.min_domain);
        Loaded { student, model, domains }
    }

    /// The request's domain key: `domain` (or `did` for an ensemble by did).
    fn key<'a>(&self, query: &Query<'a>) -> Option<&'a str> {
        match self.student.by {
            By::Environment => query.domain,
            By::Did => query.did,
        }
    }

    /// Predict for a normalised query vector, from the model and `side`.
    pub fn predict_in(&self, side: &Side, q: &[f32], query: &Query<'_>) -> Option<Prediction> {
        let m = &self.model;
        let local = self.domains.local_of(self.key(query));
        let whole = Query { k: query.k, ..Query::default() };
        let a = m.analyse_in(side, m.neighbours_in(side, q, &whole))?;
        let pick = self.pick(side, &a, local, query.k);
        Some(m.prediction(side, &a, pick))
    }

    /// The answer: the group the network scores highest (as in `distill`),
    /// its Platt confidence, and the Mondrian set of the request's expert.
    fn pick(&self, side: &Side, a: &Analysis, local: usize, k: Option<usize>) -> Pick {
        let s = &self.student;
        let logits: Vec<f64> =
            group_features(&self.model, side, &self.domains, a, local).iter().map(|x| s.net.logit(x)).collect();
        let probs: Vec<f64> = logits.iter().map(|&z| s.platt.prob(&[z])).collect();
        let best = answer(&logits, near_duplicate(&self.model, a)).unwrap_or(0);
        let q = s.conformal.threshold(Some(&self.domains.list[local].name), true);
        Pick {
            group: best,
            confidence: probs[best],
            raw: logits[best],
            members: (0..probs.len()).filter(|&g| within(1.0 - probs[g], q)).collect(),
            open: open_within(q, s.tau),
            alpha: s.conformal.alpha,
            mondrian: true,
            calibrated_for_query: k.is_none_or(|k| k == self.model.params().k),
        }
    }
}

/// `student/eval.json`: the ensemble's table on the test split, the
/// student beside it, and the targets.
#[derive(Debug, Clone, Serialize)]
pub struct StudentEval {
    /// Test spans.
    pub test: usize,
    pub ensemble: EnsembleEval,
    pub student: Judged,
    /// The student's accuracy when it answers only at confidence ≥ `below`
    /// (the curve `serve` takes its fallback threshold from).
    pub abstention: Vec<super::eval::Abstain>,
    /// Per domain expert: the student's coverage and set size at α.
    pub per_domain: Vec<StudentDomain>,
    /// Student − best single matcher, in points.
    pub student_gain_points: f64,
    /// The part of the ensemble's gain the student keeps (`None` when the
    /// ensemble has no gain to keep).
    pub kept_gain: Option<f64>,
    /// The student's p50 latency over the ensemble's.
    pub latency_ratio: f64,
    pub verdict: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StudentDomain {
    pub expert: String,
    pub test_spans: usize,
    pub accuracy: f64,
    pub coverage: f64,
    pub mean_set_size: f64,
}

/// Evaluate the student on the model's test split beside the ensemble.
pub fn evaluate(l: &Loaded, ens: &Ensemble) -> anyhow::Result<StudentEval> {
    let m = &l.model;
    let s = &l.student;
    let base = ensemble::evaluate(m, ens)?;
    let ex = &l.domains;
    let test: Vec<_> = m.heldout.iter().filter(|h| h.split == Split::Test).collect();
    let mut runs: Vec<(f64, bool, f64)> = Vec::with_capacity(test.len());
    let mut domains: std::collections::BTreeMap<String, Vec<(bool, bool, usize)>> = Default::default();
    for h in &test {
        let local = ex.local_of(s.by.key(&h.trajectory));
        let t = Instant::now();
        let a = m.analyse(m.neighbours(&h.query_vec, &Query::default()));
        let pick = a.as_ref().map(|a| l.pick(&Side::EMPTY, a, local, None));
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let cos = |row: u32| f64::from(dot(m.outcomes.row(row as usize), &h.outcome_vec));
        let (conf, right, covered, size) = match (&a, &pick) {
            (Some(a), Some(p)) => {
                let right = cos(a.groups[p.group].rep()) >= s.tau;
                let covered = p.members.iter().any(|&g| cos(a.groups[g].rep()) >= s.tau)
                    || p.open.is_some_and(|bound| a.groups.iter().any(|g| cos(g.rep()) >= bound));
                (p.confidence, right, covered, p.members.len())
            }
            _ => (0.0, false, within(NO_GROUP, s.conformal.threshold(Some(&ex.list[local].name), true)), 0),
        };
        runs.push((conf, right, ms));
        domains.entry(ex.list[local].name.clone()).or_default().push((right, covered, size));
    }
    let n = runs.len().max(1);
    let student = Judged::of("student", &runs);
    let per_domain = domains
        .into_iter()
        .map(|(expert, rows)| {
            let k = rows.len() as f64;
            StudentDomain {
                expert,
                test_spans: rows.len(),
                accuracy: rows.iter().filter(|r| r.0).count() as f64 / k,
                coverage: rows.iter().filter(|r| r.1).count() as f64 / k,
                mean_set_size: rows.iter().map(|r| r.2 as f64).sum::<f64>() / k,
            }
        })
        .collect();
    let best_single = base.predictors[..2].iter().map(|p| p.accuracy).fold(0.0, f64::max);
    let student_gain = (student.accuracy - best_single) * 100.0;
    let kept = (base.gain_points > 0.0).then(|| student_gain / base.gain_points);
    let ens_p50 = base.predictors[3].p50_ms;
    let latency_ratio = if ens_p50 > 0.0 { student.p50_ms / ens_p50 } else { f64::NAN };
    let gain_part = match kept {
        Some(k) if k >= 0.8 => format!("keeps {:.0} % of the ensemble's gain (target ≥ 80 %)", k * 100.0),
        Some(k) => format!("keeps {:.0} % of the ensemble's gain: short of the 80 % target", k * 100.0),
        None => format!(
            "has no ensemble gain to keep (the ensemble is {:+.1} points against the best single matcher); the student is {student_gain:+.1}",
            base.gain_points
        ),
    };
    let latency_part = if latency_ratio <= 0.25 {
        format!("at {:.2}× the ensemble's p50 latency (target ≤ 0.25×)", latency_ratio)
    } else {
        format!(
            "at {:.2}× the ensemble's p50 latency: over the ≤ 0.25× target by {:.2}×",
            latency_ratio,
            latency_ratio - 0.25
        )
    };
    let abstention = super::eval::ABSTAIN_AT
        .iter()
        .map(|&t| {
            let answered: Vec<&(f64, bool, f64)> = runs.iter().filter(|r| r.0 >= t).collect();
            super::eval::Abstain {
                below: t,
                answered: answered.len() as f64 / n as f64,
                accuracy: answered.iter().filter(|r| r.1).count() as f64 / answered.len().max(1) as f64,
            }
        })
        .collect();
    Ok(StudentEval {
        test: runs.len(),
        abstention,
        ensemble: base,
        student,
        per_domain,
        student_gain_points: student_gain,
        kept_gain: kept,
        latency_ratio,
        verdict: format!("the student {gain_part}, {latency_part}"),
    })
}

impl StudentEval {
    pub fn table(&self, ens: &Ensemble, s: &Student) -> String {
        use std::fmt::Write as _;
        let mut t = self.ensemble.table(ens);
        let st = &self.student;
        let _ = writeln!(
            t,
            "\nstudent ({} hidden units, λ {}, trained on {} groups of {} calibration requests; final loss {:.4}):",
            s.params.hidden, s.params.lambda, s.rows, s.requests, s.final_loss
        );
        let _ = writeln!(t, "  on the {} test spans:  accuracy  Brier   ECE    p50 ms  p99 ms", st.n);
        let _ = writeln!(
            t,
            "  {:<22} {:>8.3}  {:.4}  {:.3}  {:>6.3}  {:>6.3}",
            st.name, st.accuracy, st.brier, st.ece, st.p50_ms, st.p99_ms
        );
        let _ = writeln!(
            t,
            "  per domain expert (Mondrian sets at α {}):  test  accuracy  coverage  set",
            self.ensemble.alpha
        );
        for d in &self.per_domain {
            let _ = writeln!(
                t,
                "    {:<28} {:>5}  {:.3}     {:.3}     {:.2}",
                d.expert, d.test_spans, d.accuracy, d.coverage, d.mean_set_size
            );
        }
        let _ = writeln!(t, "\n{}", self.verdict);
        t
    }
}

/// `logline distill ENS -o OUT [--model MODEL]`: distil, evaluate, write
/// `OUT/student.json` and `OUT/eval.json`.
pub fn run(
    ens_dir: &Path,
    out: &Path,
    model_dir: Option<&Path>,
    p: &DistillParams,
) -> anyhow::Result<(Ensemble, Student, StudentEval)> {
    let (ens, model_dir) = ensemble::open(ens_dir, model_dir)?;
    let model = Model::load(&model_dir)?;
    let student = distill(&model, &ens, ens_dir, p)?;
    let loaded = Loaded::new(student, model);
    // Judged before anything is written: a student folder always has its
    // evaluation (serve reads its fallback threshold from it).
    let eval = evaluate(&loaded, &ens)?;
    crate::output::ensure_dir(out)?;
    crate::output::write_file(&out.join(FILE), (serde_json::to_string_pretty(&loaded.student)? + "\n").as_bytes())?;
    crate::output::write_file(&out.join(EVAL_FILE), (serde_json::to_string_pretty(&eval)? + "\n").as_bytes())?;
    Ok((ens, loaded.student, eval))
}

/// Whether `dir` holds a student.
pub fn is_student(dir: &Path) -> bool {
    dir.join(FILE).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A near-duplicate trajectory is the answer whatever the network
    /// scores (the teacher's experts all answer it); otherwise the highest
    /// score, ties to the heavier group.
    #[test]
    fn a_near_duplicate_is_answered_as_the_matcher_answers_it() {
        assert_eq!(answer(&[0.1, 0.9, 0.3], Some(2)), Some(2));
        assert_eq!(answer(&[0.1, 0.9, 0.3], None), Some(1));
        assert_eq!(answer(&[0.5, 0.5], None), Some(0));
        assert_eq!(answer(&[], None), None);
        assert_eq!(answer(&[0.2], Some(3)), Some(0), "a forced group past the end is ignored");
    }

    /// The network learns a soft target it can represent: trained on
    /// rows whose target is a known smooth function of two features, its
    /// scores rank fresh rows as the function does, and a seed gives the
    /// same weights twice.
    #[test]
    fn the_student_network_learns_soft_targets_and_is_the_same_for_a_seed() {
        let mut rng = crate::matcher::kmeans::SplitMix64::new(3);
        let mut row = || {
            let mut x = [0.0; F];
            for v in x.iter_mut() {
                *v = rng.next_f64() * 2.0 - 1.0;
            }
            x
        };
        let truth = |x: &[f64; F]| platt::sigmoid(3.0 * x[0] - 2.0 * x[5]);
        let xs: Vec<[f64; F]> = (0..600).map(|_| row()).collect();
        let ts: Vec<f64> = xs.iter().map(truth).collect();
        let p = DistillParams { epochs: 400, ..Default::default() };
        let (net, loss) = train(&xs, &ts, &p).unwrap();
        // The least the loss can be is the targets' own entropy.
        let entropy = ts.iter().map(|&t| -(t * t.ln() + (1.0 - t) * (1.0 - t).ln())).sum::<f64>() / ts.len() as f64;
        assert!(loss < entropy + 0.02, "loss {loss} vs entropy {entropy}");
        let fresh: Vec<[f64; F]> = (0..200).map(|_| row()).collect();
        let mut pairs = 0;
        let mut agree = 0;
        for a in fresh.iter().step_by(2) {
            for b in fresh.iter().skip(1).step_by(2) {
                if (truth(a) - truth(b)).abs() > 0.1 {
                    pairs += 1;
                    agree += usize::from((truth(a) > truth(b)) == (net.logit(a) > net.logit(b)));
                }
            }
        }
        assert!(agree as f64 / pairs as f64 > 0.97, "{agree} of {pairs} pairs ranked as the target");
        let (again, _) = train(&xs, &ts, &p).unwrap();
        assert_eq!((&net.w1, &net.w2), (&again.w1, &again.w2));
    }
}
