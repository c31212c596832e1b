//! `POST /v1/feedback`: continuous learning. A rated answer — a span sent
//! whole, or an answer this server gave (by its completion id) — goes
//! through validation and the manifest's enzyme chain (a redactor first:
//! what is learned is served back), and, rated 4 or 5, through the
//! garbage detectors and the embedder into the live index. Every accepted
//! feedback is appended to the write-ahead log ([`super::wal`]) and
//! fsynced before the answer; a restarted server replays the log.
//!
//! A refusal carries the same stage, reason, field, enzyme and caps as a
//! line of the rejects file would.

use super::wal::{Record, Wal};
use crate::derive::CombinedMode;
use crate::embed::Embedder;
use crate::enzyme::EnzymeHost;
use crate::enzyme::chain::{self, Derive, StagePool};
use crate::manifest::{Manifest, Role};
use crate::matcher::Model;
use crate::matcher::predict::Side;
use crate::matcher::train::Read;
use crate::output::sink::{RejectCode, RejectStage};
use crate::score::{Scorer, Signals};
use crate::span::Span;
use crate::tags::Tagger;
use crate::validate::{Mode, Reason, parse_span};
use anyhow::Context as _;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Mutex, RwLock};

/// The lowest rating whose answer is learned.
pub const LEARN_FROM_RATING: u8 = 4;
/// Answers remembered for feedback by completion id.
pub const RECENT_COMPLETIONS: usize = 10_000;

/// The trajectories the server answers from beyond the model's files.
pub struct Live {
    pub side: Side,
    /// Every id the server answers from (model rows, then side rows).
    pub by_id: HashMap<String, u32>,
}

impl Live {
    pub fn new(model: &Model) -> Self {
        let by_id = model.records.iter().enumerate().map(|(i, r)| (r.id.clone(), i as u32)).collect();
        Live { side: Side::default(), by_id }
    }

    fn add(&mut self, model: &Model, mut r: Read) {
        r.t.thread = r.t.thread_id.clone().unwrap_or_else(|| r.t.id.clone());
        let row = (model.records.len() + self.side.len()) as u32;
        self.by_id.insert(r.t.id.clone(), row);
        self.side.push(r, model.params().index_on);
    }

    /// Trajectories served.
    pub fn size(&self, model: &Model) -> usize {
        model.records.len() + self.side.len()
    }
}

/// An answer this server gave, kept for feedback by completion id.
#[derive(Debug, Clone)]
pub struct Answered {
    pub query: String,
    pub answer: String,
    /// `model`, `upstream` or `abstained`.
    pub source: String,
    pub model: String,
    pub created: String,
}

/// What is rated.
pub enum Subject {
    /// A span sent whole (its JSON text).
    Span(Box<RawValue>),
    /// A completion or trajectory id.
    Id(String),
}

/// A checked feedback request.
pub struct Feedback {
    pub subject: Subject,
    pub rating: u8,
    pub comment: Option<String>,
}

/// Why a feedback was not taken, as a rejects-file line says it.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    #[serde(skip)]
    pub status: u16,
    pub stage: RejectStage,
    pub reason: RejectCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enzyme: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<&'static str>,
}

impl Refusal {
    fn new(status: u16, stage: RejectStage, reason: RejectCode, detail: impl Into<String>) -> Self {
        Refusal {
            status,
            stage,
            reason,
            field: None,
            detail: detail.into(),
            reasons: Vec::new(),
            enzyme: None,
            caps: Vec::new(),
        }
    }
}

/// Not a refusal of the feedback: the server could not take it.
#[derive(Debug)]
pub enum Failure {
    Refused(Box<Refusal>),
    /// The reference names nothing this server knows.
    Unknown(String),
    Internal(anyhow::Error),
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Refused(Box::new(r))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Internal(e)
    }
}

/// The answer to an accepted feedback.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    /// Its place in the log (`None`: a repeat of a feedback already learned).
    pub seq: Option<u64>,
    pub indexed: bool,
    /// The ids learned (or already held, for a repeat).
    pub ids: Vec<String>,
    /// Why an accepted feedback was not learned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_indexed: Option<&'static str>,
    pub duplicate: bool,
    pub index_size: usize,
}

/// Counts of a log replay.
#[derive(Debug, Default, Clone, Copy)]
pub struct Replay {
    pub records: usize,
    pub learned: usize,
    /// Spans the model already holds (folded in by `train --add`).
    pub in_model: usize,
    pub torn_bytes: u64,
}

