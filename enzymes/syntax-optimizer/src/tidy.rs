//! The whole pass over one response: split it into prose and fenced code,
//! fence what is unfenced, label, tidy whitespace, render.
//!
//! Order matters for idempotence: blank-line runs in prose are settled
//! *before* unfenced code is looked for (so a second run searches exactly
//! the prose the first one did), and trailing whitespace *after* (a hard
//! break before a line that became a fence is no longer one).

use crate::code::{self, CodeEdits, collapse_blank_runs};
use crate::config::Config;
use crate::detect;
use crate::lang;

/// A code fence as written.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// The opening fence line (trailing whitespace trimmed).
    pub open: String,
    /// The fence's indentation.
    pub indent: String,
    pub fence: String,
    /// The info string (trimmed; empty when unlabelled).
    pub info: String,
    pub lines: Vec<String>,
    /// The closing fence line, None when the fence is never closed.
    pub close: Option<String>,
}

#[derive(Debug, Clone)]
enum Block {
    Prose(Vec<String>),
    Code(CodeBlock),
}

/// Everything the pass did, for the change log.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub line_endings: usize,
    pub line_ending_sample: Option<(String, String)>,
    /// Unfenced runs that were fenced: language, text before, text after.
    pub fenced: Vec<(Option<&'static str>, String, String)>,
    pub labelled: Vec<String>,
    pub closed: usize,
    pub closed_sample: Option<(String, String)>,
    pub prose_trailing_lines: usize,
    pub prose_trailing_sample: Option<(String, String)>,
    pub prose_blank_lines_removed: usize,
    pub code: CodeEdits,
}

/// An opening fence: indentation, fence run, info string.
pub fn open_fence(line: &str) -> Option<(&str, &str, &str)> {
    let body = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - body.len()];
    let c = *body.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = body.bytes().take_while(|&b| b == c).count();
    if n < 3 {
        return None;
    }
    let info = body[n..].trim();
    if c == b'`' && info.contains('`') {
        return None; // ```code``` on one line is an inline code span
    }
    Some((indent, &body[..n], info))
}

/// Whether `line` closes a fence opened with `fence`.
pub fn closes(line: &str, fence: &str) -> bool {
    let body = line.trim_start_matches([' ', '\t']);
    let c = fence.as_bytes()[0];
    let n = body.bytes().take_while(|&b| b == c).count();
    n >= fence.len() && body[n..].trim().is_empty()
}

fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut prose: Vec<String> = Vec::new();
    let mut open: Option<CodeBlock> = None;
    for line in text.split('\n') {
        match open.as_mut() {
            Some(block) => {
                if closes(line, &block.fence) {
                    let mut block = open.take().expect("open");
                    block.close = Some(line.trim_end().to_string());
                    blocks.push(Block::Code(block));
                } else {
                    block.lines.push(line.to_string());
                }
            }
            None => match open_fence(line) {
                Some((indent, fence, info)) => {
                    if !prose.is_empty() {
                        blocks.push(Block::Prose(std::mem::take(&mut prose)));
                    }
                    open = Some(CodeBlock {
                        open: line.trim_end().to_string(),
                        indent: indent.to_string(),
                        fence: fence.to_string(),
                        info: info.to_string(),
                        lines: Vec::new(),
                        close: None,
                    });
                }
                None => prose.push(line.to_string()),
            },
        }
    }
    if let Some(block) = open {
        blocks.push(Block::Code(block));
    }
    if !prose.is_empty() {
        blocks.push(Block::Prose(prose));
    }
    blocks
}

fn render(blocks: &[Block]) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for block in blocks {
        match block {
            Block::Prose(p) => lines.extend(p.iter().map(String::as_str)),
            Block::Code(c) => {
                lines.push(&c.open);
                lines.extend(c.lines.iter().map(String::as_str));
                if let Some(close) = &c.close {
                    lines.push(close);
                }
            }
        }
    }
    lines.join("\n")
}

/// Trailing whitespace of prose lines goes, except a Markdown hard break
/// (two or more spaces before a line that continues the paragraph), which
/// is kept as exactly two spaces.
fn trim_prose(lines: &mut [String], report: &mut Report) {
    for i in 0..lines.len() {
        let line = &lines[i];
        let trimmed_len = line.trim_end_matches([' ', '\t']).len();
        if trimmed_len == line.len() {
            continue;
        }
        let tail = &line[trimmed_len..];
        let continues = lines.get(i + 1).is_some_and(|n| !n.trim_ascii().is_empty());
        let hard_break = trimmed_len > 0 && continues && tail.len() >= 2 && !tail.contains('\t');
        let new_len = if hard_break { trimmed_len + 2 } else { trimmed_len };
        if new_len == line.len() {
            continue;
        }
        let before = lines[i].clone();
        lines[i].truncate(new_len);
        report.prose_trailing_lines += 1;
        if report.prose_trailing_sample.is_none() {
            report.prose_trailing_sample = Some((format!("{before:?}"), format!("{:?}", lines[i])));
        }
    }
}

