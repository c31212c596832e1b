//! Raw lines to [`Span`]s, or to [`Reject`]s with every reason found.
//!
//! Reasons are fixed codes (`bad_timestamp`, `wrong_type`, …) plus the field
//! and a human detail, so reports can group them and people can read them.

use crate::ingest::Line;
use crate::span::{Enriched, Facts, KNOWN_FIELDS, RESERVED_KEYS, Span, Status};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

/// Deepest JSON nesting accepted anywhere in a line.
pub const MAX_DEPTH: usize = 64;

/// Why a line was not accepted.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reason {
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub detail: String,
}

impl Reason {
    pub fn new(code: &'static str, field: Option<&str>, detail: impl Into<String>) -> Self {
        Reason { code, field: field.map(str::to_string), detail: detail.into() }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} ({field}): {}", self.code, self.detail),
            None => write!(f, "{}: {}", self.code, self.detail),
        }
    }
}

/// Invalid lines break the spec; filtered lines are valid but below the
/// input quality threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RejectKind {
    Invalid,
    Filtered,
}

/// A line that did not become a span.
#[derive(Debug, Clone)]
pub struct Reject {
    pub line: u64,
    pub kind: RejectKind,
    pub reasons: Vec<Reason>,
    /// The id, when one could be read.
    pub id: Option<String>,
}

/// How to treat the keys the pipeline writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Raw input: an input's own `semantic_tags`, embeddings… are dropped and
    /// recomputed.
    Input,
    /// Phase 0 output read back by Phase 1: those keys are parsed.
    Enriched,
}

/// Validates lines in order, remembering ids to catch duplicates.
pub struct Validator {
    mode: Mode,
    min_quality: f64,
    max_line: usize,
    seen: HashMap<String, u64>,
}

impl Validator {
    pub fn new(mode: Mode, min_quality: f64) -> Self {
        Validator { mode, min_quality, max_line: crate::ingest::DEFAULT_MAX_LINE, seen: HashMap::new() }
    }

    /// The line limit the reader applied, for the `line_too_long` message.
    pub fn max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes;
        self
    }

    /// Validate one line. Duplicate ids are caught here (the first wins).
    pub fn check(&mut self, line: &Line) -> Result<Span, Reject> {
        let invalid = |reasons, id| Reject { line: line.no, kind: RejectKind::Invalid, reasons, id };
        if let Some(total) = line.truncated_from {
            return Err(invalid(
                vec![Reason::new(
                    "line_too_long",
                    None,
                    format!("{total} bytes, over the {} byte limit (--max-line-bytes)", self.max_line),
                )],
                None,
            ));
        }
        let text = match std::str::from_utf8(&line.bytes) {
            Ok(t) => t,
            Err(e) => {
                return Err(invalid(
                    vec![Reason::new("invalid_utf8", None, format!("invalid UTF-8 at byte {}", e.valid_up_to()))],
                    None,
                ));
            }
        };
        let mut span = parse_span(text, self.mode).map_err(|(reasons, id)| invalid(reasons, id))?;
        span.line = line.no;
        if let Some(first) = self.seen.get(&span.id) {
            let r = Reason::new("duplicate_id", Some("id"), format!("`{}` already used on line {first}", span.id));
            return Err(invalid(vec![r], Some(span.id)));
        }
        self.seen.insert(span.id.clone(), line.no);
        let filtered =
            |r| Reject { line: line.no, kind: RejectKind::Filtered, reasons: vec![r], id: Some(span.id.clone()) };
        match span.facts.input_quality {
            None if self.min_quality > 0.0 => {
                Err(filtered(Reason::new("missing_quality", Some("metadata.quality_score"), "no input quality score")))
            }
            Some(q) if q < self.min_quality => Err(filtered(Reason::new(
                "low_quality",
                Some("metadata.quality_score"),
                format!("{q} is below the input threshold {}", self.min_quality),
            ))),
            _ => Ok(span),
        }
    }
}