/// Feedback is learned into an index the server answers from: the chain
/// must start with a redactor.
pub fn check_chain(manifest: &Manifest) -> anyhow::Result<()> {
    match manifest.enzymes.first() {
        Some(e) if e.role == Role::Redactor => Ok(()),
        first => anyhow::bail!(
            "{}: feedback is learned into an index the server answers from, so the chain must start with a redactor (the built-in `security`); it starts with {} (or serve with --no-feedback)",
            manifest.origin.display_name(),
            first.map_or("nothing".to_string(), |e| format!("`{}` ({})", e.name, e.role.as_str()))
        ),
    }
}

/// The chain, the detectors and the log.
pub struct Learner {
    // Kept alive: the host runs the enzymes' epoch timer.
    _host: EnzymeHost,
    stages: StagePool,
    tagger: Tagger,
    /// The gate's garbage detectors, as `logline run` has them.
    scorer: Scorer,
    combined: CombinedMode,
    wal: Mutex<Wal>,
    recent: Mutex<(HashMap<String, Answered>, VecDeque<String>)>,
}

impl Learner {
    /// Load the chain of `manifest` (it must start with a redactor) and open
    /// the log at `log`.
    pub fn new(
        host: EnzymeHost,
        manifest: Manifest,
        log: &Path,
        combined: CombinedMode,
    ) -> anyhow::Result<(Self, Vec<Record>, u64)> {
        check_chain(&manifest)?;
        let enzymes = host.load_all(&manifest.enzymes)?;
        let stages = StagePool::new(enzymes, &manifest, std::sync::Arc::new(crate::enzyme::NoLookups));
        let tagger = Tagger::new(&manifest.tags);
        let scorer = Scorer::new(manifest.quality.clone());
        let (wal, records, torn) = Wal::open(log)?;
        let learner = Learner {
            _host: host,
            stages,
            tagger,
            scorer,
            combined,
            wal: Mutex::new(wal),
            recent: Mutex::new((HashMap::new(), VecDeque::new())),
        };
        Ok((learner, records, torn))
    }

    /// Ask the relevance model beside `embedding` (when the manifest asks
    /// for it), as the gate of `logline run` does.
    pub fn load_relevance_beside(
        &mut self,
        embedding: &crate::embed::ModelFiles,
        sessions: usize,
    ) -> anyhow::Result<()> {
        self.scorer.load_relevance_beside(embedding, sessions)
    }

    /// Bytes in the log.
    pub fn wal_bytes(&self) -> u64 {
        self.wal.lock().unwrap_or_else(|p| p.into_inner()).bytes()
    }

    pub fn wal_path(&self) -> std::path::PathBuf {
        self.wal.lock().unwrap_or_else(|p| p.into_inner()).path().to_path_buf()
    }

    /// Remember an answer for feedback by its completion id.
    pub fn remember(&self, id: String, a: Answered) {
        let mut g = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *g;
        if map.insert(id.clone(), a).is_none() {
            order.push_back(id);
        }
        while order.len() > RECENT_COMPLETIONS {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    fn answered(&self, id: &str) -> Option<Answered> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner()).0.get(id).cloned()
    }

