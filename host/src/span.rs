//! The span: typed required fields, everything else kept verbatim.
//!
//! `context`, `metadata` and unknown top-level keys are held as raw JSON text
//! ([`RawValue`]) and written back byte for byte, so numbers, key order and
//! escapes survive the pipeline. The facts the pipeline needs from them
//! (domain, thread, quality score) are extracted once, at validation.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::value::RawValue;
use std::sync::Arc;

/// The lifecycle state of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Completed,
    Failed,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pending" => Some(Status::Pending),
            "completed" => Some(Status::Completed),
            "failed" => Some(Status::Failed),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Completed => "completed",
            Status::Failed => "failed",
        }
    }
}

/// Facts read from `context` and `metadata` at validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// `context.environment`.
    pub domain: Option<String>,
    pub thread_id: Option<String>,
    pub previous_spans: Vec<String>,
    /// `metadata.quality_score`.
    pub input_quality: Option<f64>,
}

/// One 384-dimensional sentence embedding.
pub type Embedding = Arc<[f32]>;

/// What Phase 0 adds to a span.
#[derive(Debug, Clone, Default)]
pub struct Enriched {
    pub semantic_tags: Vec<String>,
    pub complexity_score: f64,
    pub query_embedding: Option<Embedding>,
    pub response_embedding: Option<Embedding>,
    pub combined_embedding: Option<Embedding>,
    /// Row of this span in the `.npy` sidecar (with `--embeddings sidecar`).
    pub embedding_row: Option<u64>,
    /// Phase 0's duplicate detection: the id of the group's kept span, on
    /// every member of a group of duplicates (`duplicate_group`) …
    pub duplicate_group: Option<String>,
    /// … and, on the others, the kept span they duplicate (`duplicate_of`).
    pub duplicate_of: Option<String>,
}

/// Keys the pipeline writes itself; an input's own values for them are
/// replaced, and enzymes may not set them through `extra`.
pub const RESERVED_KEYS: &[&str] = &[
    "embeddings",
    "query_embedding",
    "response_embedding",
    "combined_embedding",
    "embedding_row",
    "duplicate_group",
    "duplicate_of",
    "semantic_tags",
    "complexity_score",
    "transformation_log",
];

/// The fields SPEC §1 names.
pub const KNOWN_FIELDS: &[&str] =
    &["id", "who", "did", "this", "when", "status", "if_ok", "if_not", "confirmed_by", "context", "metadata"];

/// A validated span.
#[derive(Debug, Clone)]
pub struct Span {
    pub id: String,
    pub who: String,
    pub did: String,
    pub this: String,
    pub when: String,
    pub status: Status,
    pub if_ok: Option<String>,
    pub if_not: Option<String>,
    pub confirmed_by: Option<String>,
    /// A JSON object, verbatim.
    pub context: Option<Box<RawValue>>,
    /// A JSON object, verbatim.
    pub metadata: Option<Box<RawValue>>,
    /// Unknown top-level keys, in input order, verbatim.
    pub extra: Vec<(String, Box<RawValue>)>,
    pub facts: Facts,
    pub enriched: Enriched,
    /// A `transformation_log` from an earlier Phase 1, kept when re-reading.
    pub transformation_log: Option<Box<RawValue>>,
    /// Line number in the file it was read from (0 for spans made by enzymes).
    pub line: u64,
}

impl Span {
    /// The response, or "".
    pub fn response(&self) -> &str {
        self.if_ok.as_deref().unwrap_or("")
    }

    /// Bytes of text the span carries (a cheap size measure for caps).
    pub fn text_len(&self) -> usize {
        let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let raw = |r: &Option<Box<RawValue>>| r.as_ref().map_or(0, |r| r.get().len());
        self.id.len()
            + self.who.len()
            + self.did.len()
            + self.this.len()
            + self.when.len()
            + opt(&self.if_ok)
            + opt(&self.if_not)
            + opt(&self.confirmed_by)
            + raw(&self.context)
            + raw(&self.metadata)
            + self.extra.iter().map(|(k, v)| k.len() + v.get().len()).sum::<usize>()
    }

    /// Serialise as one JSON object: the spec's fields, unknown keys in their
    /// input order, then what the pipeline added, then `more`.
    pub fn to_json_line(&self, embeddings: bool, more: &[(&str, &serde_json::Value)]) -> String {
        let mut out = Vec::with_capacity(512 + if embeddings { 13_000 } else { 0 });
        let mut ser = serde_json::Serializer::new(&mut out);
        self.serialize_with(&mut ser, embeddings, more).expect("serialising into a Vec cannot fail");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    fn serialize_with<S: serde::Serializer>(
        &self,
        ser: S,
        embeddings: bool,
        more: &[(&str, &serde_json::Value)],
    ) -> Result<S::Ok, S::Error> {
        let mut m = ser.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("who", &self.who)?;
        m.serialize_entry("did", &self.did)?;
        m.serialize_entry("this", &self.this)?;
        m.serialize_entry("when", &self.when)?;
        m.serialize_entry("status", &self.status)?;
        if let Some(v) = &self.if_ok {
            m.serialize_entry("if_ok", v)?;
        }
        if let Some(v) = &self.if_not {
            m.serialize_entry("if_not", v)?;
        }
        if let Some(v) = &self.confirmed_by {
            m.serialize_entry("confirmed_by", v)?;
        }
        if let Some(v) = &self.context {
            m.serialize_entry("context", v)?;
        }
        if let Some(v) = &self.metadata {
            m.serialize_entry("metadata", v)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        let e = &self.enriched;
        m.serialize_entry("semantic_tags", &e.semantic_tags)?;
        m.serialize_entry("complexity_score", &e.complexity_score)?;
        if embeddings && (e.query_embedding.is_some() || e.combined_embedding.is_some()) {
            // The original guide's shape: `.embeddings.query_embedding`, …
            m.serialize_entry("embeddings", &Vectors(e))?;
        }
        if let Some(row) = e.embedding_row {
            m.serialize_entry("embedding_row", &row)?;
        }
        if let Some(g) = &e.duplicate_group {
            m.serialize_entry("duplicate_group", g)?;
        }
        if let Some(of) = &e.duplicate_of {
            m.serialize_entry("duplicate_of", of)?;
        }
        for (k, v) in more {
            m.serialize_entry(k, *v)?;
        }
        m.end()
    }
}

/// The three vectors as one `"embeddings"` object.
struct Vectors<'a>(&'a Enriched);

impl serde::Serialize for Vectors<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let e = self.0;
        let mut m = ser.serialize_map(None)?;
        for (k, v) in [
            ("query_embedding", &e.query_embedding),
            ("response_embedding", &e.response_embedding),
            ("combined_embedding", &e.combined_embedding),
        ] {
            if let Some(v) = v {
                m.serialize_entry(k, &**v)?;
            }
        }
        m.end()
    }
}

/// `when` as milliseconds since the epoch; i64::MIN when it does not parse.
pub fn when_millis(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).map_or(i64::MIN, |t| t.timestamp_millis())
}
