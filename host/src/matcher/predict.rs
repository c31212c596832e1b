//! From a request's vector to a prediction: the top-k trajectories
//! (IVF + HNSW), their outcomes grouped by agreement (outcome-embedding
//! cosine ≥ τ), the predicted outcome — the top neighbour's when its
//! similarity clears `top_threshold`, else the heaviest group's — and the
//! status by similarity-weighted vote.
//!
//! Raw features (what Platt scaling maps to a probability):
//! - outcome: `raw_log_odds` (the raw score as log-odds), `top1_similarity`, `mean_topk_similarity`, `margin` (top-1 −
//!   top-2 similarity), `group_agreement` (the chosen group's share of the
//!   similarity weight), `evidence_count` (members of the chosen group);
//!   raw score = agreement × top-1 similarity.
//! - status: `vote_share_log_odds` (the winner's share of the weight),
//!   `top1_similarity`, `voters` (neighbours that are completed or failed);
//!   raw score = vote share.
//!
//! Nonconformity of a candidate outcome y (conformal): 1 − share of the
//! heaviest group that agrees with y; when none does, 2 − (the best cosine
//! between y and a group's outcome). A set at threshold q holds every group
//! whose share is ≥ 1 − q and, when q > 2 − τ, any outcome within cosine
//! 2 − q of one of them.

use super::conformal::within;
use super::eval::Calibration;
use super::ivf::Ivf;
use super::store::{F32Table, read_bin, read_json};
use super::train::ModelManifest;
use super::{HeldOut, MatchParams, Trajectory};
use crate::vector::dot;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub const OUTCOME_FEATURES: [&str; 6] =
    ["raw_log_odds", "top1_similarity", "mean_topk_similarity", "margin", "group_agreement", "evidence_count"];
pub const STATUS_FEATURES: [&str; 3] = ["vote_share_log_odds", "top1_similarity", "voters"];

/// A probability as log-odds (clamped to ±9.2, p in [1e-4, 1 − 1e-4]).
pub fn log_odds(p: f64) -> f64 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// Neighbours whose outcomes agree.
#[derive(Debug, Clone)]
pub struct Group {
    /// Train rows, best first; the first is the group's outcome.
    pub rows: Vec<u32>,
    pub weight: f64,
    pub share: f64,
}

impl Group {
    pub fn rep(&self) -> u32 {
        self.rows[0]
    }
}

/// What the neighbours say, before calibration.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub hits: Vec<(u32, f32)>,
    /// Heaviest first.
    pub groups: Vec<Group>,
    pub chosen: usize,
    pub features: [f64; 6],
    pub raw: f64,
    /// Predicted completed (true) or failed (false); `None` when no
    /// neighbour is either.
    pub status: Option<bool>,
    pub status_features: [f64; 3],
    pub status_raw: f64,
}

impl Analysis {
    pub fn predicted_row(&self) -> u32 {
        self.groups[self.chosen].rep()
    }

    /// Each group's share and its outcome's cosine with `y`.
    pub fn agreement_with(&self, outcomes: &F32Table, y: &[f32]) -> Vec<(f64, f64)> {
        self.groups.iter().map(|g| (g.share, f64::from(dot(outcomes.row(g.rep() as usize), y)))).collect()
    }

    /// Nonconformity of an outcome with embedding `y` (see the module docs).
    pub fn score_of(&self, outcomes: &F32Table, y: &[f32], tau: f64) -> f64 {
        nonconformity(&self.agreement_with(outcomes, y), tau)
    }

    /// The groups in the set at threshold `q` (`None`: +∞), and the cosine
    /// within which any other outcome is in it too.
    pub fn set(&self, q: Option<f64>, tau: f64) -> (Vec<usize>, Option<f64>) {
        let members = (0..self.groups.len()).filter(|&g| within(1.0 - self.groups[g].share, q)).collect();
        (members, open_within(q, tau))
    }
}

