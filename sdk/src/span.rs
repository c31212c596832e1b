//! The SDK's own types: plain Rust, independent of the generated bindings,
//! so enzyme logic can be tested natively.

use serde_json::{Map, Value};
use std::fmt;

/// The lifecycle state of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Completed,
    Failed,
}

impl Status {
    /// The spelling used in span JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Completed => "completed",
            Status::Failed => "failed",
        }
    }
}

/// A span as an enzyme sees it.
///
/// `context` and `metadata` are JSON objects (None when the input had none);
/// `extra` holds every unknown top-level key of the input line, in order.
/// Changing `id` is refused by the host.
#[derive(Debug, Clone, PartialEq)]
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
    pub context: Option<Map<String, Value>>,
    pub metadata: Option<Map<String, Value>>,
    pub extra: Map<String, Value>,
}

impl Span {
    /// The response text, or "" when there is none.
    pub fn response(&self) -> &str {
        self.if_ok.as_deref().unwrap_or("")
    }

    /// `context`, created empty if absent.
    pub fn context_mut(&mut self) -> &mut Map<String, Value> {
        self.context.get_or_insert_with(Map::new)
    }

    /// `context.thread_id` when it is a string.
    pub fn thread_id(&self) -> Option<&str> {
        self.context.as_ref()?.get("thread_id")?.as_str()
    }

    /// `context.environment` (the domain) when it is a string.
    pub fn domain(&self) -> Option<&str> {
        self.context.as_ref()?.get("environment")?.as_str()
    }
}

/// What became of a span, as the enzyme says it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Pass the span on; the SDK reports it as changed when it differs from
    /// what came in.
    Keep,
    /// Remove the span, with a reason for the rejects file.
    Drop(String),
    /// Replace the span with these spans. An entry with the input's id
    /// continues the input; the others are new spans with new ids.
    Variants(Vec<Span>),
}

/// The kind of an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Addition,
    Deletion,
    Modification,
    Restructuring,
    Optimization,
}

/// One recorded edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub location: String,
    pub description: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Name, version and description of an enzyme.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub name: String,
    pub version: String,
    pub description: String,
}

impl Info {
    pub fn new(name: &str, version: &str, description: &str) -> Self {
        Info { name: name.into(), version: version.into(), description: description.into() }
    }
}

/// A nearby span from the host's index.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    pub id: String,
    pub similarity: f32,
}

/// An earlier span of the same thread.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadEntry {
    pub id: String,
    pub who: String,
    pub did: String,
    pub this: String,
    pub if_ok: Option<String>,
    pub when: String,
}

/// The class of an expected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidConfig,
    UnsupportedInput,
    Internal,
}

/// An expected failure, reported to the host instead of trapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn invalid_config(message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::InvalidConfig, message: message.into() }
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::UnsupportedInput, message: message.into() }
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Internal, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ErrorKind::InvalidConfig => "invalid config",
            ErrorKind::UnsupportedInput => "unsupported input",
            ErrorKind::Internal => "internal error",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for Error {}
