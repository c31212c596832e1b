//! The scanner over the real-data corpus (`bench/corpus/real/spans.ndjson`:
//! commit histories of public repositories, diffs, whole files, prose,
//! config). Skipped with a note when the corpus is absent.
//!
//! * `real_corpus_review_and_precision` writes
//!   `review/real-corpus-redactions.md` (git-ignored, like the corpus: it
//!   quotes the repositories): every redaction (span id, field, kind, the
//!   line with the secret cut to its first 4 characters) with the verdict a
//!   person gave it in `tests/data/real_corpus_verdicts.tsv` (keyed by span,
//!   field, kind and a hash of that line, so it holds no corpus text), and
//!   fails when fewer than 99 % of the redactions are confirmed secrets or
//!   credential-shaped literals. A redaction nobody reviewed counts as
//!   unconfirmed: read it in the review file, then add the line the test
//!   prints to the TSV with a verdict.
//! * `real_corpus_code_redactions_are_literals`: in spans holding code, no
//!   redaction lands on an identifier or an expression.
//!
//! `cargo test -p enzyme-security --test real_corpus -- --nocapture`

mod common;

use common::literal_check::on_literal;
use enzyme_security::scan::{Finding, Scanner};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;

const PRECISION_TARGET: f64 = 0.99;

fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/corpus/real/spans.ndjson")
}

fn review_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("review")
}

fn verdicts_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/real_corpus_verdicts.tsv")
}

/// FNV-1a, 64 bits, in hex: names a masked line without quoting it.
fn line_hash(line: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in line.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One redaction in the corpus.
struct Hit {
    span: String,
    field: String,
    kind: &'static str,
    /// The line holding it, the secret cut to its first 4 characters.
    line: String,
    /// The span holds code (a diff or a source file).
    code: bool,
    literal: Result<&'static str, String>,
}

/// Every string the enzyme scans, with its field path and JSON key (the
/// walk of `walk.rs`: the text fields, and every string nested in
/// `context`, `metadata` and unknown keys, ids excepted).
fn strings<'a>(span: &'a Value, out: &mut Vec<(String, Option<&'a str>, &'a str)>) {
    fn nested<'a>(v: &'a Value, path: String, key: Option<&'a str>, out: &mut Vec<(String, Option<&'a str>, &'a str)>) {
        match v {
            Value::String(s) => out.push((path, key, s)),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    nested(x, format!("{path}[{i}]"), key, out);
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    nested(x, format!("{path}.{k}"), Some(k), out);
                }
            }
            _ => {}
        }
    }
    let Value::Object(m) = span else { return };
    for (k, v) in m {
        match k.as_str() {
            "id" | "who" | "did" | "when" | "status" => {}
            "this" | "if_ok" | "if_not" | "confirmed_by" => {
                if let Some(s) = v.as_str() {
                    out.push((k.clone(), None, s));
                }
            }
            "context" => {
                if let Value::Object(c) = v {
                    for (ck, cv) in c {
                        if ck != "thread_id" && ck != "previous_spans" {
                            nested(cv, format!("context.{ck}"), Some(ck), out);
                        }
                    }
                }
            }
            _ => nested(v, k.clone(), Some(k), out),
        }
    }
}

fn masked_line(text: &str, f: &Finding) -> String {
    let a = text[..f.start].rfind('\n').map_or(0, |i| i + 1);
    let b = text[f.end..].find('\n').map_or(text.len(), |i| f.end + i);
    let secret = &text[f.start..f.end];
    let head: String = secret.chars().take(4).collect();
    let mut line = format!("{}{head}…‹{} chars›", &text[a..f.start], secret.chars().count());
    // A key block spans lines: show only its first line.
    let rest = &text[f.end..b];
    line.push_str(rest);
    let line = line.replace('\t', "    ").replace('\r', "");
    let line = line.lines().next().unwrap_or("").to_string();
    if line.chars().count() > 200 { line.chars().take(200).collect::<String>() + "…" } else { line }
}

fn scan(scanner: &Scanner) -> Option<(usize, usize, Vec<Hit>)> {
    let text = std::fs::read_to_string(corpus_path()).ok()?;
    let mut hits = Vec::new();
    let mut spans = 0;
    let mut fields = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let span: Value = serde_json::from_str(line).expect("a JSON span per line");
        spans += 1;
        let id = span["id"].as_str().unwrap_or("?").to_string();
        let meta = &span["metadata"];
        let shape = meta["shape"].as_str().unwrap_or("");
        let lang = meta["language"].as_str().unwrap_or("");
        let code_span = matches!(shape, "raw_diff" | "fenced_diff" | "whole_file")
            && !matches!(lang, "markdown" | "rst" | "docs" | "text");
        let mut list = Vec::new();
        strings(&span, &mut list);
        for (field, key, s) in list {
            fields += 1;
            let Some((_, found)) = scanner.redact(s, key) else { continue };
            for f in &found {
                hits.push(Hit {
                    span: id.clone(),
                    field: field.clone(),
                    kind: f.kind.name(),
                    line: masked_line(s, f),
                    code: code_span && field == "if_ok",
                    literal: on_literal(s, f),
                });
            }
        }
    }
    Some((spans, fields, hits))
}

