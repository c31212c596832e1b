//! The four built-in components, through the host (the embedded builds).

use crate::common::host;
use crate::pipeline::{lines, prepared};
use logline::enzyme::chain::{self, Stage};
use logline::enzyme::{Lookups, NoLookups};
use logline::index::SpanIndex;
use logline::manifest::{self, Origin};
use logline::pipeline::prepare;
use logline::span::Span;
use logline::tags::Tagger;
use logline::validate::{Mode, parse_span};
use std::sync::Arc;

fn builtin(name: &str, config: &str) -> Arc<logline::enzyme::LoadedEnzyme> {
    let text = format!("[[enzyme]]\nname = \"{name}\"\nbuiltin = \"{name}\"\nconfig = {config}\n");
    let m = manifest::parse(&text, Origin::File("t.toml".into())).unwrap();
    host().load(&m.enzymes[0]).unwrap()
}

fn run(name: &str, config: &str, span: Span, lookups: Arc<dyn Lookups>) -> Span {
    let e = builtin(name, config);
    let mut stages =
        vec![Stage { instance: e.instance(lookups), when: Default::default(), policy: manifest::OnError::Abort }];
    let mut out = chain::run(&mut stages, span, &Tagger::default()).unwrap();
    assert_eq!(out.items.len(), 1);
    out.items.remove(0).span
}

fn span(json: serde_json::Value) -> Span {
    let mut base = serde_json::json!({"id": "b1", "who": "u", "did": "write_code", "this": "q", "when": "2024-05-01T10:00:00Z", "status": "completed", "if_ok": "a"});
    for (k, v) in json.as_object().unwrap() {
        base[k] = v.clone();
    }
    parse_span(&base.to_string(), Mode::Input).unwrap()
}

#[test]
fn security_redacts_whole_secrets_everywhere() {
    let key = ["AKIA", "Z3X9Q2W8E7R6T5Y4"].concat();
    let token = ["ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat();
    let s = span(serde_json::json!({
        "this": format!("My key is {key}, why does boto3 fail?"),
        "if_ok": format!("Never paste it. Use `Authorization: Bearer {token}` only in env."),
        "context": {"notes": ["db at postgres://app:s3cr3tP4ss@db.internal:5432/prod"]}
    }));
    let out = run("security", "{}", s, Arc::new(NoLookups));
    let line = out.to_json_line(false, &[]);
    for secret in [key.as_str(), token.as_str(), "s3cr3tP4ss"] {
        assert!(!line.contains(secret), "{secret} left in {line}");
    }
    assert!(line.contains("Bearer [REDACTED:"), "the word Bearer stays, the token goes: {line}");
    assert!(line.contains("postgres://app:[REDACTED:"), "{line}");
}

#[test]
fn syntax_optimizer_fences_and_is_idempotent() {
    let s = span(serde_json::json!({
        "if_ok": "Use this:\n\ndef total(xs):\n    return sum(xs)   \n\n\n\n\nprint(total([1, 2]))\n"
    }));
    let once = run("syntax-optimizer", "{}", s, Arc::new(NoLookups));
    let text = once.if_ok.clone().unwrap();
    assert!(text.contains("```python"), "{text}");
    assert!(text.contains("def total(xs):") && text.contains("return sum(xs)"), "{text}");
    let twice = run("syntax-optimizer", "{}", once.clone(), Arc::new(NoLookups));
    assert_eq!(twice.if_ok, once.if_ok, "running twice = once");
}

fn index() -> Arc<SpanIndex> {
    Arc::new(SpanIndex::load(prepared().0.path(), prepare::STEM).unwrap())
}

#[test]
fn semantic_enricher_adds_intent_entities_and_related() {
    let idx = index();
    let spans = lines(&prepare::outputs(prepared().0.path()).0);
    let first = parse_span(&spans[0].to_string(), Mode::Enriched).unwrap();
    let out = run("semantic-enricher", "{ related_k = 3 }", first.clone(), idx);
    let line: serde_json::Value = serde_json::from_str(&out.to_json_line(false, &[])).unwrap();
    let e = &line["enrichment"];
    assert!(e["intent"].is_string(), "{e}");
    assert!(e["key_entities"].is_object(), "{e}");
    let related = e["related"].as_array().unwrap();
    assert_eq!(related.len(), 3, "{e}");
    assert!(related.iter().all(|r| r["id"] != first.id.as_str() && r["similarity"].as_f64().unwrap() <= 1.0));
    assert_eq!(out.if_ok, first.if_ok, "never pastes text into the response");
}

#[test]
fn context_preserver_records_the_thread() {
    let idx = index();
    let spans = lines(&prepare::outputs(prepared().0.path()).0);
    let threaded = spans.iter().rev().find(|s| s["context"]["thread_id"].is_string()).unwrap();
    let s = parse_span(&threaded.to_string(), Mode::Enriched).unwrap();
    let out = run("context-preserver", "{ window = 2 }", s.clone(), idx);
    let line: serde_json::Value = serde_json::from_str(&out.to_json_line(false, &[])).unwrap();
    let thread = line["context"]["thread"].as_array().unwrap_or_else(|| panic!("{line}"));
    assert!(!thread.is_empty() && thread.len() <= 2);
    assert!(thread.iter().all(|t| t["id"] != s.id.as_str()));
    assert_eq!(line["context"]["thread_id"], threaded["context"]["thread_id"], "other keys kept");
    // Outside a thread: unchanged.
    let lone = span(serde_json::json!({}));
    let out = run("context-preserver", "{}", lone.clone(), Arc::new(NoLookups));
    assert_eq!(out.to_json_line(false, &[]), lone.to_json_line(false, &[]));
}
