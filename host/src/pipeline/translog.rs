//! The transformation log: one entry per pass through the enzyme chain,
//! newest first, the same shape in Phase 1 and `enzymes run` (which has
//! no scores to add).

use crate::enzyme::chain::Item;
use crate::harm::{Violation, text_changed};
use crate::score::Verdict;
use crate::span::Span;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The built-in `did` → intent table (SPEC §3.3). The semantic-enricher
/// has the same table (a test keeps them equal) and may extend it from its
/// configuration; what it recorded on the span wins.
pub const INTENTS: &[(&str, &str)] = &[
    ("ask_question", "explain"),
    ("write_code", "implement"),
    ("analyze_data", "verify"),
    ("debug_code", "debug"),
    ("optimize_code", "optimize"),
    ("refactor_code", "refactor"),
];

/// The intent of a span: the semantic-enricher's `enrichment.intent` when
/// it ran, else the built-in table's ("explain" for an unknown `did`).
pub fn intent(span: &Span) -> String {
    let recorded = span
        .extra
        .iter()
        .find(|(k, _)| k == "enrichment")
        .and_then(|(_, v)| serde_json::from_str::<Value>(v.get()).ok())
        .and_then(|v| v.get("intent").and_then(Value::as_str).map(str::to_string));
    recorded.unwrap_or_else(|| INTENTS.iter().find(|(d, _)| *d == span.did).map_or("explain", |(_, i)| i).to_string())
}

/// The scores of each snapshot and the harm found in each change.
pub struct Scored<'a> {
    pub verdicts: &'a [Verdict],
    /// Snapshot index → what the change that made it broke.
    pub harms: &'a BTreeMap<usize, Vec<Violation>>,
}

/// Whether the item's text differs from what came in: an enzyme changed
/// `this`, `if_ok` or `if_not`, or the item is a variant.
pub fn changed(item: &Item) -> bool {
    item.variant_of.is_some()
        || item
            .applications
            .iter()
            .any(|a| a.changed() && text_changed(&item.snapshots[a.before], &item.snapshots[a.after]))
}

/// This pass's log entry.
pub fn entry(item: &Item, timestamp: &str, reproducible: bool, scored: Option<&Scored<'_>>) -> Value {
    let apps: Vec<Value> = item
        .applications
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).expect("applications serialise");
            if reproducible {
                v["duration_ms"] = 0.into();
            }
            if let Some(s) = scored {
                v["quality_before"] = json!(s.verdicts[a.before].score);
                v["quality_after"] = json!(s.verdicts[a.after].score);
                if a.changed()
                    && let Some(h) = s.harms.get(&a.after)
                {
                    v["harm"] = json!(h);
                }
            }
            v
        })
        .collect();
    let mut entry = json!({ "timestamp": timestamp, "enzyme_applications": apps });
    let verdict = scored.map(|s| s.verdicts.last().expect("at least one snapshot"));
    if let Some(v) = verdict {
        entry["quality_score"] = json!(v.score);
    }
    entry["intent"] = intent(&item.span).into();
    if let Some(v) = verdict {
        entry["quality_dimensions"] = json!(v);
    }
    if let Some(parent) = &item.variant_of {
        entry["variant_of"] = parent.clone().into();
    }
    entry
}

/// The whole log: this entry first, then the span's earlier ones.
pub fn log(span: &Span, entry: Value) -> Value {
    let mut log = vec![entry];
    if let Some(old) = &span.transformation_log
        && let Ok(Value::Array(prev)) = serde_json::from_str(old.get())
    {
        log.extend(prev);
    }
    Value::Array(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host's table and the semantic-enricher's could disagree (#12).
    #[test]
    fn the_intent_table_is_the_semantic_enrichers() {
        let src = include_str!("../../../enzymes/semantic-enricher/src/enrich.rs");
        let start = src.find("pub const INTENTS").expect("the enricher's table");
        let body = &src[start..start + src[start..].find("];").expect("its end")];
        let theirs: Vec<(String, String)> = body
            .lines()
            .filter_map(|l| {
                let l = l.trim().strip_prefix("(\"")?.strip_suffix("\"),")?;
                let (d, i) = l.split_once("\", \"")?;
                Some((d.to_string(), i.to_string()))
            })
            .collect();
        let ours: Vec<(String, String)> = INTENTS.iter().map(|(d, i)| (d.to_string(), i.to_string())).collect();
        assert_eq!(theirs, ours);
    }

    #[test]
    fn the_enrichers_recorded_intent_wins() {
        let line = r#"{"id":"a","who":"u","did":"write_code","this":"q","when":"2024-01-01T00:00:00Z","status":"pending","enrichment":{"intent":"scaffold"}}"#;
        let s = crate::validate::parse_span(line, crate::validate::Mode::Input).unwrap();
        assert_eq!(intent(&s), "scaffold");
        let line = line.replace(r#","enrichment":{"intent":"scaffold"}"#, "");
        let s = crate::validate::parse_span(&line, crate::validate::Mode::Input).unwrap();
        assert_eq!(intent(&s), "implement");
    }
}
