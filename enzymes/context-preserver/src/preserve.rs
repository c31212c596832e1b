//! Copy the earlier spans of a span's thread into `context.thread`.
//!
//! A span is "in a thread" when `context.thread_id` is a non-empty string or
//! `context.previous_spans` is a non-empty array. The host resolves the
//! thread (`host.thread`, oldest first); this module only shapes what it
//! returns, so the enzyme stays deterministic and idempotent.

use crate::config::Config;
use logline_sdk::{ChangeKind, Cx, Map, Span, ThreadEntry, Value};

/// The key written under `context`.
pub const THREAD_KEY: &str = "thread";

/// How the span says it belongs to a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    /// `context.thread_id`.
    Thread(String),
    /// `context.previous_spans` (no usable `thread_id`), with its length.
    PreviousSpans(usize),
}

/// Whether (and how) the span is part of a thread.
pub fn membership(span: &Span) -> Option<Membership> {
    let context = span.context.as_ref()?;
    if let Some(id) = context.get("thread_id").and_then(Value::as_str).filter(|id| !id.trim().is_empty()) {
        return Some(Membership::Thread(id.to_string()));
    }
    match context.get("previous_spans") {
        Some(Value::Array(ids)) if !ids.is_empty() => Some(Membership::PreviousSpans(ids.len())),
        _ => None,
    }
}

/// Cut `text` to at most `max_chars` characters; a cut text ends in "…"
/// (which counts toward the limit) and loses the whitespace before it.
pub fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some(_) => {
            let keep = max_chars.saturating_sub(1);
            let cut = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            format!("{}…", text[..cut].trim_end())
        }
    }
}

/// One earlier span as written under `context.thread`.
pub fn entry_json(entry: &ThreadEntry, max_chars: usize) -> Value {
    let mut obj = Map::new();
    obj.insert("id".into(), Value::String(entry.id.clone()));
    obj.insert("who".into(), Value::String(entry.who.clone()));
    obj.insert("did".into(), Value::String(entry.did.clone()));
    obj.insert("this".into(), Value::String(shorten(&entry.this, max_chars)));
    obj.insert("if_ok".into(), entry.if_ok.as_deref().map_or(Value::Null, |t| Value::String(shorten(t, max_chars))));
    obj.insert("when".into(), Value::String(entry.when.clone()));
    Value::Object(obj)
}