/// Nonconformity from each group's (share, cosine with the outcome).
pub fn nonconformity(groups: &[(f64, f64)], tau: f64) -> f64 {
    let agreeing = groups
        .iter()
        .filter(|g| g.1 >= tau)
        .map(|g| g.0)
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    match agreeing {
        Some(share) => 1.0 - share,
        None => 2.0 - groups.iter().map(|g| g.1).fold(-1.0, f64::max),
    }
}

/// How many groups a set at threshold `q` holds, and whether it is open.
pub fn set_size(shares: impl Iterator<Item = f64>, q: Option<f64>, tau: f64) -> (usize, bool) {
    (shares.filter(|s| within(1.0 - s, q)).count(), open_within(q, tau).is_some())
}

/// A set at threshold `q` (`None`: +∞) is open when `q` admits outcomes no
/// group agrees with (q > 2 − τ): any outcome within this cosine of a member.
pub fn open_within(q: Option<f64>, tau: f64) -> Option<f64> {
    match q {
        None => Some(-1.0),
        Some(q) => (q > 2.0 - tau).then(|| (2.0 - q).max(-1.0)),
    }
}

/// Group the hits' outcomes and derive the prediction and its features.
pub fn analyse<'a>(
    hits: Vec<(u32, f32)>,
    outcome: &dyn Fn(u32) -> &'a [f32],
    completed: &dyn Fn(u32) -> Option<bool>,
    p: &MatchParams,
) -> Option<Analysis> {
    if hits.is_empty() {
        return None;
    }
    // A neighbour's vote weighs its similarity (never zero).
    let weight = |sim: f32| f64::from(sim.max(0.0)) + 1e-6;
    let mut groups: Vec<Group> = Vec::new();
    for &(row, sim) in &hits {
        let w = weight(sim);
        let v = outcome(row);
        match groups.iter_mut().find(|g| f64::from(dot(outcome(g.rep()), v)) >= p.tau) {
            Some(g) => {
                g.rows.push(row);
                g.weight += w;
            }
            None => groups.push(Group { rows: vec![row], weight: w, share: 0.0 }),
        }
    }
    let total: f64 = groups.iter().map(|g| g.weight).sum();
    for g in &mut groups {
        g.share = g.weight / total;
    }
    // Heaviest first; ties keep the order of their best neighbour.
    groups.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let top = f64::from(hits[0].1);
    let chosen = if top >= p.top_threshold { groups.iter().position(|g| g.rep() == hits[0].0).unwrap_or(0) } else { 0 };
    let second = hits.get(1).map_or(top, |h| f64::from(h.1));
    let mean = hits.iter().map(|h| f64::from(h.1)).sum::<f64>() / hits.len() as f64;
    let g = &groups[chosen];
    let raw = g.share * top.max(0.0);
    let features = [log_odds(raw), top, mean, top - second, g.share, g.rows.len() as f64];
    // Status: similarity-weighted vote of completed vs failed neighbours.
    let (mut yes, mut no, mut voters) = (0.0, 0.0, 0usize);
    for &(row, sim) in &hits {
        let w = weight(sim);
        match completed(row) {
            Some(true) => yes += w,
            Some(false) => no += w,
            None => continue,
        }
        voters += 1;
    }
    let (status, share) = if voters == 0 { (None, 0.5) } else { (Some(yes >= no), yes.max(no) / (yes + no)) };
    Some(Analysis {
        hits,
        groups,
        chosen,
        features,
        raw,
        status,
        status_features: [log_odds(share), top, voters as f64],
        status_raw: share,
    })
}

/// `completed` → true, `failed` → false, else none.
pub fn completed(status: &str) -> Option<bool> {
    match status {
        "completed" => Some(true),
        "failed" => Some(false),
        _ => None,
    }
}

/// Trajectories added while a model serves (rated feedback): searched
/// exactly, beside the IVF index. Their rows continue the model's
/// numbering: row `model.records.len() + i` is `records[i]` here.
#[derive(Debug, Default)]
pub struct Side {
    pub records: Vec<Trajectory>,
    vectors: Vec<f32>,
    outcomes: Vec<f32>,
}

