//! Walk the text fields of a span, redact each, and report per field.

use crate::kinds::Kind;
use crate::scan::{Finding, Scanner};
use logline_sdk::{Map, Span, Value};

/// What was redacted in one field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldReport {
    /// A field path: `if_ok`, `context.notes[2]`, `metadata.db["pass word"]`.
    pub location: String,
    /// What was found, as byte ranges of the original string.
    pub findings: Vec<Finding>,
    /// An excerpt of the original around the findings, each secret shown as
    /// `‹kind, N chars›`: safe to log.
    pub before: String,
    /// The same excerpt of the redacted text.
    pub after: String,
}

impl FieldReport {
    /// "redacted 3 secrets: github_pat ×2, password ×1".
    pub fn description(&self) -> String {
        let mut counts: Vec<(Kind, usize)> = Vec::new();
        for f in &self.findings {
            match counts.iter_mut().find(|(k, _)| *k == f.kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((f.kind, 1)),
            }
        }
        let n = self.findings.len();
        let list: Vec<String> = counts.iter().map(|(k, c)| format!("{} ×{c}", k.name())).collect();
        format!("redacted {n} secret{}: {}", if n == 1 { "" } else { "s" }, list.join(", "))
    }
}

/// Top-level keys of `context` that hold ids, not text.
const CONTEXT_ID_KEYS: &[&str] = &["thread_id", "previous_spans"];

/// One step of a field path.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Render a path: `context.notes[2]`, `metadata.db["pass word"]`; unknown
/// top-level keys (`extra`) appear under their own name.
fn render(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match *seg {
            Seg::Key(k) => {
                let plain = !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    out.push('[');
                    out.push_str(&Value::String(k.to_string()).to_string());
                    out.push(']');
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Redact every text field of `span` in place; one report per changed field.
pub fn redact_span(scanner: &Scanner, span: &mut Span) -> Vec<FieldReport> {
    let mut reports = Vec::new();
    let mut path: Vec<Seg<'_>> = Vec::with_capacity(8);
    redact_string(scanner, &mut span.this, &[Seg::Key("this")], None, &mut reports);
    for (name, field) in
        [("if_ok", &mut span.if_ok), ("if_not", &mut span.if_not), ("confirmed_by", &mut span.confirmed_by)]
    {
        if let Some(s) = field {
            redact_string(scanner, s, &[Seg::Key(name)], None, &mut reports);
        }
    }
    if let Some(ctx) = &mut span.context {
        path.push(Seg::Key("context"));
        redact_map(scanner, ctx, &mut path, CONTEXT_ID_KEYS, &mut reports);
        path.clear();
    }
    if let Some(meta) = &mut span.metadata {
        path.push(Seg::Key("metadata"));
        redact_map(scanner, meta, &mut path, &[], &mut reports);
        path.clear();
    }
    redact_map(scanner, &mut span.extra, &mut path, &[], &mut reports);
    reports
}

fn redact_map<'a>(
    scanner: &Scanner,
    map: &'a mut Map<String, Value>,
    path: &mut Vec<Seg<'a>>,
    skip: &[&str],
    out: &mut Vec<FieldReport>,
) {
    for (k, v) in map.iter_mut() {
        if skip.contains(&k.as_str()) {
            continue;
        }
        path.push(Seg::Key(k.as_str()));
        redact_value(scanner, v, path, Some(k.as_str()), out);
        path.pop();
    }
}

fn redact_value<'a>(
    scanner: &Scanner,
    v: &'a mut Value,
    path: &mut Vec<Seg<'a>>,
    key: Option<&'a str>,
    out: &mut Vec<FieldReport>,
) {
    match v {
        Value::String(s) => redact_string(scanner, s, path, key, out),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(Seg::Index(i));
                redact_value(scanner, item, path, key, out);
                path.pop();
            }
        }
        Value::Object(m) => redact_map(scanner, m, path, &[], out),
        _ => {}
    }
}

fn redact_string(scanner: &Scanner, s: &mut String, path: &[Seg<'_>], key: Option<&str>, out: &mut Vec<FieldReport>) {
    if let Some((new, findings)) = scanner.redact(s, key) {
        let (before, after) = excerpts(s, &findings, |k| scanner.marker_for(k));
        out.push(FieldReport { location: render(path), findings, before, after });
        *s = new;
    }
}

/// Context kept on each side of the findings in the snippets.
const CONTEXT: usize = 40;

/// Before/after excerpts around the findings. Neither holds a secret: in
/// `before` each secret is described (`‹github_pat, 40 chars›`), in `after`
/// it is the marker. Text outside the findings is the same in both.
pub fn excerpts<'m>(text: &str, found: &[Finding], marker: impl Fn(Kind) -> &'m str) -> (String, String) {
    let first = found.first().map_or(0, |f| f.start);
    let last = found.last().map_or(0, |f| f.end);
    let mut a = first.saturating_sub(CONTEXT);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (last + CONTEXT).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    let (mut before, mut after) = (String::new(), String::new());
    if a > 0 {
        before.push('…');
        after.push('…');
    }
    let mut pos = a;
    for f in found {
        before.push_str(&text[pos..f.start]);
        after.push_str(&text[pos..f.start]);
        before.push_str(&format!("‹{}, {} chars›", f.kind.name(), text[f.start..f.end].chars().count()));
        after.push_str(marker(f.kind));
        pos = f.end;
    }
    before.push_str(&text[pos..b]);
    after.push_str(&text[pos..b]);
    if b < text.len() {
        before.push('…');
        after.push('…');
    }
    (before, after)
}
