//! `logline export OUT --format chat|parquet`.
//!
//! `chat`: the curated set as the chat JSONL
//! that TRL's `SFTTrainer` and axolotl's `chat_template` datasets read —
//! one object per line with `messages: [{role, content}, …]` (`user` =
//! `this`, `assistant` = `if_ok`), plus `id` and `did`.
//!
//! `failed` spans are left out unless asked for (their `if_not` is then
//! the answer); a span without an answer is left out. With threads, the
//! spans of a thread (`context.thread_id` / `previous_spans`) become one
//! multi-turn conversation, in `when` order. Every span of the input is
//! either in a conversation or in `chat.skipped.ndjson` with its reason.
//!
//! `parquet` ([`parquet`]): every curated span as one row of typed columns
//! in `spans.parquet`, with a dataset card (`README.md`) beside it.

pub mod parquet;

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
    /// Leave out spans Phase 0 marked as a duplicate of a kept one (`duplicate_of`).
    pub skip_duplicates: bool,
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
    pub skipped_duplicates: u64,
    pub rejects_exported: u64,
    pub files: Vec<(PathBuf, u64)>,
}

/// The answer a span contributes, or why it has none.
fn answer<'a>(s: &'a Span, o: &ChatOptions) -> Result<&'a str, &'static str> {
    if o.skip_duplicates && s.enriched.duplicate_of.is_some() {
        return Err("duplicate");
    }
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
            "duplicate" => stats.skipped_duplicates += 1,
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
        each_reject(&rejects, |_, v| {
            // Rejects that carry a span (the gate's, an enzyme's); invalid
            // input lines have only their raw text.
            let span = &v["span"];
            let (Some(this), Some(ok)) = (span["this"].as_str(), span["if_ok"].as_str()) else { return Ok(()) };
            r.write_line(
                &json!({"messages": turn(this, ok), "id": span["id"], "reason": v["reason"], "score": v["score"]})
                    .to_string(),
            )?;
            stats.rejects_exported += 1;
            Ok(())
        })?;
        stats.files.push(r.commit()?);
    }
    Ok(stats)
}

impl ExportStats {
    pub fn table(&self) -> String {
        format!(
            "export chat: {} spans from {} → {} conversations ({} messages); left out {} failed, {} without an answer, {} duplicates{}\n",
            self.spans,
            self.input.display(),
            self.conversations,
            self.messages,
            self.skipped_failed,
            self.skipped_no_answer,
            self.skipped_duplicates,
            if self.rejects_exported > 0 {
                format!("; {} rejects exported", self.rejects_exported)
            } else {
                String::new()
            }
        )
    }
}

/// What a Parquet export wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParquetStats {
    pub input: PathBuf,
    pub rows: u64,
    pub curated: u64,
    pub rejects: u64,
    /// Reject lines without a span (invalid input): not rows.
    pub rejects_without_span: u64,
    pub with_embeddings: u64,
    pub duplicates_marked: u64,
    pub row_groups: usize,
    pub dims: usize,
    pub licences: std::collections::BTreeMap<String, u64>,
    pub files: Vec<(PathBuf, u64)>,
}

/// The embedding width: the sidecar's, or the first inline vector's (read
/// up to the first span that has one), or the bundled model's.
fn embedding_dims(input: &Path, sidecar: Option<&crate::embed::sidecar::SidecarReader>) -> anyhow::Result<usize> {
    if let Some(s) = sidecar {
        return Ok(s.dims());
    }
    for line in crate::ingest::open(input, crate::ingest::DEFAULT_MAX_LINE)? {
        let line = line.with_context(|| format!("reading {}", input.display()))?;
        let span = std::str::from_utf8(&line.bytes)
            .ok()
            .and_then(|t| crate::validate::parse_span(t, crate::validate::Mode::Enriched).ok());
        if let Some(v) = span.and_then(|s| s.enriched.combined_embedding) {
            return Ok(v.len());
        }
    }
    Ok(crate::embed::DEFAULT_DIMS)
}

/// Every record of a Phase 1 rejects file, line by line: its line number
/// and its JSON (an error names the line that is not one).
fn each_reject(path: &Path, mut each: impl FnMut(u64, serde_json::Value) -> anyhow::Result<()>) -> anyhow::Result<()> {
    use std::io::BufRead as _;
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let no = i as u64 + 1;
        let line = line.with_context(|| format!("reading {}:{no}", path.display()))?;
        let v = serde_json::from_str(&line).with_context(|| format!("{}:{no}: not a reject record", path.display()))?;
        each(no, v)?;
    }
    Ok(())
}

