//! The enzyme over a corpus of real answers built from public commit
//! histories (`bench/corpus/real/spans.ndjson`, built by another part of
//! the project): raw and fenced diffs exactly as git prints them, whole
//! files, Markdown/reST sections, config files. Every answer must keep every
//! invariant of [`crate::corpus::check_invariants`], and:
//!
//! - a diff answer comes out with the same lines (fence lines aside);
//! - a whole file or config in a language whose whitespace the enzyme may
//!   not edit comes out with the same lines (fence lines aside);
//! - outside re-indented JSON, the whitespace-separated tokens are the same
//!   (fence lines aside).
//!
//! The answers are also run in new company (after a lead-in, glued to
//! another answer, cut in half), with the invariants checked again.
//!
//! The test prints a summary (spans, changed, by shape). `SO_DUMP=path`
//! writes every changed answer before and after, for reading. When the file
//! is missing the test says so and passes.

use crate::config::Config;
use crate::corpus::check_invariants;
use crate::detect::fence_like;
use crate::tidy::{code_blocks, tidy};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/corpus/real/spans.ndjson");

fn without_fences(text: &str) -> Vec<&str> {
    text.split('\n').filter(|l| !fence_like(l)).collect()
}

fn tokens(text: &str) -> Vec<&str> {
    without_fences(text).into_iter().flat_map(str::split_whitespace).collect()
}

/// The checks beyond `check_invariants` for one real answer.
fn check_real(shape: &str, language: &str, input: &str, output: &str) -> Result<(), String> {
    if output == input {
        return Ok(());
    }
    let input_lf = input.replace("\r\n", "\n");
    let same_lines = without_fences(output) == without_fences(&input_lf);
    match shape {
        "raw_diff" | "fenced_diff" if !same_lines => return Err("a diff answer changed beyond its fence lines".into()),
        "whole_file" | "config" if !crate::lex::supported(&crate::lang::normalize(language)) && !same_lines => {
            return Err(format!("a {language} file changed beyond its fence lines"));
        }
        _ => {}
    }
    // Token sequence, unless a JSON block was re-laid out.
    let json_reflowed = code_blocks(output).iter().any(|(l, _, _)| l == "json");
    if !json_reflowed && tokens(output) != tokens(&input_lf) {
        return Err("the token sequence changed".into());
    }
    Ok(())
}

#[test]
fn real_corpus_keeps_every_invariant() {
    let Ok(text) = std::fs::read_to_string(PATH) else {
        eprintln!("real corpus not found at {PATH}: skipped");
        return;
    };
    let cfgs = [Config::default(), Config { min_code_lines: 1, max_blank_lines: 1, tab_width: 2, ..Config::default() }];
    // shape → (spans, changed)
    let mut by_shape: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut dump = String::new();
    let mut spans = 0;
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", n + 1));
        let Some(answer) = v["if_ok"].as_str() else {
            continue;
        };
        let id = v["id"].as_str().unwrap_or("?");
        let shape = v["metadata"]["shape"].as_str().unwrap_or("?");
        let language = v["metadata"]["language"].as_str().unwrap_or("");
        spans += 1;
        for (k, cfg) in cfgs.iter().enumerate() {
            let (out, report) = tidy(answer, cfg);
            let result = check_invariants(answer, &out, cfg).and_then(|_| check_real(shape, language, answer, &out));
            if let Err(e) = result {
                failures.push(format!("{id} (config {k}): {e}"));
            }
            if k > 0 {
                continue;
            }
            let entry = by_shape.entry(shape.to_string()).or_default();
            entry.0 += 1;
            if out != answer {
                entry.1 += 1;
                let _ = write!(
                    dump,
                    "=== {id} ({shape}, {language}) fenced {:?} labelled {:?} closed {} trailing {} tabs {} dedent {} json {} blank {}\n--- before ---\n{answer}\n--- after ---\n{out}\n\n",
                    report.fenced.iter().map(|f| f.0).collect::<Vec<_>>(),
                    report.labelled,
                    report.closed,
                    report.code.trailing_lines,
                    report.code.tab_lines,
                    report.code.dedented_blocks,
                    report.code.json_blocks,
                    report.code.blank_lines_removed,
                );
            }
        }
    }
    // Real answers in new company: after a lead-in, glued to another
    // answer, cut in the middle (a diff or a fence left open).
    let answers: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["if_ok"].as_str().map(str::to_string))
        .collect();
    for (i, a) in answers.iter().enumerate() {
        let b = &answers[(i * 7 + 3) % answers.len()];
        let cut = a.char_indices().nth(a.chars().count() / 2).map_or(0, |(k, _)| k);
        for mixed in
            [format!("Here is the change:\n\n{a}"), format!("{a}\n\n{b}"), format!("{a}{b}"), a[..cut].to_string()]
        {
            let (out, _) = tidy(&mixed, &cfgs[0]);
            if let Err(e) = check_invariants(&mixed, &out, &cfgs[0]) {
                failures.push(format!("mix of answer {i}: {e}"));
            }
        }
    }
    let changed: usize = by_shape.values().map(|v| v.1).sum();
    println!("real corpus: {spans} spans with an answer, {changed} changed");
    for (shape, (n, c)) in &by_shape {
        println!("  {shape:<12} {n:>4} spans, {c:>4} changed");
    }
    if let Ok(path) = std::env::var("SO_DUMP") {
        std::fs::write(&path, &dump).expect("write SO_DUMP");
        println!("changed answers written to {path}");
    }
    assert!(failures.is_empty(), "{} violations:\n{}", failures.len(), failures.join("\n\n"));
}
