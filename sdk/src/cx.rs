//! The call context: what the host lends an enzyme during `process`.

use crate::span::{Change, ChangeKind, Neighbour, ThreadEntry};

/// Log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// The host's services. Inside a component they are the WIT imports; in
/// native tests, [`crate::testing::MockHost`].
pub trait Host {
    fn config(&self) -> String;
    fn log(&self, level: Level, message: &str);
    fn neighbours(&self, span_id: &str, k: u32) -> Vec<Neighbour>;
    fn thread(&self, span_id: &str, limit: u32) -> Vec<ThreadEntry>;
    fn tags(&self, span_id: &str) -> Vec<String>;
    /// Since WIT 0.1.1.
    fn embedding(&self, span_id: &str) -> Option<Vec<f32>>;
}

/// Snippets in change records are cut to this many characters.
pub const SNIPPET_CHARS: usize = 200;

/// The context of one `process` call.
pub struct Cx<'a> {
    host: &'a dyn Host,
    span_id: String,
    changes: Vec<Change>,
}

impl<'a> Cx<'a> {
    /// A context for the span `span_id` (the SDK builds it; tests may too).
    pub fn new(host: &'a dyn Host, span_id: impl Into<String>) -> Self {
        Cx { host, span_id: span_id.into(), changes: Vec::new() }
    }

    /// The `k` nearest spans of the current span, most similar first.
    pub fn neighbours(&self, k: u32) -> Vec<Neighbour> {
        self.host.neighbours(&self.span_id, k)
    }

    /// The `k` nearest spans of any span the host knows.
    pub fn neighbours_of(&self, span_id: &str, k: u32) -> Vec<Neighbour> {
        self.host.neighbours(span_id, k)
    }

    /// Up to `limit` earlier spans of the current span's thread, oldest first.
    pub fn thread(&self, limit: u32) -> Vec<ThreadEntry> {
        self.host.thread(&self.span_id, limit)
    }

    /// The semantic tags the host computed for the current span.
    pub fn tags(&self) -> Vec<String> {
        self.host.tags(&self.span_id)
    }

    /// The combined embedding of the current span (384 floats, normalised).
    pub fn embedding(&self) -> Option<Vec<f32>> {
        self.host.embedding(&self.span_id)
    }

    /// The combined embedding of any span the host knows.
    pub fn embedding_of(&self, span_id: &str) -> Option<Vec<f32>> {
        self.host.embedding(span_id)
    }

    /// Write to the run log.
    pub fn log(&self, level: Level, message: &str) {
        self.host.log(level, message)
    }

    /// Record an edit; chain `.before(..)` / `.after(..)` to add snippets.
    pub fn record(&mut self, kind: ChangeKind, location: &str, description: &str) -> ChangeBuilder<'_> {
        self.changes.push(Change {
            kind,
            location: location.to_string(),
            description: description.to_string(),
            before: None,
            after: None,
        });
        ChangeBuilder { change: self.changes.last_mut().expect("just pushed") }
    }

    /// The edits recorded so far.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    pub(crate) fn into_changes(self) -> Vec<Change> {
        self.changes
    }
}

/// Adds snippets to a change just recorded.
pub struct ChangeBuilder<'c> {
    change: &'c mut Change,
}

impl ChangeBuilder<'_> {
    /// The text before the edit (cut to [`SNIPPET_CHARS`]).
    pub fn before(self, text: &str) -> Self {
        self.change.before = Some(snippet(text));
        self
    }

    /// The text after the edit (cut to [`SNIPPET_CHARS`]).
    pub fn after(self, text: &str) -> Self {
        self.change.after = Some(snippet(text));
        self
    }
}

/// Cut `text` to [`SNIPPET_CHARS`] characters, marking the cut with "…".
pub fn snippet(text: &str) -> String {
    match text.char_indices().nth(SNIPPET_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}
