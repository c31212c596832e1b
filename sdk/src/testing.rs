//! Native test helpers: a configurable host and a span builder.
//!
//! ```
//! use logline_sdk::testing::{span, MockHost};
//! let host = MockHost::default().with_config(r#"{"window": 2}"#);
//! let s = span("s1").this("How do I sort?").if_ok("Use sort().").build();
//! assert_eq!(s.id, "s1");
//! # let _ = host;
//! ```

use crate::Enzyme;
use crate::cx::{Host, Level};
use crate::rt;
use crate::span::{Change, Error, Neighbour, Outcome, Span, Status, ThreadEntry};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// A host whose answers the test sets up.
#[derive(Default)]
pub struct MockHost {
    pub config: String,
    pub neighbours: HashMap<String, Vec<Neighbour>>,
    pub threads: HashMap<String, Vec<ThreadEntry>>,
    pub tags: HashMap<String, Vec<String>>,
    pub embeddings: HashMap<String, Vec<f32>>,
    /// Every message logged, in order.
    pub logs: RefCell<Vec<(Level, String)>>,
}

impl MockHost {
    pub fn with_config(mut self, json: &str) -> Self {
        self.config = json.to_string();
        self
    }
    pub fn with_neighbours(mut self, span_id: &str, list: &[(&str, f32)]) -> Self {
        let list = list.iter().map(|(id, s)| Neighbour { id: id.to_string(), similarity: *s }).collect();
        self.neighbours.insert(span_id.to_string(), list);
        self
    }
    pub fn with_thread(mut self, span_id: &str, entries: Vec<ThreadEntry>) -> Self {
        self.threads.insert(span_id.to_string(), entries);
        self
    }
    pub fn with_embedding(mut self, span_id: &str, v: Vec<f32>) -> Self {
        self.embeddings.insert(span_id.to_string(), v);
        self
    }
    pub fn with_tags(mut self, span_id: &str, tags: &[&str]) -> Self {
        self.tags.insert(span_id.to_string(), tags.iter().map(|t| t.to_string()).collect());
        self
    }
}

impl Host for MockHost {
    fn config(&self) -> String {
        self.config.clone()
    }
    fn log(&self, level: Level, message: &str) {
        self.logs.borrow_mut().push((level, message.to_string()));
    }
    fn neighbours(&self, span_id: &str, k: u32) -> Vec<Neighbour> {
        let mut list = self.neighbours.get(span_id).cloned().unwrap_or_default();
        list.truncate(k as usize);
        list
    }
    fn thread(&self, span_id: &str, limit: u32) -> Vec<ThreadEntry> {
        let list = self.threads.get(span_id).cloned().unwrap_or_default();
        let skip = list.len().saturating_sub(limit as usize);
        list.into_iter().skip(skip).collect()
    }
    fn tags(&self, span_id: &str) -> Vec<String> {
        self.tags.get(span_id).cloned().unwrap_or_default()
    }
    fn embedding(&self, span_id: &str) -> Option<Vec<f32>> {
        self.embeddings.get(span_id).cloned()
    }
}

/// What a native run returned.
#[derive(Debug)]
pub struct Run {
    pub outcome: Outcome,
    /// The span after the call when it changed, else None.
    pub changed: Option<Span>,
    pub changes: Vec<Change>,
}

/// Build `E` from the host's config, as the component glue does.
pub fn build<E: Enzyme>(host: &MockHost) -> Result<E, Error> {
    rt::build::<E>(host)
}

/// Run one span through an enzyme natively, exactly as the component glue
/// does (minus the WIT conversion).
pub fn run<E: Enzyme>(enzyme: &E, span: Span, host: &MockHost) -> Result<Run, Error> {
    let (outcome, changed, changes) = rt::run_native(enzyme, span, host)?;
    Ok(Run { outcome, changed, changes })
}

/// CPU time of the calling thread in seconds (Linux; 0 elsewhere), for the
/// enzymes' ignored speed probes: a busy machine does not inflate it the way
/// it inflates wall time.
pub fn thread_cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// Start building a test span: completed, with placeholder required fields.
pub fn span(id: &str) -> SpanBuilder {
    SpanBuilder(Span {
        id: id.to_string(),
        who: "tester".into(),
        did: "ask_question".into(),
        this: String::new(),
        when: "2025-01-01T00:00:00Z".into(),
        status: Status::Completed,
        if_ok: None,
        if_not: None,
        confirmed_by: None,
        context: None,
        metadata: None,
        extra: Map::new(),
    })
}

/// Builder returned by [`span`].
pub struct SpanBuilder(Span);

impl SpanBuilder {
    pub fn who(mut self, v: &str) -> Self {
        self.0.who = v.into();
        self
    }
    pub fn did(mut self, v: &str) -> Self {
        self.0.did = v.into();
        self
    }
    pub fn this(mut self, v: &str) -> Self {
        self.0.this = v.into();
        self
    }
    pub fn if_ok(mut self, v: &str) -> Self {
        self.0.if_ok = Some(v.into());
        self
    }
    pub fn if_not(mut self, v: &str) -> Self {
        self.0.if_not = Some(v.into());
        self
    }
    pub fn status(mut self, v: Status) -> Self {
        self.0.status = v;
        self
    }
    pub fn context(mut self, v: Value) -> Self {
        self.0.context = v.as_object().cloned();
        self
    }
    pub fn metadata(mut self, v: Value) -> Self {
        self.0.metadata = v.as_object().cloned();
        self
    }
    pub fn extra(mut self, key: &str, v: Value) -> Self {
        self.0.extra.insert(key.into(), v);
        self
    }
    pub fn build(self) -> Span {
        self.0
    }
}