impl Side {
    pub const EMPTY: Side = Side { records: Vec::new(), vectors: Vec::new(), outcomes: Vec::new() };

    /// Add a trajectory (its index vector chosen as the model's `index_on`).
    pub fn push(&mut self, r: super::train::Read, on: super::IndexOn) {
        self.vectors.extend_from_slice(r.index_vector(on));
        self.outcomes.extend_from_slice(&r.outcome);
        self.records.push(r.t);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The index vector and the outcome vector of side row `i`.
    fn rows(&self, i: usize, dims: usize) -> (&[f32], &[f32]) {
        (&self.vectors[i * dims..(i + 1) * dims], &self.outcomes[i * dims..(i + 1) * dims])
    }
}

/// A loaded model folder.
pub struct Model {
    pub dir: PathBuf,
    pub manifest: ModelManifest,
    pub records: Vec<Trajectory>,
    /// The vectors the index holds, one row per record (memory-mapped).
    pub vectors: F32Table,
    /// Outcome embeddings, one row per record (memory-mapped).
    pub outcomes: F32Table,
    /// Request embeddings, one row per record (memory-mapped; out-of-fold
    /// predictions for calibration read them).
    pub queries: F32Table,
    pub ivf: Ivf,
    pub calibration: Calibration,
    pub heldout: Vec<HeldOut>,
}

/// A query.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub did: Option<&'a str>,
    pub domain: Option<&'a str>,
    /// Neighbours (default: the model's k).
    pub k: Option<usize>,
    /// Per-`did` conformal thresholds.
    pub mondrian: bool,
    /// Leave this thread's trajectories out (out-of-fold predictions).
    pub exclude_thread: Option<&'a str>,
}

/// One neighbour, as evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: String,
    pub similarity: f32,
    pub did: String,
    pub status: String,
    pub outcome: String,
    /// The outcome group it is in (0 = heaviest).
    pub group: usize,
}

/// One member of a conformal set.
#[derive(Debug, Clone, Serialize)]
pub struct SetMember {
    pub id: String,
    pub outcome: String,
    pub share: f64,
}

/// A prediction with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub outcome: String,
    /// The trajectory whose outcome is predicted.
    pub outcome_id: String,
    /// Calibrated probability that the outcome agrees with the truth.
    pub confidence: f64,
    pub raw_score: f64,
    pub status: String,
    /// `None` when no neighbour completed or failed (status "unknown").
    pub status_confidence: Option<f64>,
    pub status_raw: f64,
    pub features: std::collections::BTreeMap<&'static str, f64>,
    /// Candidate outcomes that cover the truth with probability ≥ 1 − α.
    pub set: Vec<SetMember>,
    /// When set: the set also holds any outcome within this cosine of a member.
    pub set_open_within_cosine: Option<f64>,
    pub alpha: f64,
    pub mondrian: bool,
    /// Whether confidence and set were calibrated on queries like this one:
    /// the model's k, no `domain` filter, and a `did` filter only with
    /// Mondrian sets (calibrated per `did` on `did`-filtered neighbours).
    pub calibrated_for_query: bool,
    pub evidence: Vec<Evidence>,
}

impl Prediction {
    /// The readable answer: outcome, status, conformal set and evidence.
    pub fn table(&self) -> String {
        let short = |s: &str| s.chars().take(160).collect::<String>().replace('\n', " ");
        let mut t = format!(
            "predicted outcome (from {}, confidence {:.2}, raw {:.2}):\n  {}\nstatus: {}{}\n",
            self.outcome_id,
            self.confidence,
            self.raw_score,
            short(&self.outcome),
            self.status,
            self.status_confidence.map_or(String::new(), |c| format!(" (confidence {c:.2})"))
        );
        if !self.calibrated_for_query {
            t += "note: confidence and set were calibrated on unfiltered queries at the model's k (a did filter is calibrated with --mondrian)\n";
        }
        t += &format!("conformal set at α {} ({} outcomes", self.alpha, self.set.len());
        if let Some(c) = self.set_open_within_cosine {
            t += &format!(", and any outcome within cosine {c:.2} of one");
        }
        t += "):\n";
        for m in &self.set {
            t += &format!("  {:.2}  {}  {}\n", m.share, m.id, short(&m.outcome));
        }
        t += "evidence:\n";
        for e in &self.evidence {
            t += &format!("  {:.3}  {}  {}  {}  group {}\n", e.similarity, e.id, e.did, e.status, e.group);
        }
        t
    }
}

