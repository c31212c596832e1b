//! One reject record and one sink for every phase.
//!
//! Each stage answers keep, change, drop (with a [`RejectCode`]) or error;
//! whatever does not go on becomes a [`RejectRecord`] of one shape — the
//! input line it came from, the stage, the code, the field and detail, and
//! the span or the raw line — and the [`Sink`] writes it and counts it.
//! Nothing is lost: every input line ends up in the output or the rejects.

use super::AsideWriter;
use crate::ingest::Line;
use crate::span::Span;
use crate::validate::{Reason, Reject, RejectKind};
use anyhow::Context as _;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a line or span did not go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// Breaks the span spec (the `reasons` say how).
    Invalid,
    /// Valid, but its own quality score is missing or under the input floor.
    Filtered,
    /// An enzyme dropped it (the enzyme and its reason are named).
    Dropped,
    /// An enzyme failed on it under the `reject` policy.
    EnzymeError,
    /// Its final score is under the quality gate.
    BelowGate,
    /// A garbage detector capped it (the detector is named).
    Garbage,
    /// A variant whose id an input span or an earlier variant already has.
    DuplicateId,
    /// A duplicate of a kept span (`--dedupe drop`; the kept id is named).
    Duplicate,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Invalid => "invalid",
            RejectCode::Filtered => "filtered",
            RejectCode::Dropped => "dropped",
            RejectCode::EnzymeError => "enzyme_error",
            RejectCode::BelowGate => "below_gate",
            RejectCode::Garbage => "garbage",
            RejectCode::DuplicateId => "duplicate_id",
            RejectCode::Duplicate => "duplicate",
        }
    }
}

impl From<RejectKind> for RejectCode {
    fn from(k: RejectKind) -> Self {
        match k {
            RejectKind::Invalid => RejectCode::Invalid,
            RejectKind::Filtered => RejectCode::Filtered,
        }
    }
}

/// Where in the pipeline a record was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectStage {
    /// Reading and validating the input line.
    Input,
    /// Phase 0's duplicate detection.
    Dedupe,
    /// The enzyme chain.
    Chain,
    /// The score and the quality gate.
    Gate,
}

/// What the record carries of the rejected thing.
#[derive(Debug)]
pub enum Body {
    /// The span as it was when rejected (its transformation log included).
    Span(Box<RawValue>),
    /// An input line that did not become a span.
    Raw { bytes: Vec<u8>, truncated_from: Option<u64> },
}

/// One line of a rejects file, the same shape in every phase and in
/// `enzymes run`.
#[derive(Debug)]
pub struct RejectRecord {
    /// The input line it came from (a variant: its parent's line).
    pub line: u64,
    pub stage: RejectStage,
    pub reason: RejectCode,
    pub id: Option<String>,
    /// The field at fault, when one is.
    pub field: Option<String>,
    pub detail: String,
    /// Every validation reason (input rejects).
    pub reasons: Vec<Reason>,
    /// The enzyme that dropped it or failed on it.
    pub enzyme: Option<String>,
    pub error_kind: Option<crate::enzyme::FailureKind>,
    /// Its final score and the gate (Phase 1).
    pub score: Option<f64>,
    pub gate: Option<f64>,
    /// The garbage detectors that capped it.
    pub caps: Vec<&'static str>,
    /// The kept span it duplicates.
    pub duplicate_of: Option<String>,
    pub body: Body,
}

impl RejectRecord {
    /// An input line that failed validation.
    pub fn input(r: &Reject, line: &Line) -> Self {
        let first = r.reasons.first();
        RejectRecord {
            line: r.line,
            stage: RejectStage::Input,
            reason: r.kind.into(),
            id: r.id.clone(),
            field: first.and_then(|x| x.field.clone()),
            detail: first.map(|x| x.detail.clone()).unwrap_or_default(),
            reasons: r.reasons.clone(),
            enzyme: None,
            error_kind: None,
            score: None,
            gate: None,
            caps: Vec::new(),
            duplicate_of: None,
            body: Body::Raw { bytes: line.bytes.clone(), truncated_from: line.truncated_from },
        }
    }

    /// A span rejected after it was read; `span_json` is its JSON line.
    pub fn span(stage: RejectStage, reason: RejectCode, span: &Span, span_json: String, detail: String) -> Self {
        Self::span_line(span.line, stage, reason, &span.id, span_json, detail).expect("a span line is JSON")
    }

    /// A span known by its line, id and JSON line (an error when that is not JSON).
    pub fn span_line(
        line: u64,
        stage: RejectStage,
        reason: RejectCode,
        id: &str,
        span_json: String,
        detail: String,
    ) -> anyhow::Result<Self> {
        Ok(RejectRecord {
            line,
            stage,
            reason,
            id: Some(id.to_string()),
            field: None,
            detail,
            reasons: Vec::new(),
            enzyme: None,
            error_kind: None,
            score: None,
            gate: None,
            caps: Vec::new(),
            duplicate_of: None,
            body: Body::Span(RawValue::from_string(span_json)?),
        })
    }