    /// Take one feedback (blocking: the chain and the embedder run here).
    pub fn learn(
        &self,
        model: &Model,
        embedder: &Embedder,
        live: &RwLock<Live>,
        f: Feedback,
    ) -> Result<Accepted, Failure> {
        let received = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let (span, source, reference, abstained) = match &f.subject {
            Subject::Span(raw) => (Some(spans_of_input(raw.get())?), "span", None, false),
            Subject::Id(id) => match self.answered(id) {
                Some(a) => {
                    (Some(span_of_answer(id, &a, &received)?), "completion", Some(id.clone()), a.source == "abstained")
                }
                None if read(live).by_id.contains_key(id) => (None, "trajectory", Some(id.clone()), false),
                None => {
                    return Err(Failure::Unknown(format!(
                        "`{id}` is neither a completion this server answered (the last {RECENT_COMPLETIONS} are kept) nor a trajectory it holds"
                    )));
                }
            },
        };
        let mut rec = Record {
            seq: 0,
            received,
            rating: f.rating,
            comment: f.comment.clone(),
            source: source.to_string(),
            reference,
            indexed: false,
            spans: Vec::new(),
        };
        let Some(mut span) = span else {
            // A trajectory the index holds: the rating is recorded.
            let seq = self.append(&mut rec)?;
            return Ok(self.accepted(model, live, Some(seq), false, Vec::new(), Some("already in the index")));
        };
        label(&mut span, f.rating, f.comment.as_deref())?;
        crate::derive::text_facts(&mut span, &self.tagger);
        let mut spans = self.chain(span)?;
        let learn = f.rating >= LEARN_FROM_RATING && !abstained;
        if !learn {
            rec.spans = spans.iter().map(|s| raw(&s.to_json_line(false, &[]))).collect::<anyhow::Result<_>>()?;
            let seq = self.append(&mut rec)?;
            let why = if abstained { "the answer abstained: it has no outcome to learn" } else { "rated under 4" };
            let ids = spans.iter().map(|s| s.id.clone()).collect();
            return Ok(self.accepted(model, live, Some(seq), false, ids, Some(why)));
        }
        crate::derive::embed_spans(embedder, &mut spans, self.combined)?;
        // Garbage is not learned, whatever its rating; a capped variant is left out.
        let mut first_caps = None;
        spans.retain(|s| {
            let caps = self.scorer.caps(s, Signals::of(s));
            if caps.is_empty() {
                return true;
            }
            first_caps.get_or_insert(caps);
            false
        });
        if spans.is_empty() {
            let caps = first_caps.unwrap_or_default();
            let mut r = Refusal::new(
                422,
                RejectStage::Gate,
                RejectCode::Garbage,
                caps.iter().map(|c| format!("{}: {}", c.reason.as_str(), c.detail)).collect::<Vec<_>>().join("; "),
            );
            r.caps = caps.iter().map(|c| c.reason.as_str()).collect();
            return Err(r.into());
        }
        let reads = Read::all_of(&spans, embedder)?;
        rec.indexed = true;
        rec.spans = spans.iter().map(|s| raw(&s.to_json_line(true, &[]))).collect::<anyhow::Result<_>>()?;
        let ids: Vec<String> = reads.iter().map(|r| r.t.id.clone()).collect();
        // The log and the index change together, under the log's lock.
        let mut wal = self.wal.lock().unwrap_or_else(|p| p.into_inner());
        {
            let l = read(live);
            let held: Vec<&String> = ids.iter().filter(|id| l.by_id.contains_key(*id)).collect();
            if !held.is_empty() {
                let same = reads.iter().all(|r| {
                    l.by_id.get(&r.t.id).is_some_and(|&row| {
                        let t = model.record(&l.side, row);
                        t.query == r.t.query && t.outcome == r.t.outcome
                    })
                });
                if same {
                    drop(l);
                    drop(wal);
                    return Ok(self.accepted(model, live, None, true, ids, None).repeat());
                }
                let mut r = Refusal::new(
                    409,
                    RejectStage::Input,
                    RejectCode::DuplicateId,
                    format!("the index already holds `{}` with other text", held[0]),
                );
                r.field = Some("id".into());
                return Err(r.into());
            }
        }
        let seq = wal.append(&mut rec)?;
        let mut l = live.write().unwrap_or_else(|p| p.into_inner());
        for r in reads {
            l.add(model, r);
        }
        drop(l);
        drop(wal);
        Ok(self.accepted(model, live, Some(seq), true, ids, None))
    }

    fn append(&self, rec: &mut Record) -> anyhow::Result<u64> {
        self.wal.lock().unwrap_or_else(|p| p.into_inner()).append(rec)
    }

    fn accepted(
        &self,
        model: &Model,
        live: &RwLock<Live>,
        seq: Option<u64>,
        indexed: bool,
        ids: Vec<String>,
        not_indexed: Option<&'static str>,
    ) -> Accepted {
        Accepted { seq, indexed, ids, not_indexed, duplicate: false, index_size: read(live).size(model) }
    }

    /// The span through the chain: what goes on (the span and its variants).
    fn chain(&self, span: Span) -> Result<Vec<Span>, Failure> {
        let mut stages = self.stages.take();
        // Vectors are made once, after the chain, for the text that is kept.
        let run = chain::run_with(&mut stages, span, Derive { tagger: &self.tagger, embed: None });
        self.stages.give_back(stages);
        let out = match run {
            Ok(out) => out,
            Err(failure) => {
                let mut r = Refusal::new(422, RejectStage::Chain, RejectCode::EnzymeError, failure.to_string());
                r.enzyme = Some(failure.enzyme.clone());
                return Err(r.into());
            }
        };
        if let Some(x) = out.rejected.first() {
            let mut r = Refusal::new(422, RejectStage::Chain, RejectCode::EnzymeError, x.failure.to_string());
            r.enzyme = Some(x.failure.enzyme.clone());
            return Err(r.into());
        }
        if out.items.is_empty() {
            let d = out.dropped.first().context("the chain kept nothing and dropped nothing")?;
            let mut r = Refusal::new(422, RejectStage::Chain, RejectCode::Dropped, d.reason.clone());
            r.enzyme = Some(d.enzyme.clone());
            return Err(r.into());
        }
        Ok(out.items.into_iter().map(|i| i.span).collect())
    }