struct RawObject(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    let v: Box<RawValue> = map.next_value()?;
                    out.push((k, v));
                }
                Ok(RawObject(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Deepest nesting of arrays/objects in `text` (strings skipped).
pub fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Every span of a file that must hold only valid spans (raw or enriched):
/// `each` gets them in order, with their line number set; the first line
/// that is not one is an error naming the file, the line and the reasons.
pub fn read_strict(path: &std::path::Path, mut each: impl FnMut(Span) -> anyhow::Result<()>) -> anyhow::Result<u64> {
    use anyhow::Context as _;
    let mut lines = 0;
    for line in crate::ingest::open(path, crate::ingest::DEFAULT_MAX_LINE)? {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        lines = line.no;
        if let Some(n) = line.truncated_from {
            anyhow::bail!(
                "{}:{}: the line is {n} bytes, over the {} MiB limit",
                path.display(),
                line.no,
                crate::ingest::DEFAULT_MAX_LINE >> 20
            );
        }
        let text = std::str::from_utf8(&line.bytes)
            .map_err(|e| anyhow::anyhow!("{}:{}: not UTF-8 ({e})", path.display(), line.no))?;
        let mut span = parse_span(text, Mode::Enriched).map_err(|(reasons, _)| {
            let why: Vec<String> = reasons.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("{}:{}: not a valid span: {}", path.display(), line.no, why.join("; "))
        })?;
        span.line = line.no;
        each(span)?;
    }
    Ok(lines)
}

/// Parse one line of JSON text into a span, collecting every problem.
pub fn parse_span(text: &str, mode: Mode) -> Result<Span, (Vec<Reason>, Option<String>)> {
    let fail = |r: Reason| (vec![r], None);
    let trimmed = text.trim_start();
    match trimmed.as_bytes().first() {
        Some(b'{') => {}
        Some(b'[') => {
            return Err(fail(Reason::new("not_an_object", None, "a JSON array, expected one object per line")));
        }
        _ => {
            return Err(fail(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => Reason::new("not_an_object", None, "a JSON scalar, expected an object"),
                Err(e) => Reason::new("invalid_json", None, e.to_string()),
            }));
        }
    }
    let depth = json_depth(text);
    if depth > MAX_DEPTH {
        return Err(fail(Reason::new("too_deep", None, format!("nesting depth {depth} exceeds {MAX_DEPTH}"))));
    }
    let RawObject(fields) =
        serde_json::from_str(text).map_err(|e| fail(Reason::new("invalid_json", None, e.to_string())))?;
    // A repeated key inside a nested object: serde_json keeps the last
    // value, another reader may keep the first; what LogLine validated and
    // what they see would differ. (Top-level repeats: `from_fields`.)
    if let Some(path) = nested_duplicate_key(text) {
        let id = fields.iter().find(|(k, _)| k == "id").and_then(|(_, v)| serde_json::from_str(v.get()).ok());
        return Err((
            vec![Reason::new("duplicate_key", Some(&path), format!("key `{path}` appears more than once"))],
            id,
        ));
    }
    from_fields(fields, mode)
}

/// The dotted path of the first key repeated inside a nested object of a
/// JSON text that parsed (`metadata.quality_score`; arrays add `[]`).
fn nested_duplicate_key(text: &str) -> Option<String> {
    enum Frame {
        Object { keys: std::collections::HashSet<String>, path: String },
        Array { path: String },
    }
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut last_key: Option<String> = None;
    let mut i = 0;
    let path_of = |stack: &[Frame], key: Option<&str>| -> String {
        let base = match stack.last() {
            Some(Frame::Object { path, .. }) | Some(Frame::Array { path }) => path.clone(),
            None => String::new(),
        };
        let in_array = matches!(stack.last(), Some(Frame::Array { .. }));
        match (in_array, key) {
            (true, _) => format!("{base}[]"),
            (false, Some(k)) if base.is_empty() => k.to_string(),
            (false, Some(k)) => format!("{base}.{k}"),
            (false, None) => base,
        }
    };
    while i < b.len() {
        match b[i] {
            c @ (b'{' | b'[') => {
                let path = path_of(&stack, last_key.take().as_deref());
                stack.push(if c == b'{' {
                    Frame::Object { keys: Default::default(), path }
                } else {
                    Frame::Array { path }
                });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                last_key = None;
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                let is_key = b.get(i..).and_then(|r| r.iter().find(|c| !c.is_ascii_whitespace())) == Some(&b':');
                if is_key && let Some(Frame::Object { keys, .. }) = stack.last_mut() {
                    let key: String = serde_json::from_str(text.get(start..i)?).ok()?;
                    if !keys.insert(key.clone()) && stack.len() > 1 {
                        return Some(path_of(&stack, Some(&key)));
                    }
                    last_key = Some(key);
                }
            }
            b',' => {
                last_key = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// Build a span from an object's fields.
pub fn from_fields(fields: Vec<(String, Box<RawValue>)>, mode: Mode) -> Result<Span, (Vec<Reason>, Option<String>)> {
    let mut reasons = Vec::new();
    let mut known: HashMap<&'static str, Box<RawValue>> = HashMap::new();
    let mut reserved: Vec<(String, Box<RawValue>)> = Vec::new();
    let mut extra = Vec::new();
    let mut keys_seen = std::collections::HashSet::new();
    for (k, v) in fields {
        if !keys_seen.insert(k.clone()) {
            reasons.push(Reason::new("duplicate_key", Some(&k), format!("key `{k}` appears more than once")));
            continue;
        }
        if let Some(name) = KNOWN_FIELDS.iter().find(|n| **n == k) {
            known.insert(name, v);
        } else if RESERVED_KEYS.contains(&k.as_str()) {
            reserved.push((k, v));
        } else {
            extra.push((k, v));
        }
    }

    let mut take_str = |name: &'static str, required: bool, reasons: &mut Vec<Reason>| -> Option<String> {
        match known.remove(name) {
            // `null` for an optional field is an absent field (pandas and
            // Python's json write them); for a required one it is missing.
            None => {
                if required {
                    reasons.push(Reason::new("missing_field", Some(name), format!("`{name}` is required")));
                }
                None
            }
            Some(raw) if raw.get() == "null" => {
                if required {
                    reasons.push(Reason::new("missing_field", Some(name), format!("`{name}` is required, got null")));
                }
                None
            }
            Some(raw) => match serde_json::from_str::<String>(raw.get()) {
                Ok(s) => Some(s),
                Err(_) => {
                    reasons.push(Reason::new(
                        "wrong_type",
                        Some(name),
                        format!("expected a string, got {}", kind_of(raw.get())),
                    ));
                    None
                }
            },
        }
    };
    let id = take_str("id", true, &mut reasons);
    let who = take_str("who", true, &mut reasons);
    let did = take_str("did", true, &mut reasons);
    let this = take_str("this", true, &mut reasons);
    let when = take_str("when", true, &mut reasons);
    let status = take_str("status", true, &mut reasons);
    let if_ok = take_str("if_ok", false, &mut reasons);
    let if_not = take_str("if_not", false, &mut reasons);
    let confirmed_by = take_str("confirmed_by", false, &mut reasons);

    for (name, v) in [("id", &id), ("who", &who), ("did", &did), ("this", &this)] {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            reasons.push(Reason::new("empty_field", Some(name), format!("`{name}` is empty")));
        }
    }
    if let Some(w) = &when
        && let Err(why) = check_timestamp(w)
    {
        reasons.push(Reason::new("bad_timestamp", Some("when"), format!("`{w}`: {why}")));
    }
    let status = status.and_then(|s| match Status::parse(&s) {
        Some(st) => Some(st),
        None => {
            reasons.push(Reason::new(
                "bad_status",
                Some("status"),
                format!("`{s}` is not pending, completed or failed"),
            ));
            None
        }
    });
    if status == Some(Status::Completed) && if_ok.as_deref().is_none_or(|s| s.trim().is_empty()) {
        reasons.push(Reason::new("missing_if_ok", Some("if_ok"), "a completed span needs a non-empty `if_ok`"));
    }

    let mut facts = Facts::default();
    let context = known.remove("context").filter(|r| r.get() != "null");
    let metadata = known.remove("metadata").filter(|r| r.get() != "null");
    if let Some(raw) = &context {
        read_context(raw, &mut facts, &mut reasons);
    }
    if let Some(raw) = &metadata {
        read_metadata(raw, &mut facts, &mut reasons);
    }

    let mut enriched = Enriched::default();
    let mut transformation_log = None;
    if mode == Mode::Enriched {
        for (k, v) in reserved {
            read_enriched(&k, v, &mut enriched, &mut transformation_log, &mut reasons);
        }
    }

    if !reasons.is_empty() {
        return Err((reasons, id));
    }
    Ok(Span {
        id: id.expect("checked"),
        who: who.expect("checked"),
        did: did.expect("checked"),
        this: this.expect("checked"),
        when: when.expect("checked"),
        status: status.expect("checked"),
        if_ok,
        if_not,
        confirmed_by,
        context,
        metadata,
        extra,
        facts,
        enriched,
        transformation_log,
        line: 0,
    })
}

/// Why a value that should be an object is not one: another type, or an
/// object whose content does not parse (say, a number out of range).
fn object_error(field: &str, raw: &str, e: &serde_json::Error) -> Reason {
    match kind_of(raw) {
        "an object" => Reason::new("invalid_json", Some(field), e.to_string()),
        other => Reason::new("wrong_type", Some(field), format!("expected an object, got {other}")),
    }
}

fn kind_of(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Accept RFC 3339 date-times (`2024-05-01T12:30:00Z`, `…+02:00`,
/// fractional seconds, `T` or a space). A zone is required; calendar dates
/// and times must exist.
pub fn check_timestamp(s: &str) -> Result<(), String> {
    if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
        return Ok(());
    }
    // A date-time without a zone names no instant: RFC 3339 requires one.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if chrono::NaiveDateTime::parse_from_str(s, fmt).is_ok() {
            return Err("no time zone: add `Z` (UTC) or an offset such as `+02:00`".into());
        }
    }
    // Say why, for the common near-misses.
    // `get`, not indexing: byte 10 may fall inside a multi-byte character
    // (found by the span_parser fuzz target).
    let why = match (chrono::DateTime::parse_from_rfc3339(s), s.get(..10)) {
        (Err(e), Some(date)) if s.as_bytes().get(4) == Some(&b'-') => {
            match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                Err(_) => "no such calendar date".to_string(),
                Ok(_) if s.len() == 10 => "a date without a time".to_string(),
                Ok(_) => format!("not an ISO 8601 date-time ({e})"),
            }
        }
        _ => "not an ISO 8601 date-time".to_string(),
    };
    Err(why)
}

pub(crate) fn read_context(raw: &RawValue, facts: &mut Facts, reasons: &mut Vec<Reason>) {
    let map = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get()) {
        Ok(m) => m,
        Err(e) => {
            reasons.push(object_error("context", raw.get(), &e));
            return;
        }
    };
    let string_at = |key: &str, reasons: &mut Vec<Reason>| match map.get(key) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(v) => {
            reasons.push(Reason::new(
                "wrong_type",
                Some(&format!("context.{key}")),
                format!("expected a string, got {}", value_kind(v)),
            ));
            None
        }
    };
    facts.domain = string_at("environment", reasons);
    facts.thread_id = string_at("thread_id", reasons);
    if let Some(stakes) = string_at("stakes", reasons)
        && !matches!(stakes.as_str(), "low" | "medium" | "high")
    {
        reasons.push(Reason::new(
            "bad_value",
            Some("context.stakes"),
            format!("`{stakes}` is not low, medium or high"),
        ));
    }
    match map.get("previous_spans") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Array(items)) => {
            for item in items {
                match item {
                    serde_json::Value::String(s) => facts.previous_spans.push(s.clone()),
                    v => {
                        reasons.push(Reason::new(
                            "wrong_type",
                            Some("context.previous_spans"),
                            format!("expected an array of ids (strings), found {}", value_kind(v)),
                        ));
                        break;
                    }
                }
            }
        }
        Some(v) => reasons.push(Reason::new(
            "wrong_type",
            Some("context.previous_spans"),
            format!("expected an array of ids, got {}", value_kind(v)),
        )),
    }
}

