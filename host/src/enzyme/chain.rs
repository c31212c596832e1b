//! One span through a worker's enzymes, in manifest order.
//!
//! Each stage applies when its `when` filter matches the span as it is at
//! that point (tags and complexity are recomputed after a text change).
//! Variants fan out: later stages see each of them. A failure is handled by
//! the stage's policy: `skip` passes the span on as it was, `reject` sends it
//! to the rejects, `abort` stops the run.
//!
//! Every span keeps snapshots of itself before and after each change, so
//! the pipeline can score each enzyme's impact afterwards.
//!
//! After a change to the text, what LogLine derives from it is derived
//! again ([`Derive`]): tags and complexity, and — when the run has a model —
//! the embeddings, so a later enzyme's look-ups (`host.embedding`,
//! `host.neighbours`) answer from the current text, as `wit/host.wit`
//! promises. Without a model a changed span has no vector to offer: its
//! look-ups answer nothing rather than answer for text it no longer has.

use super::{ChangeRecord, Current, EnzymeFailure, FailureKind, Instance, Outcome, ThreadKey};
use crate::complexity::has_code;
use crate::manifest::{OnError, When, WhenFacts};
use crate::span::Span;
use crate::span::when_millis;
use crate::tags::Tagger;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Embeds a span's current text (query, answer, combined) in place, given
/// the version before the change (whose unchanged fields keep their vectors).
pub type Embed<'a> = &'a (dyn Fn(&mut Span, &Span) -> anyhow::Result<()> + Sync);

/// What the chain derives again after an enzyme changed a span.
#[derive(Clone, Copy)]
pub struct Derive<'a> {
    pub tagger: &'a Tagger,
    /// The run's model; `None` (e.g. `enzymes run`) leaves changed text
    /// without vectors.
    pub embed: Option<Embed<'a>>,
}

impl Derive<'_> {
    /// Tags and complexity of `span`; its vectors too when its text is not
    /// the text of `before` (or it has none).
    fn apply(&self, span: &mut Span, before: &Span) {
        crate::derive::text_facts(span, self.tagger);
        let text_changed = span.this != before.this || span.if_ok != before.if_ok;
        if !text_changed && span.enriched.combined_embedding.is_some() {
            return;
        }
        let e = &mut span.enriched;
        (e.query_embedding, e.response_embedding, e.combined_embedding) = (None, None, None);
        if let Some(embed) = self.embed
            && let Err(err) = embed(span, before)
        {
            tracing::warn!("span {}: could not embed its changed text: {err:#}", span.id);
            let e = &mut span.enriched;
            (e.query_embedding, e.response_embedding, e.combined_embedding) = (None, None, None);
        }
    }
}

/// One enzyme of a worker's chain.
pub struct Stage {
    pub instance: Instance,
    pub when: When,
    pub policy: OnError,
}

/// Enzyme instances, one set per worker, reused from round to round.
pub struct StagePool {
    /// Each enzyme with its entry's `when` and error policy, in manifest order.
    enzymes: Vec<(Arc<super::LoadedEnzyme>, When, OnError)>,
    lookups: Arc<dyn super::Lookups>,
    free: std::sync::Mutex<Vec<Vec<Stage>>>,
}

impl StagePool {
    pub fn new(
        enzymes: Vec<Arc<super::LoadedEnzyme>>,
        manifest: &crate::manifest::Manifest,
        lookups: Arc<dyn super::Lookups>,
    ) -> Self {
        let enzymes = enzymes
            .into_iter()
            .map(|e| {
                let entry = manifest.enzymes.iter().find(|x| x.name == e.name).expect("loaded from this manifest");
                (e, entry.when.clone(), entry.on_error.unwrap_or(manifest.pipeline.on_enzyme_error))
            })
            .collect();
        StagePool { enzymes, lookups, free: std::sync::Mutex::new(Vec::new()) }
    }

    /// A worker's stages: reused, or fresh when none is free.
    pub fn take(&self) -> Vec<Stage> {
        if let Some(s) = self.free.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return s;
        }
        self.enzymes
            .iter()
            .map(|(e, when, policy)| Stage {
                instance: e.instance(self.lookups.clone()),
                when: when.clone(),
                policy: *policy,
            })
            .collect()
    }

    /// Hand a worker's stages back for the next batch.
    pub fn give_back(&self, s: Vec<Stage>) {
        self.free.lock().unwrap_or_else(|p| p.into_inner()).push(s);
    }
}

/// One enzyme call on one span, for the transformation log.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Application {
    pub enzyme: String,
    pub version: String,
    pub input_hash: String,
    pub output_hash: String,
    pub duration_ms: f64,
    pub changes: Vec<ChangeRecord>,
    pub success: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub error_kind: Option<FailureKind>,
    /// Index of the snapshot before / after this call.
    #[serde(skip)]
    pub before: usize,
    #[serde(skip)]
    pub after: usize,
}

impl Application {
    /// Whether the call changed the span.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// A span on its way through the chain.
#[derive(Debug, Clone)]
pub struct Item {
    pub span: Span,
    /// For a variant: the id of the span it came from.
    pub variant_of: Option<String>,
    /// For a variant: the enzyme that emitted it.
    pub variant_by: Option<String>,
    /// The span as it entered the chain, then after each change.
    pub snapshots: Vec<Arc<Span>>,
    pub applications: Vec<Application>,
}

impl Item {
    pub fn new(span: Span) -> Self {
        let snap = Arc::new(span.clone());
        Item { span, variant_of: None, variant_by: None, snapshots: vec![snap], applications: Vec::new() }
    }
}

/// A span an enzyme removed.
#[derive(Debug, Clone)]
pub struct Dropped {
    pub item: Item,
    pub enzyme: String,
    pub reason: String,
}

/// A span rejected because an enzyme failed under the `reject` policy.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub item: Item,
    pub failure: EnzymeFailure,
}

