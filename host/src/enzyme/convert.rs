//! Host spans to WIT spans and back, with the checks on what comes back.
//!
//! A returned span must keep its id (variants aside), carry valid JSON
//! objects in `context`, `metadata` and `extra`, keep a valid timestamp, and
//! not set the keys the pipeline owns. What it returns in total is capped.

use super::bindings::wit;
use crate::span::{Facts, KNOWN_FIELDS, RESERVED_KEYS, Span, Status};
use crate::validate::{self, MAX_DEPTH, Reason};
use serde_json::value::RawValue;

/// Snippets in change records are cut to this many characters.
pub const SNIPPET_CHARS: usize = 200;

/// One edit an enzyme reported, as the transformation log records it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChangeRecord {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub location: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// What became of a span, after the host's checks.
#[derive(Debug, Clone)]
pub enum Outcome {
    Unchanged,
    Changed(Box<Span>),
    /// The spans replacing the input, in order (see `wit/types.wit`).
    Variants(Vec<Span>),
    Drop(String),
}

/// Limits on a returned result.
#[derive(Debug, Clone, Copy)]
pub struct OutputCaps {
    pub max_bytes: usize,
    pub max_variants: usize,
}

pub fn to_wit(span: &Span) -> wit::Span {
    let mut extra =
        String::with_capacity(2 + span.extra.iter().map(|(k, v)| k.len() + v.get().len() + 4).sum::<usize>());
    extra.push('{');
    for (i, (k, v)) in span.extra.iter().enumerate() {
        if i > 0 {
            extra.push(',');
        }
        extra.push_str(&serde_json::to_string(k).expect("a string serialises"));
        extra.push(':');
        extra.push_str(v.get());
    }
    extra.push('}');
    wit::Span {
        id: span.id.clone(),
        who: span.who.clone(),
        did: span.did.clone(),
        this: span.this.clone(),
        when: span.when.clone(),
        status: match span.status {
            Status::Pending => wit::Status::Pending,
            Status::Completed => wit::Status::Completed,
            Status::Failed => wit::Status::Failed,
        },
        if_ok: span.if_ok.clone(),
        if_not: span.if_not.clone(),
        confirmed_by: span.confirmed_by.clone(),
        context: span.context.as_ref().map(|r| r.get().to_string()),
        metadata: span.metadata.as_ref().map(|r| r.get().to_string()),
        extra,
    }
}

fn wit_span_bytes(s: &wit::Span) -> usize {
    let opt = |o: &Option<String>| o.as_ref().map_or(0, String::len);
    s.id.len()
        + s.who.len()
        + s.did.len()
        + s.this.len()
        + s.when.len()
        + opt(&s.if_ok)
        + opt(&s.if_not)
        + opt(&s.confirmed_by)
        + opt(&s.context)
        + opt(&s.metadata)
        + s.extra.len()
}

/// Check and convert a call's result. `Err` carries the `invalid_output` detail.
pub fn from_wit(input: &Span, p: wit::Processed, caps: OutputCaps) -> Result<(Outcome, Vec<ChangeRecord>), String> {
    let change_bytes: usize = p
        .changes
        .iter()
        .map(|c| {
            c.location.len()
                + c.description.len()
                + c.before.as_ref().map_or(0, String::len)
                + c.after.as_ref().map_or(0, String::len)
        })
        .sum();
    let span_bytes: usize = match &p.outcome {
        wit::Outcome::Changed(s) => wit_span_bytes(s),
        wit::Outcome::Variants(v) => v.iter().map(wit_span_bytes).sum(),
        wit::Outcome::Drop(r) => r.len(),
        wit::Outcome::Unchanged => 0,
    };
    if span_bytes + change_bytes > caps.max_bytes {
        return Err(format!(
            "returned {} KiB, over the {} KiB output cap",
            (span_bytes + change_bytes) >> 10,
            caps.max_bytes >> 10
        ));
    }
    let outcome = match p.outcome {
        wit::Outcome::Unchanged => Outcome::Unchanged,
        wit::Outcome::Changed(s) => {
            if s.id != input.id {
                return Err(format!("changed the span id from `{}` to `{}`", input.id, s.id));
            }
            Outcome::Changed(Box::new(from_wit_span(s, input)?))
        }
        wit::Outcome::Variants(list) => {
            if list.len() > caps.max_variants {
                return Err(format!("returned {} variants, over the cap of {}", list.len(), caps.max_variants));
            }
            let mut ids = std::collections::HashSet::new();
            let mut out = Vec::with_capacity(list.len());
            for s in list {
                if !ids.insert(s.id.clone()) {
                    return Err(format!("variant id `{}` appears twice", s.id));
                }
                out.push(from_wit_span(s, input)?);
            }
            Outcome::Variants(out)
        }
        wit::Outcome::Drop(reason) => {
            Outcome::Drop(if reason.trim().is_empty() { "dropped (no reason given)".into() } else { reason })
        }
    };
    let changes = p
        .changes
        .into_iter()
        .map(|c| ChangeRecord {
            kind: match c.kind {
                wit::ChangeKind::Addition => "addition",
                wit::ChangeKind::Deletion => "deletion",
                wit::ChangeKind::Modification => "modification",
                wit::ChangeKind::Restructuring => "restructuring",
                wit::ChangeKind::Optimization => "optimization",
            },
            location: snippet(&c.location),
            description: snippet(&c.description),
            before: c.before.as_deref().map(snippet),
            after: c.after.as_deref().map(snippet),
        })
        .collect();
    Ok((outcome, changes))
}