    /// Put the log's learned spans back into the live index: every record
    /// once, and none the model already holds.
    pub fn replay(
        model: &Model,
        embedder: &Embedder,
        live: &mut Live,
        records: &[Record],
        log: &Path,
    ) -> anyhow::Result<Replay> {
        let mut out = Replay { records: records.len(), ..Default::default() };
        for rec in records.iter().filter(|r| r.indexed) {
            let mut spans = Vec::with_capacity(rec.spans.len());
            for s in &rec.spans {
                let span = parse_span(s.get(), Mode::Enriched).map_err(|(reasons, _)| {
                    let why: Vec<String> = reasons.iter().map(ToString::to_string).collect();
                    anyhow::anyhow!("{} record {}: not a valid span: {}", log.display(), rec.seq, why.join("; "))
                })?;
                if live.by_id.contains_key(&span.id) {
                    out.in_model += 1;
                } else {
                    spans.push(span);
                }
            }
            for r in Read::all_of(&spans, embedder)? {
                live.add(model, r);
                out.learned += 1;
            }
        }
        Ok(out)
    }
}

impl Accepted {
    fn repeat(mut self) -> Self {
        self.duplicate = true;
        self.indexed = true;
        self
    }
}

fn read(live: &RwLock<Live>) -> std::sync::RwLockReadGuard<'_, Live> {
    live.read().unwrap_or_else(|p| p.into_inner())
}

fn raw(text: &str) -> anyhow::Result<Box<RawValue>> {
    Ok(RawValue::from_string(text.to_string())?)
}

/// A span sent whole, validated as an input line is.
fn spans_of_input(text: &str) -> Result<Span, Refusal> {
    let span = parse_span(text, Mode::Input).map_err(|(reasons, _)| {
        let mut r = Refusal::new(
            422,
            RejectStage::Input,
            RejectCode::Invalid,
            reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        );
        r.field = reasons.first().and_then(|x| x.field.clone()).map(|f| format!("span.{f}"));
        r.reasons = reasons;
        r
    })?;
    if span.if_ok.is_none() && span.if_not.is_none() {
        let mut r = Refusal::new(
            422,
            RejectStage::Input,
            RejectCode::Invalid,
            "the span has no outcome (`if_ok` or `if_not`) to learn",
        );
        r.field = Some("span.if_ok".into());
        return Err(r);
    }
    Ok(span)
}

/// The span an answer this server gave stands for.
fn span_of_answer(id: &str, a: &Answered, received: &str) -> Result<Span, Failure> {
    // Named by its content: the same question and answer are one span,
    // whichever completion (or server start) they came from.
    let digest = {
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        h.update(a.query.as_bytes());
        h.update([0u8]);
        h.update(a.answer.as_bytes());
        hex::encode(&h.finalize()[..8])
    };
    let line = json!({
        "id": format!("feedback-{digest}"),
        "who": a.model,
        "did": "answer",
        "this": a.query,
        "when": if a.created.is_empty() { received } else { &a.created },
        "status": "completed",
        "if_ok": a.answer,
        "metadata": {"answer_source": a.source, "completion_id": id},
    });
    Ok(spans_of_input(&line.to_string())?)
}

/// The rating as the owner's label: `metadata.feedback_rating` (and
/// `metadata.quality_score`, 20 a point, unless the span has its own).
fn label(span: &mut Span, rating: u8, comment: Option<&str>) -> anyhow::Result<()> {
    let mut meta: Map<String, Value> = match &span.metadata {
        Some(m) => serde_json::from_str(m.get())?,
        None => Map::new(),
    };
    meta.insert("feedback_rating".into(), json!(rating));
    if let Some(c) = comment {
        meta.insert("feedback_comment".into(), json!(c));
    }
    meta.entry("quality_score").or_insert(json!(u32::from(rating) * 20));
    span.metadata = Some(RawValue::from_string(Value::Object(meta).to_string())?);
    Ok(())
}