/// Tidy one response. Returns the new text (equal to `text` when nothing
/// applied) and what was done.
pub fn tidy(text: &str, cfg: &Config) -> (String, Report) {
    let mut report = Report::default();
    if text.contains('\r') && !cfg.normalize_line_endings {
        // Every other edit works on LF lines; leave such a text as it is.
        return (text.to_string(), report);
    }
    let normalized;
    let text = if text.contains('\r') {
        let first = text.split_inclusive('\n').find(|l| l.contains('\r')).unwrap_or("");
        report.line_endings = text.matches('\r').count(); // a CRLF holds one CR
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        report.line_ending_sample =
            Some((format!("{first:?}"), format!("{:?}", first.replace("\r\n", "\n").replace('\r', "\n"))));
        normalized.as_str()
    } else {
        text
    };

    let mut blocks = parse(text);
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len() + 2);
    for block in blocks.drain(..) {
        match block {
            Block::Prose(mut lines) => {
                report.prose_blank_lines_removed += collapse_blank_runs(&mut lines, cfg.max_blank_lines, 1);
                let first_new = out.len();
                if cfg.fence_unfenced {
                    fence_runs(lines, cfg, &mut out, &mut report);
                } else {
                    out.push(Block::Prose(lines));
                }
                // Trailing whitespace last: whether a line ends a paragraph
                // (and so loses a hard break) depends on the fences just made.
                if cfg.trim_trailing_whitespace {
                    for block in &mut out[first_new..] {
                        if let Block::Prose(lines) = block {
                            trim_prose(lines, &mut report);
                        }
                    }
                }
            }
            Block::Code(mut c) => {
                tidy_block(&mut c, cfg, &mut report, true);
                out.push(Block::Code(c));
            }
        }
    }
    (render(&out), report)
}

/// Split a prose block around the code runs found in it, fencing each run.
fn fence_runs(mut lines: Vec<String>, cfg: &Config, out: &mut Vec<Block>, report: &mut Report) {
    let runs = detect::find_runs(&lines, cfg.min_code_lines);
    if runs.is_empty() {
        out.push(Block::Prose(lines));
        return;
    }
    // Cut from the back so indices stay valid, then walk forward.
    let mut pieces: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for run in runs.iter().rev() {
        let tail = lines.split_off(run.end);
        let body = lines.split_off(run.start);
        if !tail.is_empty() {
            pieces.push((None, tail));
        }
        pieces.push((Some(run.indent.clone()), body));
    }
    if !lines.is_empty() {
        pieces.push((None, lines));
    }
    for (indent, body) in pieces.into_iter().rev() {
        let Some(indent) = indent else {
            out.push(Block::Prose(body));
            continue;
        };
        let original = body.join("\n");
        let mut block = CodeBlock {
            open: format!("{indent}```"),
            indent: indent.clone(),
            fence: "```".into(),
            info: String::new(),
            lines: body,
            close: Some(format!("{indent}```")),
        };
        let lang = tidy_block(&mut block, cfg, report, false);
        let after = render(&[Block::Code(block.clone())]);
        report.fenced.push((lang, original, after));
        out.push(Block::Code(block));
    }
}

/// Label (when unlabelled), close (when unclosed) and tidy one block.
/// Returns the language detected for an unlabelled block. A new label is
/// reported under `labelled` when `count_label` (fences this pass created
/// report theirs with the fencing).
fn tidy_block(c: &mut CodeBlock, cfg: &Config, report: &mut Report, count_label: bool) -> Option<&'static str> {
    let label = c.info.split_whitespace().next().map(lang::normalize);
    let mut detected = None;
    let lang: String = match label {
        Some(l) => l,
        None => {
            detected = lang::detect(&c.lines);
            if let (Some(l), true) = (detected, cfg.label_fences) {
                c.open.push_str(l);
                c.info = l.to_string();
                if count_label {
                    report.labelled.push(l.to_string());
                }
            }
            detected.unwrap_or("").to_string()
        }
    };
    if c.close.is_none() && cfg.close_fences {
        let close = format!("{}{}", c.indent, c.fence);
        report.closed += 1;
        if report.closed_sample.is_none() {
            report.closed_sample = Some((c.open.clone(), format!("{}\n…\n{close}", c.open)));
        }
        c.close = Some(close);
    }
    code::tidy(&mut c.lines, &c.indent, &lang, cfg, &mut report.code);
    detected
}