/// `span \t field \t kind \t hash of the masked line \t verdict \t note`
/// (verdict: `secret`, `credential-shaped` or `false-positive`).
fn verdicts() -> HashMap<(String, String, String, String), (String, String)> {
    let text = std::fs::read_to_string(verdicts_path()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 5).then(|| {
                (
                    (c[0].to_string(), c[1].to_string(), c[2].to_string(), c[3].to_string()),
                    (c[4].to_string(), c.get(5).unwrap_or(&"").to_string()),
                )
            })
        })
        .collect()
}

#[test]
fn real_corpus_review_and_precision() {
    let scanner = common::default_scanner();
    let Some((spans, fields, hits)) = scan(&scanner) else {
        println!("no real corpus at {}: skipped", corpus_path().display());
        return;
    };
    let verdicts = verdicts();
    let mut md = String::new();
    let (mut confirmed, mut fp, mut unreviewed) = (0, 0, 0);
    let mut rows = String::new();
    let mut tsv_missing = String::new();
    for h in &hits {
        let key = (h.span.clone(), h.field.clone(), h.kind.to_string(), line_hash(&h.line));
        let (verdict, note) = match verdicts.get(&key) {
            Some((v, n)) => (v.as_str(), n.as_str()),
            None => {
                tsv_missing.push_str(&format!("{}\t{}\t{}\t{}\t?\t{}\n", key.0, key.1, key.2, key.3, h.line));
                ("UNREVIEWED", "")
            }
        };
        match verdict {
            "secret" | "credential-shaped" => confirmed += 1,
            "false-positive" => fp += 1,
            _ => unreviewed += 1,
        }
        let at = match &h.literal {
            Ok(w) => w.to_string(),
            Err(_) => "NOT A LITERAL".to_string(),
        };
        let _ = writeln!(
            rows,
            "| `{}` | {} | `{}` | `{}` | {at} | {verdict} | {note} |",
            h.span,
            h.field,
            h.kind,
            h.line.replace('|', "\\|").replace('`', "ˋ")
        );
    }
    let total = hits.len();
    let precision = if total == 0 { 1.0 } else { confirmed as f64 / total as f64 };
    let _ = writeln!(md, "# Real-corpus redactions\n");
    let _ = writeln!(
        md,
        "Written by `cargo test -p enzyme-security --test real_corpus -- --nocapture` from\n`bench/corpus/real/spans.ndjson` ({spans} spans, {fields} strings scanned). Every redaction the\ndefault configuration makes is listed; each secret is cut to its first 4 characters. Verdicts\ncome from `tests/data/real_corpus_verdicts.tsv` (a person read each line in context).\n"
    );
    let _ = writeln!(
        md,
        "**{total} redactions: {confirmed} confirmed (secrets or credential-shaped literals), {fp} false positives, {unreviewed} unreviewed. Precision {precision:.4} (target {PRECISION_TARGET}).**\n"
    );
    let _ = writeln!(
        md,
        "| span | field | kind | line (secret cut) | position | verdict | note |\n|---|---|---|---|---|---|---|"
    );
    md.push_str(&rows);
    std::fs::create_dir_all(review_dir()).unwrap();
    std::fs::write(review_dir().join("real-corpus-redactions.md"), &md).unwrap();
    println!("{md}");
    if !tsv_missing.is_empty() {
        println!(
            "unreviewed (read each, then add it to tests/data/real_corpus_verdicts.tsv with a verdict and without the trailing line):\n{tsv_missing}"
        );
    }
    assert!(
        precision >= PRECISION_TARGET,
        "precision {precision:.4} < {PRECISION_TARGET}: {fp} false positives, {unreviewed} unreviewed"
    );
}

#[test]
fn real_corpus_code_redactions_are_literals() {
    let scanner = common::default_scanner();
    let Some((_, _, hits)) = scan(&scanner) else {
        println!("no real corpus at {}: skipped", corpus_path().display());
        return;
    };
    let bad: Vec<String> = hits
        .iter()
        .filter(|h| h.code)
        .filter_map(|h| h.literal.as_ref().err().map(|e| format!("{} {}: {e}", h.span, h.field)))
        .collect();
    println!("code-span redactions: {}", hits.iter().filter(|h| h.code).count());
    assert!(bad.is_empty(), "redactions on code in real spans:\n{}", bad.join("\n"));
}