impl Model {
    pub fn load(dir: &Path) -> anyhow::Result<Model> {
        use super::train::files;
        if !dir.join(files::MANIFEST).is_file() {
            anyhow::bail!("{} is not a model folder (no {}; run `logline train`)", dir.display(), files::MANIFEST);
        }
        let manifest: ModelManifest = read_json(&dir.join(files::MANIFEST))?;
        manifest.check_format()?;
        let dims = manifest.dims;
        let records: Vec<Trajectory> = read_bin(&dir.join(files::RECORDS))?;
        let vectors = F32Table::open(&dir.join(files::VECTORS), dims)?;
        let outcomes = F32Table::open(&dir.join(files::OUTCOMES), dims)?;
        let queries = F32Table::open(&dir.join(files::QUERIES), dims)?;
        if [vectors.rows(), outcomes.rows(), queries.rows()].iter().any(|&n| n != records.len()) {
            anyhow::bail!(
                "{}: {} records but {} vectors, {} outcomes and {} requests",
                dir.display(),
                records.len(),
                vectors.rows(),
                outcomes.rows(),
                queries.rows()
            );
        }
        let ivf = Ivf::load(dir, dims, manifest.nlist, manifest.ivf.ef_search)?;
        let calibration: Calibration = read_json(&dir.join(files::CALIBRATION))?;
        let heldout: Vec<HeldOut> = read_bin(&dir.join(files::HELDOUT))?;
        Ok(Model { dir: dir.to_path_buf(), manifest, records, vectors, outcomes, queries, ivf, calibration, heldout })
    }

    /// Refuse requests embedded by another model than the one it was trained with.
    pub fn check_embedding_model(&self, key: &str) -> anyhow::Result<()> {
        if self.manifest.embedding_model != key {
            anyhow::bail!(
                "{} was trained with embedding model {}, not {key}",
                self.dir.display(),
                self.manifest.embedding_model
            );
        }
        Ok(())
    }

    pub fn params(&self) -> &MatchParams {
        &self.manifest.params
    }

    /// The neighbours of a normalised query vector, best first.
    pub fn neighbours(&self, q: &[f32], query: &Query<'_>) -> Vec<(u32, f32)> {
        self.neighbours_in(&Side::EMPTY, q, query)
    }

    /// A row's trajectory: the model's, or past its end the side's.
    pub fn record<'a>(&'a self, side: &'a Side, row: u32) -> &'a Trajectory {
        let n = self.records.len();
        match (row as usize).checked_sub(n) {
            None => &self.records[row as usize],
            Some(i) => &side.records[i],
        }
    }

    fn outcome_row<'a>(&'a self, side: &'a Side, row: u32) -> &'a [f32] {
        match (row as usize).checked_sub(self.records.len()) {
            None => self.outcomes.row(row as usize),
            Some(i) => side.rows(i, self.manifest.dims).1,
        }
    }

    /// The `k` nearest of the model's trajectories that `keep` accepts (all
    /// with `None`), best first, at the model's nprobe; when a filter leaves
    /// too few in the probed partitions, every partition is probed.
    pub fn search_where(&self, q: &[f32], k: usize, keep: Option<&dyn Fn(u32) -> bool>) -> Vec<(u32, f32)> {
        let table = self.vectors.as_slice();
        let hits = self.ivf.search(table, q, k, self.params().nprobe, keep);
        if hits.len() < k && keep.is_some() {
            return self.ivf.search(table, q, k, self.ivf.nlist(), keep);
        }
        hits
    }