pub(crate) fn read_metadata(raw: &RawValue, facts: &mut Facts, reasons: &mut Vec<Reason>) {
    let map = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw.get()) {
        Ok(m) => m,
        Err(e) => {
            reasons.push(object_error("metadata", raw.get(), &e));
            return;
        }
    };
    match map.get("quality_score") {
        // null: no score (filtered as missing when a threshold is set).
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Number(n)) => match n.as_f64() {
            Some(q) if (0.0..=100.0).contains(&q) => facts.input_quality = Some(q),
            _ => reasons.push(Reason::new(
                "bad_value",
                Some("metadata.quality_score"),
                format!("{n} is outside 0..=100"),
            )),
        },
        Some(v) => reasons.push(Reason::new(
            "wrong_type",
            Some("metadata.quality_score"),
            format!("expected a number, got {}", value_kind(v)),
        )),
    }
}

fn value_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn read_enriched(
    key: &str,
    raw: Box<RawValue>,
    e: &mut Enriched,
    log: &mut Option<Box<RawValue>>,
    reasons: &mut Vec<Reason>,
) {
    let bad = |reasons: &mut Vec<Reason>, what: &str| {
        reasons.push(Reason::new("wrong_type", Some(key), format!("expected {what} (as `logline prepare` writes it)")));
    };
    match key {
        "semantic_tags" => match serde_json::from_str(raw.get()) {
            Ok(v) => e.semantic_tags = v,
            Err(_) => bad(reasons, "an array of strings"),
        },
        "complexity_score" => match serde_json::from_str(raw.get()) {
            Ok(v) => e.complexity_score = v,
            Err(_) => bad(reasons, "a number"),
        },
        "embedding_row" => match serde_json::from_str(raw.get()) {
            Ok(v) => e.embedding_row = Some(v),
            Err(_) => bad(reasons, "a row number"),
        },
        "query_embedding" | "response_embedding" | "combined_embedding" => {
            match serde_json::from_str::<Vec<f32>>(raw.get()) {
                Ok(v) => {
                    set_vector(e, key, v.into());
                }
                Err(_) => bad(reasons, "an array of numbers"),
            }
        }
        // The nested shape LogLine writes; the flat one above is read too.
        "embeddings" => match serde_json::from_str::<BTreeMap<String, Vec<f32>>>(raw.get()) {
            Ok(vectors) => {
                for (k, v) in vectors {
                    if !set_vector(e, &k, v.into()) {
                        reasons.push(Reason::new(
                            "wrong_type",
                            Some(&format!("embeddings.{k}")),
                            "expected query_embedding, response_embedding or combined_embedding",
                        ));
                    }
                }
            }
            Err(_) => bad(reasons, "an object of three arrays of numbers"),
        },
        "duplicate_group" | "duplicate_of" => match serde_json::from_str::<String>(raw.get()) {
            Ok(v) if key == "duplicate_group" => e.duplicate_group = Some(v),
            Ok(v) => e.duplicate_of = Some(v),
            Err(_) => bad(reasons, "a span id"),
        },
        "transformation_log" => *log = Some(raw),
        _ => {}
    }
}