/// A span's licence, when its owner wrote one (`metadata.license`,
/// `metadata.licence`, or a top-level `license`).
fn licence(s: &Span) -> Option<String> {
    let meta: Option<serde_json::Value> = s.metadata.as_ref().and_then(|m| serde_json::from_str(m.get()).ok());
    let from_meta = meta.and_then(|m| {
        ["license", "licence"].iter().find_map(|k| m.get(*k).and_then(|v| v.as_str()).map(str::to_string))
    });
    from_meta.or_else(|| {
        s.extra
            .iter()
            .find(|(k, _)| k == "license" || k == "licence")
            .and_then(|(_, v)| serde_json::from_str::<String>(v.get()).ok())
    })
}

/// Export `out` (a folder `logline run` wrote, or a spans file) to
/// `dir/spans.parquet` and `dir/README.md`.
pub fn export_parquet(out: &Path, dir: &Path, include_rejects: bool) -> anyhow::Result<ParquetStats> {
    let (plus, rejects, report_path, _) = crate::pipeline::orchestrate::outputs(out);
    let input = if out.is_file() { out.to_path_buf() } else { plus };
    if !input.is_file() {
        bail!("{} has no curated spans ({}); run `logline run` first", out.display(), input.display());
    }
    let folder = if out.is_file() { out.parent().unwrap_or(Path::new(".")) } else { out };
    let sidecar_path = crate::pipeline::prepare::outputs(folder).3;
    let sidecar =
        if sidecar_path.is_file() { Some(crate::embed::sidecar::SidecarReader::open(&sidecar_path)?) } else { None };
    let dims = embedding_dims(&input, sidecar.as_ref())?;
    crate::output::ensure_dir(dir)?;
    let path = dir.join("spans.parquet");
    let partial = crate::output::partial_path(&path);
    let mut sink = parquet::ParquetSink::create(&partial, dims, sidecar)?;
    let mut stats = ParquetStats { input: input.clone(), dims, ..Default::default() };
    let count = |s: &Span, stats: &mut ParquetStats| {
        if s.enriched.duplicate_of.is_some() {
            stats.duplicates_marked += 1;
        }
        if let Some(l) = licence(s) {
            *stats.licences.entry(l).or_default() += 1;
        }
    };
    crate::validate::read_strict(&input, |s| {
        count(&s, &mut stats);
        stats.curated += 1;
        sink.push(&s, None)
    })?;
    if include_rejects && rejects.is_file() && !out.is_file() {
        each_reject(&rejects, |no, v| {
            let Some(span) = v.get("span") else {
                stats.rejects_without_span += 1;
                return Ok(());
            };
            let s = crate::validate::parse_span(&span.to_string(), crate::validate::Mode::Enriched).map_err(
                |(reasons, _)| anyhow::anyhow!("{}:{no}: field `span`: {}", rejects.display(), reasons[0].detail),
            )?;
            count(&s, &mut stats);
            stats.rejects += 1;
            let note = parquet::RejectNote {
                reason: v["reason"].as_str().unwrap_or(""),
                detail: v["detail"].as_str().unwrap_or(""),
            };
            sink.push(&s, Some(&note))
        })?;
    }
    stats.rows = sink.rows;
    stats.with_embeddings = sink.with_embeddings;
    stats.row_groups = sink.finish()?;
    std::fs::rename(&partial, &path).with_context(|| format!("renaming {} into place", partial.display()))?;
    stats.files.push((path, stats.rows));
    let report: Option<serde_json::Value> =
        std::fs::read(&report_path).ok().and_then(|b| serde_json::from_slice(&b).ok()).filter(|_| !out.is_file());
    let card = dir.join("README.md");
    let text = dataset_card(&stats, report.as_ref());
    crate::output::write_file(&card, text.as_bytes())?;
    stats.files.push((card, text.lines().count() as u64));
    Ok(stats)
}

