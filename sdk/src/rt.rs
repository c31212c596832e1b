//! Glue between the generated bindings and the [`Enzyme`] trait. Used by
//! [`crate::export_enzyme!`]; not part of the public API.

use crate::Enzyme;
use crate::bindings::logline::enzyme::{host as wit_host, types as wit};
use crate::cx::{Cx, Host, Level};
use crate::span::{Change, ChangeKind, Error, ErrorKind, Info, Neighbour, Outcome, Span, Status, ThreadEntry};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::thread::LocalKey;

/// The host's services through the WIT imports.
pub struct WitHost;

impl Host for WitHost {
    fn config(&self) -> String {
        wit_host::config()
    }
    fn log(&self, level: Level, message: &str) {
        let level = match level {
            Level::Trace => wit_host::Level::Trace,
            Level::Debug => wit_host::Level::Debug,
            Level::Info => wit_host::Level::Info,
            Level::Warn => wit_host::Level::Warn,
            Level::Error => wit_host::Level::Error,
        };
        wit_host::log(level, message)
    }
    fn neighbours(&self, span_id: &str, k: u32) -> Vec<Neighbour> {
        wit_host::neighbours(span_id, k).into_iter().map(|n| Neighbour { id: n.id, similarity: n.similarity }).collect()
    }
    fn thread(&self, span_id: &str, limit: u32) -> Vec<ThreadEntry> {
        wit_host::thread(span_id, limit)
            .into_iter()
            .map(|t| ThreadEntry { id: t.id, who: t.who, did: t.did, this: t.this, if_ok: t.if_ok, when: t.when })
            .collect()
    }
    fn tags(&self, span_id: &str) -> Vec<String> {
        wit_host::tags(span_id)
    }
    fn embedding(&self, span_id: &str) -> Option<Vec<f32>> {
        wit_host::embedding(span_id)
    }
}

pub fn info<E: Enzyme>() -> wit::EnzymeInfo {
    let Info { name, version, description } = E::info();
    wit::EnzymeInfo { name, version, description }
}

/// Build the enzyme from the host's config, once per instance.
pub fn init<E: Enzyme>(state: &'static LocalKey<RefCell<Option<E>>>) -> Result<(), wit::EnzymeError> {
    let enzyme = build::<E>(&WitHost).map_err(to_wit_error)?;
    state.with(|s| *s.borrow_mut() = Some(enzyme));
    Ok(())
}

pub fn process<E: Enzyme>(
    state: &'static LocalKey<RefCell<Option<E>>>,
    span: wit::Span,
) -> Result<wit::Processed, wit::EnzymeError> {
    state.with(|s| {
        if s.borrow().is_none() {
            let enzyme = build::<E>(&WitHost).map_err(to_wit_error)?;
            *s.borrow_mut() = Some(enzyme);
        }
        let guard = s.borrow();
        let enzyme = guard.as_ref().expect("initialised above");
        let span = from_wit_span(span).map_err(to_wit_error)?;
        let (outcome, changes) = run_one(enzyme, span, &WitHost).map_err(to_wit_error)?;
        Ok(wit::Processed { outcome, changes: changes.into_iter().map(to_wit_change).collect() })
    })
}

/// Parse the config the host hands over and build the enzyme.
pub(crate) fn build<E: Enzyme>(host: &dyn Host) -> Result<E, Error> {
    let text = host.config();
    let text = if text.trim().is_empty() { "{}" } else { text.as_str() };
    let config: E::Config =
        serde_json::from_str(text).map_err(|e| Error::invalid_config(format!("{}: {e}", E::info().name)))?;
    E::new(config)
}

/// Run one span through an enzyme: the shared core of the component glue and
/// of [`crate::testing::run`].
pub(crate) fn run_one<E: Enzyme>(
    enzyme: &E,
    span: Span,
    host: &dyn Host,
) -> Result<(wit::Outcome, Vec<Change>), Error> {
    let (outcome, changed, changes) = run_native(enzyme, span, host)?;
    let outcome = match outcome {
        Outcome::Keep => match changed {
            Some(span) => wit::Outcome::Changed(to_wit_span(span)),
            None => wit::Outcome::Unchanged,
        },
        Outcome::Drop(reason) => wit::Outcome::Drop(reason),
        Outcome::Variants(spans) => wit::Outcome::Variants(spans.into_iter().map(to_wit_span).collect()),
    };
    Ok((outcome, changes))
}

/// Process natively: the outcome, the span when it changed, the changes.
pub(crate) fn run_native<E: Enzyme>(
    enzyme: &E,
    span: Span,
    host: &dyn Host,
) -> Result<(Outcome, Option<Span>, Vec<Change>), Error> {
    let original = span.clone();
    let mut span = span;
    let mut cx = Cx::new(host, original.id.clone());
    let outcome = enzyme.process(&mut span, &mut cx)?;
    let changed = (span != original).then_some(span);
    Ok((outcome, changed, cx.into_changes()))
}

fn parse_object(field: &str, text: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::unsupported(format!("`{field}` is not a JSON object"))),
        Err(e) => Err(Error::unsupported(format!("`{field}` is not valid JSON: {e}"))),
    }
}

pub fn from_wit_span(s: wit::Span) -> Result<Span, Error> {
    Ok(Span {
        id: s.id,
        who: s.who,
        did: s.did,
        this: s.this,
        when: s.when,
        status: match s.status {
            wit::Status::Pending => Status::Pending,
            wit::Status::Completed => Status::Completed,
            wit::Status::Failed => Status::Failed,
        },
        if_ok: s.if_ok,
        if_not: s.if_not,
        confirmed_by: s.confirmed_by,
        context: s.context.as_deref().map(|t| parse_object("context", t)).transpose()?,
        metadata: s.metadata.as_deref().map(|t| parse_object("metadata", t)).transpose()?,
        extra: parse_object("extra", &s.extra)?,
    })
}

pub fn to_wit_span(s: Span) -> wit::Span {
    let text = |m: &Map<String, Value>| serde_json::to_string(m).expect("a JSON map always serialises");
    wit::Span {
        id: s.id,
        who: s.who,
        did: s.did,
        this: s.this,
        when: s.when,
        status: match s.status {
            Status::Pending => wit::Status::Pending,
            Status::Completed => wit::Status::Completed,
            Status::Failed => wit::Status::Failed,
        },
        if_ok: s.if_ok,
        if_not: s.if_not,
        confirmed_by: s.confirmed_by,
        context: s.context.as_ref().map(text),
        metadata: s.metadata.as_ref().map(text),
        extra: text(&s.extra),
    }
}

fn to_wit_change(c: Change) -> wit::Change {
    wit::Change {
        kind: match c.kind {
            ChangeKind::Addition => wit::ChangeKind::Addition,
            ChangeKind::Deletion => wit::ChangeKind::Deletion,
            ChangeKind::Modification => wit::ChangeKind::Modification,
            ChangeKind::Restructuring => wit::ChangeKind::Restructuring,
            ChangeKind::Optimization => wit::ChangeKind::Optimization,
        },
        location: c.location,
        description: c.description,
        before: c.before,
        after: c.after,
    }
}

fn to_wit_error(e: Error) -> wit::EnzymeError {
    wit::EnzymeError {
        kind: match e.kind {
            ErrorKind::InvalidConfig => wit::ErrorKind::InvalidConfig,
            ErrorKind::UnsupportedInput => wit::ErrorKind::UnsupportedInput,
            ErrorKind::Internal => wit::ErrorKind::Internal,
        },
        message: e.message,
    }
}