/// Put one named vector in place; false for an unknown name.
fn set_vector(e: &mut Enriched, name: &str, v: Arc<[f32]>) -> bool {
    match name {
        "query_embedding" => e.query_embedding = Some(v),
        "response_embedding" => e.response_embedding = Some(v),
        "combined_embedding" => e.combined_embedding = Some(v),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(no: u64, text: &str) -> Line {
        Line { no, bytes: text.as_bytes().to_vec(), truncated_from: None }
    }

    const GOOD: &str = r#"{"id":"a","who":"u","did":"ask_question","this":"How?","when":"2024-05-01T10:00:00Z","status":"completed","if_ok":"Like this.","metadata":{"quality_score":90}}"#;

    fn codes(r: &Reject) -> Vec<&'static str> {
        r.reasons.iter().map(|r| r.code).collect()
    }

    /// The original guide reads `.embeddings.query_embedding`; LogLine once
    /// wrote the three vectors flat. Both shapes read the same.
    #[test]
    fn enriched_spans_read_both_vector_shapes() {
        let base = &GOOD[..GOOD.len() - 1];
        let flat = format!(r#"{base},"query_embedding":[1.0,0.0],"combined_embedding":[0.0,1.0]}}"#);
        let nested = format!(r#"{base},"embeddings":{{"query_embedding":[1.0,0.0],"combined_embedding":[0.0,1.0]}}}}"#);
        let a = parse_span(&flat, Mode::Enriched).unwrap();
        let b = parse_span(&nested, Mode::Enriched).unwrap();
        assert_eq!(a.enriched.query_embedding.as_deref(), Some(&[1.0f32, 0.0][..]));
        assert_eq!(a.enriched.combined_embedding, b.enriched.combined_embedding);
        assert_eq!(a.enriched.query_embedding, b.enriched.query_embedding);
        let written = a.to_json_line(true, &[]);
        assert!(
            written.contains(r#""embeddings":{"query_embedding":[1.0,0.0],"combined_embedding":[0.0,1.0]}"#),
            "{written}"
        );
        assert!(!written.contains(r#","query_embedding""#));
        let bad = format!(r#"{base},"embeddings":{{"query_vector":[1.0]}}}}"#);
        let (reasons, _) = parse_span(&bad, Mode::Enriched).unwrap_err();
        assert_eq!(reasons[0].field.as_deref(), Some("embeddings.query_vector"));
    }

    #[test]
    fn good_span_passes() {
        let mut v = Validator::new(Mode::Input, 80.0);
        let s = v.check(&line(1, GOOD)).unwrap();
        assert_eq!(s.id, "a");
        assert_eq!(s.facts.input_quality, Some(90.0));
    }

    #[test]
    fn every_problem_is_reported() {
        let mut v = Validator::new(Mode::Input, 80.0);
        let r = v
            .check(&line(3, r#"{"id":"a","who":5,"did":"x","when":"2024-02-30T10:00:00Z","status":"done"}"#))
            .unwrap_err();
        assert_eq!(r.line, 3);
        assert_eq!(r.kind, RejectKind::Invalid);
        assert_eq!(codes(&r), ["wrong_type", "missing_field", "bad_timestamp", "bad_status"]);
        assert_eq!(r.reasons[0].field.as_deref(), Some("who"));
        assert_eq!(r.reasons[1].field.as_deref(), Some("this"));
        assert!(r.reasons[2].detail.contains("calendar"), "{}", r.reasons[2].detail);
    }

    #[test]
    fn array_scalar_and_broken_json() {
        let mut v = Validator::new(Mode::Input, 0.0);
        assert_eq!(codes(&v.check(&line(1, "[1,2]")).unwrap_err()), ["not_an_object"]);
        assert_eq!(codes(&v.check(&line(2, "42")).unwrap_err()), ["not_an_object"]);
        assert_eq!(codes(&v.check(&line(3, r#"{"id":"a","#)).unwrap_err()), ["invalid_json"]);
        assert_eq!(codes(&v.check(&line(4, "id,who,did")).unwrap_err()), ["invalid_json"]);
    }

    #[test]
    fn context_null_is_absent() {
        let text = GOOD.replace(r#""metadata""#, r#""context":null,"metadata""#);
        let s = Validator::new(Mode::Input, 80.0).check(&line(1, &text)).unwrap();
        assert!(s.context.is_none());
        // Another type than an object is still wrong.
        let text = GOOD.replace(r#""metadata""#, r#""context":7,"metadata""#);
        let r = Validator::new(Mode::Input, 80.0).check(&line(1, &text)).unwrap_err();
        assert_eq!((codes(&r), r.reasons[0].field.as_deref()), (vec!["wrong_type"], Some("context")));
    }

    #[test]
    fn nested_duplicate_keys_are_found_with_their_path() {
        assert_eq!(nested_duplicate_key(r#"{"a":{"b":1,"b":2}}"#).as_deref(), Some("a.b"));
        assert_eq!(nested_duplicate_key(r#"{"a":[{"b":1},{"b":2}],"c":{"d":"x:y","e":1}}"#), None);
        assert_eq!(nested_duplicate_key(r#"{"a":[[{"k":"\"","k":0}]]}"#).as_deref(), Some("a[][].k"));
        // Top-level repeats are `from_fields`' to report, with every other problem.
        assert_eq!(nested_duplicate_key(r#"{"a":1,"a":2}"#), None);
    }

    #[test]
    fn invalid_utf8_and_long_lines() {
        let mut v = Validator::new(Mode::Input, 80.0);
        let r = v.check(&Line { no: 1, bytes: vec![b'{', 0xff, b'}'], truncated_from: None }).unwrap_err();
        assert_eq!(codes(&r), ["invalid_utf8"]);
        let r = v.check(&Line { no: 2, bytes: b"{".to_vec(), truncated_from: Some(1 << 30) }).unwrap_err();
        assert_eq!(codes(&r), ["line_too_long"]);
    }

    #[test]
    fn duplicate_ids_and_keys() {
        let mut v = Validator::new(Mode::Input, 80.0);
        v.check(&line(1, GOOD)).unwrap();
        let r = v.check(&line(2, GOOD)).unwrap_err();
        assert_eq!(codes(&r), ["duplicate_id"]);
        assert!(r.reasons[0].detail.contains("line 1"));
        let dup = GOOD.replace(r#""who":"u""#, r#""who":"u","who":"v""#).replace(r#""id":"a""#, r#""id":"b""#);
        assert_eq!(codes(&v.check(&line(3, &dup)).unwrap_err()), ["duplicate_key"]);
    }

    #[test]
    fn quality_filter() {
        let mut v = Validator::new(Mode::Input, 80.0);
        let low = GOOD.replace("90", "79.5");
        let r = v.check(&line(1, &low)).unwrap_err();
        assert_eq!((r.kind, codes(&r)), (RejectKind::Filtered, vec!["low_quality"]));
        let none = GOOD.replace(r#","metadata":{"quality_score":90}"#, "").replace(r#""id":"a""#, r#""id":"b""#);
        let r = v.check(&line(2, &none)).unwrap_err();
        assert_eq!(codes(&r), ["missing_quality"]);
        let out = GOOD.replace("90", "900").replace(r#""id":"a""#, r#""id":"c""#);
        assert_eq!(v.check(&line(3, &out)).unwrap_err().kind, RejectKind::Invalid);
    }

    #[test]
    fn completed_needs_if_ok() {
        let text = GOOD.replace(r#","if_ok":"Like this.""#, "");
        assert_eq!(codes(&Validator::new(Mode::Input, 80.0).check(&line(1, &text)).unwrap_err()), ["missing_if_ok"]);
        let pending = text.replace("completed", "pending");
        assert!(Validator::new(Mode::Input, 80.0).check(&line(1, &pending)).is_ok());
    }

    #[test]
    fn timestamps() {
        for ok in
            ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123+02:00", "2024-05-01 10:00:00Z", "2024-02-29T00:00:00Z"]
        {
            assert!(check_timestamp(ok).is_ok(), "{ok}");
        }
        // No zone: which instant is meant is unknown.
        for local in ["2024-05-01T10:00:00", "2024-05-01 10:00:00.5", "2024-05-01T10:00"] {
            assert!(check_timestamp(local).unwrap_err().contains("no time zone"), "{local}");
        }
        for bad in
            ["2024-13-45T99:00:00Z", "yesterday", "2023-02-29T00:00:00Z", "2024-05-01", "2024-05-01T25:00:00Z", ""]
        {
            assert!(check_timestamp(bad).is_err(), "{bad}");
        }
        // Found by fuzzing: a multi-byte character across byte 10 panicked.
        for bad in ["2024-05-0\u{feff}T10:00:00Z", "2024-\u{e9}5-01T10:00:00Z", "2024-05-01\u{e9}"] {
            assert!(check_timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_rejected_without_recursion() {
        let deep = format!(r#"{{"id":"a","x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(codes(&Validator::new(Mode::Input, 0.0).check(&line(1, &deep)).unwrap_err()), ["too_deep"]);
    }

    #[test]
    fn unknown_keys_and_raw_values_survive() {
        let text =
            GOOD.replace(r#""metadata""#, r#""source":{"n":1.50,"big":123456789012345678901234567890},"metadata""#);
        let s = Validator::new(Mode::Input, 80.0).check(&line(1, &text)).unwrap();
        assert_eq!(s.extra[0].0, "source");
        assert_eq!(s.extra[0].1.get(), r#"{"n":1.50,"big":123456789012345678901234567890}"#);
        let out = s.to_json_line(false, &[]);
        assert!(out.contains(r#""source":{"n":1.50,"big":123456789012345678901234567890}"#), "{out}");
    }
}