/// The dataset card: what the file holds, how it was made, how to load it.
fn dataset_card(s: &ParquetStats, report: Option<&serde_json::Value>) -> String {
    use std::fmt::Write as _;
    let mut c = String::new();
    let single_licence = (s.licences.len() == 1).then(|| s.licences.keys().next().cloned()).flatten();
    let _ = writeln!(c, "---");
    if let Some(l) = &single_licence {
        let _ = writeln!(c, "license: {}", serde_json::to_string(l).unwrap_or_default());
    }
    let _ = writeln!(c, "configs:\n- config_name: default\n  data_files: spans.parquet\n---\n");
    let _ = writeln!(c, "# Curated spans\n");
    let _ = writeln!(
        c,
        "Written by LogLine {} from `{}`: {} rows in {} row group(s) of up to {} rows, Snappy-compressed.\n",
        env!("CARGO_PKG_VERSION"),
        s.input.display(),
        s.rows,
        s.row_groups,
        parquet::ROW_GROUP_ROWS
    );
    let _ = writeln!(c, "## Counts\n");
    let _ = writeln!(c, "| | rows |\n|---|---:|");
    let _ = writeln!(c, "| curated (passed the gate) | {} |", s.curated);
    let _ = writeln!(c, "| gate and chain rejects (`reject_reason` set) | {} |", s.rejects);
    let _ = writeln!(c, "| with embeddings ({} dims) | {} |", s.dims, s.with_embeddings);
    let _ = writeln!(c, "| marked duplicates (`duplicate_of` set) | {} |\n", s.duplicates_marked);
    if let Some(r) = report {
        let _ = writeln!(c, "## Gate\n");
        let _ = writeln!(
            c,
            "Quality gate {} (0–100); {} of {} spans passed ({:.1} %).",
            r["quality_gate"],
            r["diamonds_plus"].as_u64().unwrap_or(0) + r["diamonds_original"].as_u64().unwrap_or(0),
            r["total_processed"],
            r["pass_rate"].as_f64().unwrap_or(0.0) * 100.0
        );
        if let Some(rej) = r["rejects"].as_object().filter(|m| !m.is_empty()) {
            let parts: Vec<String> =
                rej.iter().map(|(k, v)| format!("{} {v}", k.trim_start_matches("dropped_"))).collect();
            let _ = writeln!(c, "Rejected: {}.", parts.join(", "));
        }
        if let Some(caps) = r["capped"].as_object().filter(|m| !m.is_empty()) {
            let parts: Vec<String> = caps.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(c, "Capped as garbage: {}.", parts.join(", "));
        }
        if let Some(e) = r["enzymes"].as_object().filter(|m| !m.is_empty()) {
            let _ = writeln!(c, "\n## Enzymes\n\n| enzyme | version | calls | changed |\n|---|---|---:|---:|");
            for (name, x) in e {
                let _ = writeln!(
                    c,
                    "| {name} | {} | {} | {} |",
                    x["version"].as_str().unwrap_or("?"),
                    x["calls"],
                    x["changed"]
                );
            }
        }
        c.push('\n');
    }
    let _ = writeln!(c, "## Licence\n");
    if s.licences.is_empty() {
        let _ =
            writeln!(c, "The spans carry no licence field (`metadata.license`): check the terms of their source.\n");
    } else {
        let _ = writeln!(c, "From the spans' own licence field:\n\n| licence | rows |\n|---|---:|");
        for (l, n) in &s.licences {
            let _ = writeln!(c, "| {l} | {n} |");
        }
        c.push('\n');
    }
    let _ = writeln!(c, "## Fields\n\n| column | type | what |\n|---|---|---|");
    for &(name, kind, nullable, what) in parquet::COLUMNS {
        let _ = writeln!(c, "| `{name}` | {} | {what} |", kind.card(nullable, s.dims));
    }
    let _ = writeln!(
        c,
        "\n## Loading\n\n```python\nimport pyarrow.parquet as pq\ntable = pq.read_table(\"spans.parquet\")\n\nfrom datasets import load_dataset\nds = load_dataset(\"parquet\", data_files=\"spans.parquet\")[\"train\"]\n```"
    );
    c
}

impl ParquetStats {
    pub fn table(&self) -> String {
        format!(
            "export parquet: {} rows ({} curated, {} rejects) from {} in {} row group(s); {} with embeddings ({} dims), {} marked duplicates\n",
            self.rows,
            self.curated,
            self.rejects,
            self.input.display(),
            self.row_groups,
            self.with_embeddings,
            self.dims,
            self.duplicates_marked
        )
    }
}