    /// The neighbours among the model's trajectories and `side`'s (searched
    /// exactly), best first.
    pub fn neighbours_in(&self, side: &Side, q: &[f32], query: &Query<'_>) -> Vec<(u32, f32)> {
        let k = query.k.unwrap_or(self.params().k).max(1);
        let keep = |row: u32| {
            let r = self.record(side, row);
            query.did.is_none_or(|d| r.did == d)
                && query.domain.is_none_or(|d| r.domain.as_deref() == Some(d))
                && query.exclude_thread.is_none_or(|t| r.thread != t)
        };
        let filtered = query.did.is_some() || query.domain.is_some() || query.exclude_thread.is_some();
        let keep_in: Option<&dyn Fn(u32) -> bool> = if filtered { Some(&keep) } else { None };
        let mut hits = self.search_where(q, k, keep_in);
        if !side.is_empty() {
            let base = self.records.len() as u32;
            let dims = self.manifest.dims;
            hits.extend(
                (0..side.len()).map(|i| (base + i as u32, dot(side.rows(i, dims).0, q))).filter(|&(row, _)| keep(row)),
            );
            // Best first; equal similarities keep the lower row first.
            hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            hits.truncate(k);
        }
        hits
    }

    pub fn analyse(&self, hits: Vec<(u32, f32)>) -> Option<Analysis> {
        self.analyse_in(&Side::EMPTY, hits)
    }

    pub fn analyse_in(&self, side: &Side, hits: Vec<(u32, f32)>) -> Option<Analysis> {
        let completed = |row: u32| completed(&self.record(side, row).status);
        analyse(hits, &|row| self.outcome_row(side, row), &completed, self.params())
    }

    /// Predict for a normalised query vector; `None` when nothing matches
    /// (an empty model, or filters no trajectory passes).
    pub fn predict(&self, q: &[f32], query: &Query<'_>) -> Option<Prediction> {
        self.predict_in(&Side::EMPTY, q, query)
    }

    /// Predict from the model's trajectories and `side`'s.
    pub fn predict_in(&self, side: &Side, q: &[f32], query: &Query<'_>) -> Option<Prediction> {
        let a = self.analyse_in(side, self.neighbours_in(side, q, query))?;
        let c = &self.calibration;
        let (members, open) = a.set(c.conformal.threshold(query.did, query.mondrian), self.params().tau);
        let pick = Pick {
            group: a.chosen,
            confidence: c.outcome.prob(&a.features),
            raw: a.raw,
            members,
            open,
            alpha: c.conformal.alpha,
            mondrian: query.mondrian,
            calibrated_for_query: query.k.is_none_or(|k| k == self.params().k)
                && query.domain.is_none()
                && (query.did.is_none() || query.mondrian),
        };
        Some(self.prediction(side, &a, pick))
    }

    /// The prediction a predictor (the matcher, or a student over it) made
    /// from an analysis: its outcome group, confidence and set, with the
    /// status vote and the evidence.
    pub fn prediction(&self, side: &Side, a: &Analysis, pick: Pick) -> Prediction {
        let c = &self.calibration;
        let rec = |row: u32| self.record(side, row);
        let group_of = |row: u32| a.groups.iter().position(|g| g.rows.contains(&row)).unwrap_or(0);
        let predicted = rec(a.groups[pick.group].rep());
        Prediction {
            outcome: predicted.outcome.clone(),
            outcome_id: predicted.id.clone(),
            confidence: pick.confidence,
            raw_score: pick.raw,
            status: match a.status {
                Some(true) => "completed",
                Some(false) => "failed",
                None => "unknown",
            }
            .to_string(),
            status_confidence: a.status.map(|_| c.status.prob(&a.status_features)),
            status_raw: a.status_raw,
            features: OUTCOME_FEATURES.iter().copied().zip(a.features).collect(),
            set: pick
                .members
                .into_iter()
                .map(|g| {
                    let r = rec(a.groups[g].rep());
                    SetMember { id: r.id.clone(), outcome: r.outcome.clone(), share: a.groups[g].share }
                })
                .collect(),
            set_open_within_cosine: pick.open,
            alpha: pick.alpha,
            mondrian: pick.mondrian,
            calibrated_for_query: pick.calibrated_for_query,
            evidence: a
                .hits
                .iter()
                .map(|&(row, sim)| {
                    let r = rec(row);
                    Evidence {
                        id: r.id.clone(),
                        similarity: sim,
                        did: r.did.clone(),
                        status: r.status.clone(),
                        outcome: r.outcome.clone(),
                        group: group_of(row),
                    }
                })
                .collect(),
        }
    }
}