/// What became of one input span.
#[derive(Debug, Default)]
pub struct ChainOutput {
    /// Spans that go on (the input's continuation first, then variants).
    pub items: Vec<Item>,
    pub dropped: Vec<Dropped>,
    pub rejected: Vec<Rejected>,
    /// Every failure, including those the `skip` policy passed over.
    pub failures: Vec<EnzymeFailure>,
}

/// Short content hash of a span (its JSON without embeddings).
pub fn span_hash(span: &Span) -> String {
    let digest = Sha256::digest(span.to_json_line(false, &[]).as_bytes());
    hex::encode(&digest[..8])
}

fn current_of(span: &Span, first: &Span) -> Current {
    // Text changed and no vector of the new text: say nothing rather than
    // answer for the old text (the index holds the span as it came in).
    let stale = (span.this != first.this || span.if_ok != first.if_ok) && span.enriched.combined_embedding.is_none();
    Current {
        id: span.id.clone(),
        tags: span.enriched.semantic_tags.clone(),
        embedding: span.enriched.combined_embedding.clone(),
        stale,
        thread: ThreadKey {
            thread_id: span.facts.thread_id.clone(),
            previous_spans: span.facts.previous_spans.clone(),
            when_ms: when_millis(&span.when),
            order: span.line,
        },
    }
}

fn matches(when: &When, span: &Span) -> bool {
    when.matches(&WhenFacts {
        did: &span.did,
        status: span.status.as_str(),
        domain: span.facts.domain.as_deref(),
        tags: &span.enriched.semantic_tags,
        complexity: span.enriched.complexity_score,
        has_code: has_code(span.response()),
    })
}

/// Run one span through `stages` with no model (tags and complexity are
/// derived again after a change, vectors are not). `Err` only under the
/// `abort` policy.
pub fn run(stages: &mut [Stage], span: Span, tagger: &Tagger) -> Result<ChainOutput, EnzymeFailure> {
    run_with(stages, span, Derive { tagger, embed: None })
}

/// Run one span through `stages`, deriving with `derive` after each change.
pub fn run_with(stages: &mut [Stage], span: Span, derive: Derive<'_>) -> Result<ChainOutput, EnzymeFailure> {
    let mut out = ChainOutput::default();
    let mut items = vec![Item::new(span)];
    for stage in stages.iter_mut() {
        let mut next = Vec::with_capacity(items.len());
        for mut item in items {
            if !matches(&stage.when, &item.span) {
                next.push(item);
                continue;
            }
            let input_hash = span_hash(&item.span);
            let before = item.snapshots.len() - 1;
            let enzyme = stage.instance.enzyme().clone();
            let call = stage.instance.call(&item.span, current_of(&item.span, &item.snapshots[0]));
            let mut app = Application {
                enzyme: enzyme.name.clone(),
                version: enzyme.info.version.clone(),
                output_hash: input_hash.clone(),
                input_hash,
                duration_ms: 0.0,
                changes: Vec::new(),
                success: true,
                error: None,
                error_kind: None,
                before,
                after: before,
            };
            match call {
                Err(failure) => {
                    app.success = false;
                    app.error = Some(format!("{}: {}", failure.kind, failure.message));
                    app.error_kind = Some(failure.kind);
                    item.applications.push(app);
                    out.failures.push(failure.clone());
                    match stage.policy {
                        OnError::Skip => next.push(item),
                        OnError::Reject => out.rejected.push(Rejected { item, failure }),
                        OnError::Abort => return Err(failure),
                    }
                }
                Ok((outcome, changes, stats)) => {
                    app.duration_ms = stats.micros / 1000.0;
                    app.changes = changes;
                    match outcome {
                        Outcome::Unchanged => {
                            item.applications.push(app);
                            next.push(item);
                        }
                        Outcome::Changed(span) => {
                            let mut span = *span;
                            derive.apply(&mut span, &item.span);
                            app.output_hash = span_hash(&span);
                            item.snapshots.push(Arc::new(span.clone()));
                            app.after = item.snapshots.len() - 1;
                            item.span = span;
                            item.applications.push(app);
                            next.push(item);
                        }
                        Outcome::Drop(reason) => {
                            item.applications.push(app);
                            out.dropped.push(Dropped { item, enzyme: enzyme.name.clone(), reason });
                        }
                        Outcome::Variants(spans) => {
                            let mut continued = false;
                            for mut span in spans {
                                derive.apply(&mut span, &item.span);
                                let mut child = item.clone();
                                let mut a = app.clone();
                                a.output_hash = span_hash(&span);
                                if span.id == item.span.id {
                                    continued = true;
                                } else {
                                    child.variant_of = Some(item.span.id.clone());
                                    child.variant_by = Some(enzyme.name.clone());
                                }
                                if a.output_hash != a.input_hash {
                                    child.snapshots.push(Arc::new(span.clone()));
                                    a.after = child.snapshots.len() - 1;
                                }
                                child.span = span;
                                child.applications.push(a);
                                next.push(child);
                            }
                            if !continued {
                                item.applications.push(app);
                                out.dropped.push(Dropped {
                                    item,
                                    enzyme: enzyme.name.clone(),
                                    reason: "replaced by variants".into(),
                                });
                            }
                        }
                    }
                }
            }
        }
        items = next;
    }
    out.items = items;
    Ok(out)
}