/// Cut to [`SNIPPET_CHARS`] characters.
pub fn snippet(text: &str) -> String {
    match text.char_indices().nth(SNIPPET_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

fn object_text(field: &str, text: &str) -> Result<Box<RawValue>, String> {
    if validate::json_depth(text) > MAX_DEPTH {
        return Err(format!("`{field}` nests deeper than {MAX_DEPTH} levels"));
    }
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
        Ok(_) => RawValue::from_string(text.trim().to_string()).map_err(|e| format!("`{field}`: {e}")),
        Err(e) => Err(format!("`{field}` is not a JSON object: {e}")),
    }
}

fn from_wit_span(s: wit::Span, base: &Span) -> Result<Span, String> {
    let reasons_to_string = |r: Vec<Reason>| r.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    for (name, v) in [("id", &s.id), ("who", &s.who), ("did", &s.did), ("this", &s.this)] {
        if v.trim().is_empty() {
            return Err(format!("`{name}` is empty"));
        }
    }
    validate::check_timestamp(&s.when).map_err(|why| format!("`when` = `{}`: {why}", s.when))?;
    let status = match s.status {
        wit::Status::Pending => Status::Pending,
        wit::Status::Completed => Status::Completed,
        wit::Status::Failed => Status::Failed,
    };
    if status == Status::Completed && s.if_ok.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err("a completed span needs a non-empty `if_ok`".into());
    }
    let context = s.context.as_deref().map(|t| object_text("context", t)).transpose()?;
    let metadata = s.metadata.as_deref().map(|t| object_text("metadata", t)).transpose()?;
    let extra_raw = object_text("extra", &s.extra)?;
    let extra_map: indexmap::IndexMap<String, Box<RawValue>> =
        serde_json::from_str(extra_raw.get()).map_err(|e| format!("`extra`: {e}"))?;
    let mut extra = Vec::with_capacity(extra_map.len());
    for (k, v) in extra_map {
        if KNOWN_FIELDS.contains(&k.as_str()) || RESERVED_KEYS.contains(&k.as_str()) {
            return Err(format!("`extra` sets `{k}`, which the host owns"));
        }
        extra.push((k, v));
    }
    let mut facts = Facts::default();
    let mut reasons = Vec::new();
    if let Some(c) = &context {
        validate::read_context(c, &mut facts, &mut reasons);
    }
    if let Some(m) = &metadata {
        validate::read_metadata(m, &mut facts, &mut reasons);
    }
    if !reasons.is_empty() {
        return Err(reasons_to_string(reasons));
    }
    let mut enriched = base.enriched.clone();
    if s.id != base.id {
        // A variant is a span of its own: its parent's duplicate group is not its.
        enriched.duplicate_group = None;
        enriched.duplicate_of = None;
    }
    Ok(Span {
        id: s.id,
        who: s.who,
        did: s.did,
        this: s.this,
        when: s.when,
        status,
        if_ok: s.if_ok,
        if_not: s.if_not,
        confirmed_by: s.confirmed_by,
        context,
        metadata,
        extra,
        facts,
        enriched,
        transformation_log: None,
        line: base.line,
    })
}
