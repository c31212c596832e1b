//! `logline export OUT --format chat`: the curated set as the chat JSONL
//! that TRL's `SFTTrainer` and axolotl's `chat_template` datasets read —
//! one object per line with `messages: [{role, content}, …]` (`user` =
//! `this`, `assistant` = `if_ok`), plus `id` and `did`.
//!
//! `failed` spans are left out unless asked for (their `if_not` is then
//! the answer); a span without an answer is left out. With threads, the
//! spans of a thread (`context.thread_id` / `previous_spans`) become one
//! multi-turn conversation, in `when` order. Every span of the input is
//! either in a conversation or in `chat.skipped.ndjson` with its reason.

use crate::matcher::split::{self, Member};
use crate::output::AsideWriter;
use crate::span::{Span, Status, when_millis};
use anyhow::{Context as _, bail};
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Export settings.
#[derive(Debug, Clone, Default)]
pub struct ChatOptions {
    /// Keep `failed` spans, answered by their `if_not`.
    pub failed: bool,
    /// One conversation per thread instead of one per span.
    pub threads: bool,
    /// Also export the gate's rejects (`chat.rejects.jsonl`).
    pub include_rejects: bool,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExportStats {
    pub input: PathBuf,
    pub spans: u64,
    pub conversations: u64,
    pub messages: u64,
    pub skipped_failed: u64,
    pub skipped_no_answer: u64,
    pub rejects_exported: u64,
    pub files: Vec<(PathBuf, u64)>,
}

/// The answer a span contributes, or why it has none.
fn answer<'a>(s: &'a Span, o: &ChatOptions) -> Result<&'a str, &'static str> {
    match (s.status, &s.if_ok, &s.if_not) {
        (Status::Failed, _, Some(n)) if o.failed => Ok(n),
        (Status::Failed, _, _) => Err(if o.failed { "no_answer" } else { "failed" }),
        (_, Some(a), _) => Ok(a),
        _ => Err("no_answer"),
    }
}

fn turn(request: &str, answer: &str) -> [serde_json::Value; 2] {
    [json!({"role": "user", "content": request}), json!({"role": "assistant", "content": answer})]
}

/// Export `out` (a folder `logline run` wrote, or a spans file) to
/// `dir/chat.jsonl`.
pub fn export_chat(out: &Path, dir: &Path, o: &ChatOptions) -> anyhow::Result<ExportStats> {
    let (plus, rejects, ..) = crate::pipeline::orchestrate::outputs(out);
    let input = if out.is_file() { out.to_path_buf() } else { plus };
    if !input.is_file() {
        bail!("{} has no curated spans ({}); run `logline run` first", out.display(), input.display());
    }
    let mut spans = Vec::new();
    crate::validate::read_strict(&input, |s| {
        spans.push(s);
        Ok(())
    })?;
    crate::output::ensure_dir(dir)?;
    let mut stats = ExportStats { input: input.clone(), spans: spans.len() as u64, ..Default::default() };
    let mut w = AsideWriter::create(&dir.join("chat.jsonl"))?;
    let mut skipped = AsideWriter::create(&dir.join("chat.skipped.ndjson"))?;
    let mut skip = |s: &Span, reason: &'static str, stats: &mut ExportStats| -> anyhow::Result<()> {
        match reason {
            "failed" => stats.skipped_failed += 1,
            _ => stats.skipped_no_answer += 1,
        }
        skipped.write_line(&json!({"line": s.line, "id": s.id, "reason": reason}).to_string())
    };
    if o.threads {
        let members: Vec<Member> = spans
            .iter()
            .map(|s| Member { id: &s.id, thread_id: s.facts.thread_id.as_deref(), previous: &s.facts.previous_spans })
            .collect();
        let keys = split::threads(&members);
        // Threads in the order of their first span; spans by `when`, then line.
        let mut order: Vec<&str> = Vec::new();
        let mut by: std::collections::HashMap<&str, Vec<&Span>> = std::collections::HashMap::new();
        for (s, k) in spans.iter().zip(&keys) {
            by.entry(k)
                .or_insert_with(|| {
                    order.push(k);
                    Vec::new()
                })
                .push(s);
        }
        for k in order {
            let mut thread = by.remove(k).unwrap_or_default();
            thread.sort_by_key(|s| (when_millis(&s.when), s.line));
            let mut messages = Vec::new();
            let mut ids = Vec::new();
            for s in thread {
                match answer(s, o) {
                    Ok(a) => {
                        messages.extend(turn(&s.this, a));
                        ids.push(s.id.as_str());
                    }
                    Err(reason) => skip(s, reason, &mut stats)?,
                }
            }
            if !messages.is_empty() {
                stats.messages += messages.len() as u64;
                stats.conversations += 1;
                w.write_line(&json!({"messages": messages, "id": k, "span_ids": ids}).to_string())?;
            }
        }
    } else {
        for s in &spans {
            match answer(s, o) {
                Ok(a) => {
                    stats.messages += 2;
                    stats.conversations += 1;
                    w.write_line(&json!({"messages": turn(&s.this, a), "id": s.id, "did": s.did}).to_string())?;
                }
                Err(reason) => skip(s, reason, &mut stats)?,
            }
        }
    }
    stats.files.push(w.commit()?);
    stats.files.push(skipped.commit()?);
    if o.include_rejects && rejects.is_file() && !out.is_file() {
        let mut r = AsideWriter::create(&dir.join("chat.rejects.jsonl"))?;
        let text = std::fs::read_to_string(&rejects).with_context(|| format!("cannot read {}", rejects.display()))?;
        for (no, line) in text.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a reject record", rejects.display(), no + 1))?;
            // Rejects that carry a span (the gate's, an enzyme's); invalid
            // input lines have only their raw text.
            let span = &v["span"];
            let (Some(this), Some(ok)) = (span["this"].as_str(), span["if_ok"].as_str()) else { continue };
            r.write_line(
                &json!({"messages": turn(this, ok), "id": span["id"], "reason": v["reason"], "score": v["score"]})
                    .to_string(),
            )?;
            stats.rejects_exported += 1;
        }
        stats.files.push(r.commit()?);
    }
    Ok(stats)
}

impl ExportStats {
    pub fn table(&self) -> String {
        format!(
            "export chat: {} spans from {} → {} conversations ({} messages); left out {} failed, {} without an answer{}\n",
            self.spans,
            self.input.display(),
            self.conversations,
            self.messages,
            self.skipped_failed,
            self.skipped_no_answer,
            if self.rejects_exported > 0 {
                format!("; {} rejects exported", self.rejects_exported)
            } else {
                String::new()
            }
        )
    }
}