/// What a predictor chose from an analysis.
#[derive(Debug, Clone)]
pub struct Pick {
    /// The outcome group answered.
    pub group: usize,
    pub confidence: f64,
    /// The predictor's own score before calibration.
    pub raw: f64,
    /// The groups in the conformal set, and the cosine within which any
    /// other outcome is in it too.
    pub members: Vec<usize>,
    pub open: Option<f64>,
    pub alpha: f64,
    /// Whether the set's threshold is a stratum's (Mondrian).
    pub mondrian: bool,
    pub calibrated_for_query: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[f32; 2]]) -> F32Table {
        F32Table::from_vec(rows.iter().flatten().copied().collect(), 2)
    }

    #[test]
    fn the_heaviest_agreeing_group_wins_unless_the_top_neighbour_is_close_enough() {
        // Outcomes: rows 0 and 3 point one way, 1 and 2 another.
        let outcomes = table(&[[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]);
        let done = |_: u32| Some(true);
        let p = MatchParams { tau: 0.7, top_threshold: 0.9, ..Default::default() };
        let hits = vec![(0, 0.8), (1, 0.75), (2, 0.74), (3, 0.2)];
        let a = analyse(hits.clone(), &|r| outcomes.row(r as usize), &done, &p).unwrap();
        assert_eq!(a.groups.len(), 2);
        assert_eq!(a.predicted_row(), 1, "group {{1,2}} outweighs {{0,3}}");
        assert!((a.features[4] - a.groups[0].share).abs() < 1e-12);
        let close = vec![(0, 0.95), (1, 0.75), (2, 0.74), (3, 0.2)];
        let a = analyse(close, &|r| outcomes.row(r as usize), &done, &p).unwrap();
        assert_eq!(a.predicted_row(), 0, "a near-identical trajectory is taken as is");
        // Nonconformity: the truth in the heavy group scores 1 − its share;
        // one no group agrees with scores 2 − its best cosine.
        let heavy = a.groups.iter().find(|g| g.rep() == 1).unwrap().share;
        assert!((a.score_of(&outcomes, &[0.0, 1.0], 0.7) - (1.0 - heavy)).abs() < 1e-9);
        let lost = [std::f32::consts::FRAC_1_SQRT_2, -std::f32::consts::FRAC_1_SQRT_2];
        assert!((a.score_of(&outcomes, &lost, 0.8) - (2.0 - std::f64::consts::FRAC_1_SQRT_2)).abs() < 1e-6);
        let (all, open) = a.set(None, 0.7);
        assert_eq!((all.len(), open), (2, Some(-1.0)), "+∞ holds everything");
    }

    #[test]
    fn status_is_a_similarity_weighted_vote_that_ignores_pending_neighbours() {
        let outcomes = table(&[[1.0, 0.0]; 4]);
        let st = |row: u32| [Some(false), Some(true), Some(true), None][row as usize];
        let a = analyse(
            vec![(0, 0.9), (1, 0.5), (2, 0.45), (3, 0.99)],
            &|r| outcomes.row(r as usize),
            &st,
            &MatchParams::default(),
        )
        .unwrap();
        assert_eq!(a.status, Some(true), "0.95 of completed weight beats 0.9 of failed");
        assert_eq!(a.status_features[2], 3.0, "the pending neighbour does not vote");
    }
}