    /// The rejects-file line.
    pub fn to_line(&self) -> String {
        use serde::ser::{SerializeMap, Serializer as _};
        let mut out = Vec::with_capacity(256);
        let mut ser = serde_json::Serializer::new(&mut out);
        let mut m = (&mut ser).serialize_map(None).expect("a map");
        macro_rules! put {
            ($k:expr, $v:expr) => {
                m.serialize_entry($k, $v).expect("serialising into a Vec")
            };
        }
        put!("line", &self.line);
        put!("stage", &self.stage);
        put!("reason", &self.reason);
        if let Some(id) = &self.id {
            put!("id", id);
        }
        if let Some(f) = &self.field {
            put!("field", f);
        }
        put!("detail", &self.detail);
        if !self.reasons.is_empty() {
            put!("reasons", &self.reasons);
        }
        if let Some(e) = &self.enzyme {
            put!("enzyme", e);
        }
        if let Some(k) = &self.error_kind {
            put!("error_kind", k);
        }
        if let Some(s) = &self.score {
            put!("score", s);
        }
        if let Some(g) = &self.gate {
            put!("gate", g);
        }
        if !self.caps.is_empty() {
            put!("caps", &self.caps);
        }
        if let Some(of) = &self.duplicate_of {
            put!("duplicate_of", of);
        }
        match &self.body {
            Body::Span(raw) => put!("span", raw),
            Body::Raw { bytes, truncated_from } => {
                match std::str::from_utf8(bytes) {
                    Ok(text) => put!("raw", &text),
                    Err(_) => put!("raw_base64", &base64::engine::general_purpose::STANDARD.encode(bytes)),
                }
                if let Some(total) = truncated_from {
                    put!("raw_truncated", &true);
                    put!("raw_bytes", total);
                }
            }
        }
        m.end().expect("serialising into a Vec");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

/// Rejects by code: `dropped_<code>` in the reports. Adds up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RejectCounts(pub BTreeMap<String, u64>);

impl RejectCounts {
    pub fn add(&mut self, code: RejectCode) {
        *self.0.entry(format!("dropped_{}", code.as_str())).or_default() += 1;
    }

    /// Every rejects line.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    pub fn get(&self, code: RejectCode) -> u64 {
        self.0.get(&format!("dropped_{}", code.as_str())).copied().unwrap_or(0)
    }
}

impl std::ops::AddAssign<&RejectCounts> for RejectCounts {
    fn add_assign(&mut self, other: &RejectCounts) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_default() += v;
        }
    }
}

/// The one place output and rejects lines are written and counted.
pub struct Sink {
    out: AsideWriter,
    rejects: AsideWriter,
    pub counts: RejectCounts,
}

impl Sink {
    pub fn create(out: &Path, rejects: &Path) -> anyhow::Result<Self> {
        Ok(Sink {
            out: AsideWriter::create(out)?,
            rejects: AsideWriter::create(rejects)?,
            counts: RejectCounts::default(),
        })
    }

    /// Continue from a checkpoint (`(bytes, lines)` of each file).
    pub fn resume(
        out: &Path,
        rejects: &Path,
        at: ((u64, u64), (u64, u64)),
        counts: RejectCounts,
    ) -> anyhow::Result<Self> {
        Ok(Sink {
            out: AsideWriter::resume(out, at.0.0, at.0.1)?,
            rejects: AsideWriter::resume(rejects, at.1.0, at.1.1)?,
            counts,
        })
    }

    pub fn keep(&mut self, line: &str) -> anyhow::Result<()> {
        self.out.write_line(line)
    }

    pub fn reject(&mut self, r: &RejectRecord) -> anyhow::Result<()> {
        self.counts.add(r.reason);
        self.rejects.write_line(&r.to_line())
    }

    /// Append one rejects-file line as it is, uncounted: the caller adds
    /// its counts (a shard's part, rewritten by `report merge`).
    pub fn reject_line(&mut self, line: &str) -> anyhow::Result<()> {
        self.rejects.write_line(line)
    }

    /// Append the records of another rejects file (a shard's part), with
    /// their counts; the two must agree.
    pub fn rejects_from(&mut self, path: &Path, counts: &RejectCounts) -> anyhow::Result<()> {
        let n = copy_lines(path, &mut self.rejects)?;
        anyhow::ensure!(
            n == counts.total(),
            "{} holds {n} records but its stats count {}",
            path.display(),
            counts.total()
        );
        self.counts += counts;
        Ok(())
    }

    /// Append another output file's lines (a shard's part); how many.
    pub fn keep_from(&mut self, path: &Path) -> anyhow::Result<u64> {
        copy_lines(path, &mut self.out)
    }

    /// Flush and sync both; `(bytes, lines)` of each for a checkpoint.
    pub fn sync(&mut self) -> anyhow::Result<((u64, u64), (u64, u64))> {
        Ok((self.out.sync()?, self.rejects.sync()?))
    }

    /// Rename both into place: `((path, lines), (path, lines))`.
    pub fn commit(self) -> anyhow::Result<((PathBuf, u64), (PathBuf, u64))> {
        Ok((self.out.commit()?, self.rejects.commit()?))
    }
}

/// Copy the lines of `path` to `to`; how many.
fn copy_lines(path: &Path, to: &mut AsideWriter) -> anyhow::Result<u64> {
    use std::io::BufRead as _;
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut n = 0u64;
    for line in std::io::BufReader::with_capacity(1 << 20, f).lines() {
        to.write_line(&line.with_context(|| format!("reading {}", path.display()))?)?;
        n += 1;
    }
    Ok(n)
}
