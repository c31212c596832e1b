//! Phase 2 (SPEC §5.2): trajectory matching. Curated spans become a
//! predictor: for a new request, find the trajectories that handled similar
//! requests and predict the outcome and the status, with a confidence that
//! means what it says (Platt scaling) and a prediction set with a coverage
//! guarantee (split conformal).
//!
//! In data-flow order: [`split`] (train / calibration / test by thread) →
//! [`kmeans`] and [`ivf`] (the production index over the train split) →
//! [`predict`] (neighbours → outcome groups → prediction and raw features) →
//! [`platt`] and [`conformal`] (fitted on the calibration split) →
//! [`eval`] (the test split against baselines). [`train`] wires them and
//! writes the model folder; [`store`] holds its file formats.

pub mod conformal;
pub mod ensemble;
pub mod eval;
pub mod ivf;
pub mod kmeans;
pub mod platt;
pub mod predict;
pub mod split;
pub mod store;
pub mod student;
pub mod train;

use serde::{Deserialize, Serialize};

pub use predict::{Model, Prediction};
pub use train::{TrainOptions, add, train};

/// Which vector of a train span the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexOn {
    /// `combined_embedding` (request and outcome), as SPEC §5.2 builds it.
    Combined,
    /// `query_embedding` (the request alone).
    Query,
}

/// The matcher's settings; every default lives here.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatchParams {
    /// Neighbours per prediction.
    pub k: usize,
    /// Two outcomes agree when their embeddings' cosine is at least this:
    /// it groups neighbours' outcomes and decides whether a prediction is
    /// correct against the reference.
    pub tau: f64,
    /// The top neighbour's outcome is predicted outright when its
    /// similarity is at least this; else the largest agreeing group's.
    pub top_threshold: f64,
    /// Conformal miscoverage: sets cover the truth with probability ≥ 1 − α.
    pub alpha: f64,
    /// Partitions searched per query (chosen at training: the fewest that
    /// reach recall@10 ≥ `TARGET_RECALL` against exact search).
    pub nprobe: usize,
    pub index_on: IndexOn,
}

/// The recall@10 (against exact search on calibration queries) that picks `nprobe`.
pub const TARGET_RECALL: f64 = 0.95;

impl MatchParams {
    /// The first out-of-range setting, named by its flag.
    pub fn check(&self) -> anyhow::Result<()> {
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            anyhow::bail!("--alpha must be within (0, 1), got {}", self.alpha);
        }
        if !(-1.0..=1.0).contains(&self.tau) || self.k == 0 {
            anyhow::bail!("--tau must be a cosine within -1..=1 and -k at least 1");
        }
        Ok(())
    }
}

impl Default for MatchParams {
    fn default() -> Self {
        MatchParams { k: 10, tau: 0.7, top_threshold: 0.9, alpha: 0.1, nprobe: 0, index_on: IndexOn::Combined }
    }
}

/// A trajectory the model knows (train split) or holds out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    pub id: String,
    /// Thread key (see [`split::threads`]).
    pub thread: String,
    /// The links the thread key came from (`context.thread_id`,
    /// `context.previous_spans`), kept so `train --add` can join threads.
    pub thread_id: Option<String>,
    pub previous: Vec<String>,
    pub did: String,
    pub domain: Option<String>,
    /// `completed`, `failed` or `pending`.
    pub status: String,
    pub query: String,
    /// `if_ok`, else `if_not`.
    pub outcome: String,
}

impl Trajectory {
    pub fn member(&self) -> split::Member<'_> {
        split::Member { id: &self.id, thread_id: self.thread_id.as_deref(), previous: &self.previous }
    }
}

/// A calibration or test item: its trajectory and the vectors prediction
/// and scoring need (the request's own embedding: what a caller sends;
/// the outcome's embedding: the reference).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeldOut {
    pub split: split::Split,
    pub trajectory: Trajectory,
    pub query_vec: Vec<f32>,
    pub outcome_vec: Vec<f32>,
}

/// What answers a request: a model folder's matcher, or a student distilled
/// over one (`logline distill`). `predict`, `eval` and `serve` load either.
pub enum Predictor {
    Matcher(Box<Model>),
    Student(Box<student::Loaded>),
}

impl Predictor {
    /// A student folder (`student.json`) or a model folder.
    pub fn load(dir: &std::path::Path) -> anyhow::Result<Predictor> {
        if student::is_student(dir) {
            Ok(Predictor::Student(Box::new(student::Loaded::load(dir)?)))
        } else {
            Ok(Predictor::Matcher(Box::new(Model::load(dir)?)))
        }
    }

    /// The model searched (the student's is the one it was distilled over).
    pub fn model(&self) -> &Model {
        match self {
            Predictor::Matcher(m) => m,
            Predictor::Student(s) => &s.model,
        }
    }

    pub fn predict_in(
        &self,
        side: &predict::Side,
        q: &[f32],
        query: &predict::Query<'_>,
    ) -> Option<predict::Prediction> {
        match self {
            Predictor::Matcher(m) => m.predict_in(side, q, query),
            Predictor::Student(s) => s.predict_in(side, q, query),
        }
    }
}