/// Write `context.thread` when the span is in a thread and the host knows
/// earlier spans of it; leave the span untouched otherwise.
pub fn preserve(config: &Config, span: &mut Span, cx: &mut Cx<'_>) {
    let Some(membership) = membership(span) else {
        return;
    };
    let entries: Vec<ThreadEntry> = cx.thread(config.window).into_iter().filter(|e| e.id != span.id).collect();
    if entries.is_empty() {
        return;
    }
    // The host caps the list; keep our own window too (the most recent ones).
    let skip = entries.len().saturating_sub(config.window as usize);
    let thread: Vec<Value> = entries[skip..].iter().map(|e| entry_json(e, config.max_chars)).collect();
    let count = thread.len();
    let new = Value::Array(thread);

    let context = span.context_mut();
    let old = context.get(THREAD_KEY).cloned();
    if old.as_ref() == Some(&new) {
        return;
    }
    let after = serde_json::to_string(&new).unwrap_or_default();
    context.insert(THREAD_KEY.to_string(), new);

    let plural = if count == 1 { "" } else { "s" };
    let description = match &membership {
        Membership::Thread(id) => format!("{count} earlier span{plural} of thread {id}"),
        Membership::PreviousSpans(_) => format!("{count} earlier span{plural} from previous_spans"),
    };
    match old {
        None => {
            cx.record(ChangeKind::Addition, "context.thread", &description).after(&after);
        }
        Some(old) => {
            let before = serde_json::to_string(&old).unwrap_or_default();
            cx.record(ChangeKind::Modification, "context.thread", &format!("replaced with {description}"))
                .before(&before)
                .after(&after);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ContextPreserver;
    use logline_sdk::testing::{MockHost, build, run, span};
    use logline_sdk::{Outcome, json};

    fn entry(id: &str, this: &str, if_ok: Option<&str>) -> ThreadEntry {
        ThreadEntry {
            id: id.into(),
            who: "alice".into(),
            did: "ask_question".into(),
            this: this.into(),
            if_ok: if_ok.map(str::to_string),
            when: format!("2025-01-01T00:0{}:00Z", id.len() % 10),
        }
    }

    fn host_with_thread(config: &str, n: usize) -> MockHost {
        let entries = (1..=n).map(|i| entry(&format!("s{i}"), &format!("question {i}"), Some("answer"))).collect();
        MockHost::default().with_config(config).with_thread("cur", entries)
    }

    fn threaded_span() -> Span {
        span("cur").this("and then?").if_ok("Then this.").context(json!({"thread_id": "t-42"})).build()
    }

    #[test]
    fn writes_the_window_oldest_first() {
        let host = host_with_thread("{}", 5);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let out = run(&enzyme, threaded_span(), &host).unwrap();
        assert_eq!(out.outcome, Outcome::Keep);
        let span = out.changed.expect("changed");
        let thread = span.context.as_ref().unwrap()["thread"].as_array().unwrap();
        let ids: Vec<&str> = thread.iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["s3", "s4", "s5"]);
        let keys: Vec<&str> = thread[0].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "who", "did", "this", "if_ok", "when"]);
        assert_eq!(span.context.as_ref().unwrap()["thread_id"], "t-42");
        assert_eq!(out.changes.len(), 1);
        assert_eq!(out.changes[0].kind, ChangeKind::Addition);
        assert_eq!(out.changes[0].location, "context.thread");
        assert_eq!(out.changes[0].description, "3 earlier spans of thread t-42");
    }

    #[test]
    fn window_comes_from_config() {
        let host = host_with_thread(r#"{"window": 1}"#, 4);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let span = run(&enzyme, threaded_span(), &host).unwrap().changed.unwrap();
        let thread = span.context.as_ref().unwrap()["thread"].as_array().unwrap().clone();
        assert_eq!(thread.len(), 1);
        assert_eq!(thread[0]["id"], "s4");
    }

    #[test]
    fn previous_spans_count_as_a_thread() {
        let host = host_with_thread("{}", 2);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let s = span("cur").this("q").context(json!({"previous_spans": ["s1", "s2"]})).build();
        let out = run(&enzyme, s, &host).unwrap();
        assert!(out.changed.is_some());
        assert_eq!(out.changes[0].description, "2 earlier spans from previous_spans");
    }

    #[test]
    fn no_op_outside_a_thread() {
        let host = host_with_thread("{}", 3);
        let enzyme: ContextPreserver = build(&host).unwrap();
        for ctx in [
            None,
            Some(json!({"environment": "web"})),
            Some(json!({"thread_id": ""})),
            Some(json!({"previous_spans": []})),
            Some(json!({"thread_id": 42})),
        ] {
            let mut b = span("cur").this("q");
            if let Some(c) = ctx {
                b = b.context(c);
            }
            let out = run(&enzyme, b.build(), &host).unwrap();
            assert!(out.changed.is_none());
            assert!(out.changes.is_empty());
        }
    }

    #[test]
    fn no_op_when_host_knows_no_earlier_span() {
        let host = MockHost::default();
        let enzyme: ContextPreserver = build(&host).unwrap();
        let out = run(&enzyme, threaded_span(), &host).unwrap();
        assert!(out.changed.is_none());
        assert!(out.changes.is_empty());
    }

    #[test]
    fn the_span_itself_is_never_listed() {
        let host = MockHost::default().with_thread("cur", vec![entry("s1", "a", None), entry("cur", "b", None)]);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let span = run(&enzyme, threaded_span(), &host).unwrap().changed.unwrap();
        let thread = span.context.as_ref().unwrap()["thread"].as_array().unwrap().clone();
        assert_eq!(thread.len(), 1);
        assert_eq!(thread[0]["if_ok"], Value::Null);
        assert_eq!(span.context.as_ref().unwrap()["thread"][0]["id"], "s1");
    }

    #[test]
    fn idempotent() {
        let host = host_with_thread("{}", 3);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let once = run(&enzyme, threaded_span(), &host).unwrap().changed.unwrap();
        let twice = run(&enzyme, once.clone(), &host).unwrap();
        assert!(twice.changed.is_none());
        assert!(twice.changes.is_empty());
    }

    #[test]
    fn a_stale_thread_is_replaced() {
        let host = host_with_thread("{}", 2);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let s = span("cur").context(json!({"thread_id": "t-42", "thread": [{"id": "old"}]})).build();
        let out = run(&enzyme, s, &host).unwrap();
        let span = out.changed.unwrap();
        assert_eq!(span.context.as_ref().unwrap()["thread"].as_array().unwrap().len(), 2);
        assert_eq!(out.changes[0].kind, ChangeKind::Modification);
    }

    #[test]
    fn long_texts_are_shortened() {
        let long = "é".repeat(500);
        let host = MockHost::default()
            .with_config(r#"{"max_chars": 10}"#)
            .with_thread("cur", vec![entry("s1", &long, Some(&long))]);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let span = run(&enzyme, threaded_span(), &host).unwrap().changed.unwrap();
        let e = &span.context.as_ref().unwrap()["thread"][0];
        for key in ["this", "if_ok"] {
            let s = e[key].as_str().unwrap();
            assert_eq!(s.chars().count(), 10);
            assert!(s.ends_with('…'));
        }
    }

    #[test]
    fn shorten_rules() {
        assert_eq!(shorten("short", 280), "short");
        assert_eq!(shorten("exactly10!", 10), "exactly10!");
        assert_eq!(shorten("hello world again", 7), "hello…");
        assert_eq!(shorten("añb😀cd", 4), "añb…");
        assert_eq!(shorten("ab", 2), "ab");
        assert_eq!(shorten("abc", 2), "a…");
    }

    #[test]
    fn unknown_config_key_is_an_error_naming_it() {
        let host = MockHost::default().with_config(r#"{"windw": 3}"#);
        let err = build::<ContextPreserver>(&host).err().expect("must fail");
        assert_eq!(err.kind, logline_sdk::ErrorKind::InvalidConfig);
        assert!(err.message.contains("windw"), "{}", err.message);
    }

    #[test]
    fn bad_values_are_rejected() {
        for cfg in [r#"{"window": 0}"#, r#"{"window": 51}"#, r#"{"max_chars": 1}"#, r#"{"window": "3"}"#] {
            let host = MockHost::default().with_config(cfg);
            let err = build::<ContextPreserver>(&host).err().expect(cfg);
            assert_eq!(err.kind, logline_sdk::ErrorKind::InvalidConfig, "{cfg}");
        }
    }

    use logline_sdk::testing::thread_cpu_seconds as cpu_seconds;

    /// `cargo test --release -p enzyme-context-preserver -- --ignored --nocapture speed`
    #[test]
    #[ignore]
    fn speed() {
        let long = "How do I read a config file and keep it around? ".repeat(12);
        let entries = (1..=3).map(|i| entry(&format!("s{i}"), &long, Some(&long))).collect();
        let host = MockHost::default().with_thread("cur", entries);
        let enzyme: ContextPreserver = build(&host).unwrap();
        let s = span("cur").this("and then?").if_ok(&long).context(json!({"thread_id": "t-42"})).build();
        let n = 20_000;
        let best = (0..5)
            .map(|_| {
                let t = cpu_seconds();
                for _ in 0..n / 5 {
                    std::hint::black_box(run(&enzyme, s.clone(), &host).unwrap());
                }
                (cpu_seconds() - t) * 1e6 / (n / 5) as f64
            })
            .fold(f64::MAX, f64::min);
        println!("context-preserver: {best:.1} µs/span (cpu, testing::run, 3 thread entries)");
    }

    #[test]
    fn info_is_stable() {
        use logline_sdk::Enzyme;
        let info = ContextPreserver::info();
        assert_eq!(info.name, "context-preserver");
        assert_eq!(info.version, "0.1.0");
    }
}
