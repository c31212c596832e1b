//! The whole pass over one response.
//!
//! 1. **Parse.** Lines are split into prose, fenced code blocks and
//!    unfenced diffs. Diffs are recognised *first* ([`crate::diff`]): a line
//!    inside a diff is never taken for a fence, whatever it holds
//!    (`+/// ```rust`, a context line ` ``` `). A fenced block that holds a
//!    diff (or is labelled `diff`/`patch`) only closes at a fence no deeper
//!    than its opening one, so a ` ``` ` context line never ends it. A
//!    fence opens at most 3 columns deep (deeper only right under a list
//!    item), and closes at most 3 columns deeper than it opened.
//! 2. **Choose a mode.** A text with anything diff-like in it is *guarded*:
//!    the only edits left are fencing a lone, complete, unfenced diff as one
//!    block and labelling an unlabelled fence that holds exactly one
//!    complete diff. So is a text whose prose shows signs of being code
//!    around fence-like lines (triple quotes, block comments, heredocs,
//!    `<pre>`). Anything else gets the full pass.
//! 3. **Full pass.** Prose is never edited; runs of unfenced code get a
//!    fence only where their extent is clear ([`detect::fenceable_runs`]),
//!    or the whole text when it is one piece of code
//!    ([`detect::whole_file`]); unlabelled fences get the detected
//!    language; a fence left open at the end is closed; each block gets the
//!    whitespace edits of [`crate::code`], which leave every
//!    whitespace-sensitive or unknown language byte for byte as it is.
//!
//! A text with CR in it is tidied only when every line ends CRLF and the
//! full pass finds nothing it must leave alone (no diff, no block whose
//! whitespace it cannot edit); it then comes out with LF endings.
//! Otherwise it is returned as it is.

use crate::code::{self, CodeEdits};
use crate::config::Config;
use crate::detect::{self, fence_like, indent_cols, list_content_col};
use crate::diff;
use crate::lang;

/// A code fence as written.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// The opening fence line, as written.
    pub open: String,
    /// The fence's indentation.
    pub indent: String,
    pub fence: String,
    /// The info string (trimmed; empty when unlabelled).
    pub info: String,
    pub lines: Vec<String>,
    /// The closing fence line, None when the fence is never closed.
    pub close: Option<String>,
    /// The block holds a diff (or is labelled one): it is never edited.
    pub diff: bool,
    /// The opening "fence" underlines the line above it like a reST
    /// heading: the text is not Markdown.
    pub underline: bool,
}

#[derive(Debug, Clone)]
enum Block {
    Prose(Vec<String>),
    Code(CodeBlock),
    /// An unfenced diff: `lines[start..start + lines.len()]` of the text.
    Diff {
        start: usize,
        lines: Vec<String>,
        complete: bool,
    },
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
    let info = body[n..].trim_ascii();
    if c == b'`' && info.contains('`') {
        return None; // ```code``` on one line is an inline code span
    }
    Some((indent, &body[..n], info))
}

/// Whether `line` closes a fence opened with `fence` (any indentation; the
/// caller checks how deep).
pub fn closes(line: &str, fence: &str) -> bool {
    let body = line.trim_start_matches([' ', '\t']);
    let c = fence.as_bytes()[0];
    let n = body.bytes().take_while(|&b| b == c).count();
    n >= fence.len() && body[n..].trim_ascii().is_empty()
}

/// Whether a fence-looking line at `cols` columns opens a fence: at most 3
/// columns deep, or deeper right under a list item whose content it is
/// indented into (or under a closing fence as deep as itself).
fn opens_here(lines: &[&str], i: usize, cols: usize) -> bool {
    if cols <= 3 {
        return true;
    }
    let Some(above) = lines[..i].iter().rev().find(|l| !l.trim_ascii().is_empty()) else {
        return false;
    };
    if let Some(c) = list_content_col(above) {
        return cols >= c && cols <= c + 3;
    }
    fence_like(above) && indent_cols(above) == cols && open_fence(above).is_some_and(|(_, _, info)| info.is_empty())
}

/// The line that closes the fence opened at `lines[open]`, if any. In a
/// diff, only a fence no deeper than the opening one closes it (a context
/// line ` ``` ` is one space deep).
fn find_close(lines: &[&str], open: usize, fence: &str, cols: usize, strict: bool) -> Option<usize> {
    let deepest = if strict { cols } else { cols + 3 };
    (open + 1..lines.len()).find(|&j| closes(lines[j], fence) && indent_cols(lines[j]) <= deepest)
}

/// Whether a block's content holds a diff header or hunk header.
fn holds_diff(content: &[&str]) -> bool {
    content.iter().enumerate().any(|(k, l)| {
        l.starts_with("diff --git ")
            || diff::hunk_header(l).is_some()
            || l.starts_with("--- ") && content.get(k + 1).is_some_and(|n| n.starts_with("+++ "))
    })
}

/// The language a fence's info string names; `None` when it is empty. An
/// info string that names nothing we know is kept as it is (and the block
/// is left alone).
fn first_label(info: &str) -> Option<String> {
    let word = info.split_ascii_whitespace().next()?;
    let l = lang::normalize(word);
    Some(if l.is_empty() { word.to_string() } else { l })
}

fn parse(lines: &[&str]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut prose: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(r) = diff::scan(lines, i) {
            if !prose.is_empty() {
                blocks.push(Block::Prose(std::mem::take(&mut prose)));
            }
            let body = lines[r.start..r.end].iter().map(|l| l.to_string()).collect();
            blocks.push(Block::Diff { start: r.start, lines: body, complete: r.complete });
            i = r.end;
            continue;
        }
        let line = lines[i];
        if let Some((indent, fence, info)) = open_fence(line) {
            let cols = indent_cols(indent);
            if opens_here(lines, i, cols) {
                let mut strict = first_label(info).as_deref() == Some("diff");
                let mut close = find_close(lines, i, fence, cols, strict);
                if !strict && holds_diff(&lines[i + 1..close.unwrap_or(lines.len())]) {
                    strict = true;
                    close = find_close(lines, i, fence, cols, true);
                }
                let end = close.unwrap_or(lines.len());
                if !prose.is_empty() {
                    blocks.push(Block::Prose(std::mem::take(&mut prose)));
                }
                blocks.push(Block::Code(CodeBlock {
                    open: line.to_string(),
                    indent: indent.to_string(),
                    fence: fence.to_string(),
                    info: info.to_string(),
                    lines: lines[i + 1..end].iter().map(|l| l.to_string()).collect(),
                    close: close.map(|c| lines[c].to_string()),
                    diff: strict,
                    underline: info.is_empty() && i > 0 && heading_underline(lines[i - 1], line),
                }));
                i = end + 1;
                continue;
            }
        }
        prose.push(line.to_string());
        i += 1;
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
            Block::Prose(p) | Block::Diff { lines: p, .. } => lines.extend(p.iter().map(String::as_str)),
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

/// Tidy one response. Returns the new text (equal to `text` when nothing
/// applied) and what was done.
pub fn tidy(text: &str, cfg: &Config) -> (String, Report) {
    if !text.contains('\r') {
        let (out, report, _) = tidy_lf(text, cfg);
        return (out, report);
    }
    // Only a text whose every line ends CRLF, and only when nothing in it
    // must keep its bytes: line endings are bytes too.
    let crlf = text.matches("\r\n").count();
    let consistent = crlf == text.matches('\r').count() && crlf == text.matches('\n').count();
    if !cfg.normalize_line_endings || !consistent {
        return (text.to_string(), Report::default());
    }
    let lf = text.replace("\r\n", "\n");
    let (out, mut report, all_editable) = tidy_lf(&lf, cfg);
    if !all_editable {
        return (text.to_string(), Report::default());
    }
    let first = text.split_inclusive('\n').next().unwrap_or("");
    report.line_endings = crlf;
    report.line_ending_sample = Some((format!("{first:?}"), format!("{:?}", first.replace("\r\n", "\n"))));
    (out, report)
}

/// A run of backticks or tildes alone on the line under a title at most
/// as long (an opening fence with no info string right under a line of
/// text): a reStructuredText heading, not a fence.
fn heading_underline(title: &str, line: &str) -> bool {
    let t = title.trim();
    let u = line.trim_end();
    let Some(c) = u.chars().next() else {
        return false;
    };
    (c == '`' || c == '~')
        && u.len() >= 3
        && u.chars().all(|x| x == c)
        && !t.is_empty()
        && !fence_like(title)
        && !title.starts_with([' ', '\t'])
        && u.len() >= t.chars().count()
}

/// The pass over an LF text. The flag says whether every code block was
/// one whose whitespace the pass may edit (and no diff was seen).
fn tidy_lf(text: &str, cfg: &Config) -> (String, Report, bool) {
    let mut report = Report::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let blocks = parse(&lines);
    let underlined = blocks.iter().any(|b| matches!(b, Block::Code(c) if c.underline));
    if underlined {
        // reST underlines headings with ``` or ~~~: this is not Markdown.
        return (text.to_string(), report, false);
    }
    let has_fences = blocks.iter().any(|b| matches!(b, Block::Code(_)));
    let diffy = diff::signals(&lines)
        || blocks.iter().any(|b| matches!(b, Block::Diff { .. } | Block::Code(CodeBlock { diff: true, .. })));
    let code_signals = blocks.iter().any(|b| match b {
        Block::Prose(p) => p.iter().any(|l| detect::code_signals(l)),
        _ => false,
    });
    if diffy || code_signals && has_fences {
        let out = guarded(blocks, &lines, code_signals, cfg, &mut report);
        return (out, report, false);
    }
    let (out, all_editable) = full(blocks, cfg, &mut report, code_signals);
    (out, report, all_editable)
}

/// The guarded pass: fence a lone complete unfenced diff, label fences that
/// hold exactly one complete diff. Nothing else.
fn guarded(mut blocks: Vec<Block>, lines: &[&str], code_signals: bool, cfg: &Config, report: &mut Report) -> String {
    if code_signals {
        return render(&blocks);
    }
    if cfg.label_fences {
        for block in &mut blocks {
            if let Block::Code(c) = block
                && c.info.is_empty()
                && c.close.is_some()
                && diff::is_complete_diff(&c.lines)
            {
                c.open = format!("{}{}diff", c.indent, c.fence);
                c.info = "diff".into();
                report.labelled.push("diff".into());
            }
        }
    }
    if cfg.fence_unfenced
        && let Some(k) = lone_fenceable_diff(&blocks, lines)
    {
        let Block::Diff { lines: body, .. } = blocks[k].clone() else { unreachable!("checked") };
        // Longer than any backtick run that could close it.
        let longest = body
            .iter()
            .map(|l| l.trim_start_matches([' ', '\t']))
            .map(|l| l.bytes().take_while(|&b| b == b'`').count())
            .max()
            .unwrap_or(0);
        let fence = "`".repeat((longest + 1).max(3));
        let label = if cfg.label_fences { "diff" } else { "" };
        let block = CodeBlock {
            open: format!("{fence}{label}"),
            indent: String::new(),
            fence: fence.clone(),
            info: label.into(),
            lines: body.clone(),
            close: Some(fence),
            diff: true,
            underline: false,
        };
        let before = body.join("\n");
        let after = render(&[Block::Code(block.clone())]);
        report.fenced.push((Some("diff"), before, after));
        blocks[k] = Block::Code(block);
    }
    render(&blocks)
}

/// The index of the one unfenced diff that may be fenced whole: it is
/// complete, it is the only diff-like thing in the text (every line that
/// reads like a diff is inside it; no fenced diff), and blank lines (or the
/// ends of the text) part it from anything that could continue it.
fn lone_fenceable_diff(blocks: &[Block], lines: &[&str]) -> Option<usize> {
    let mut found = None;
    for (k, b) in blocks.iter().enumerate() {
        match b {
            Block::Diff { .. } if found.is_some() => return None,
            Block::Diff { .. } => found = Some(k),
            Block::Code(c) if c.diff => return None,
            _ => {}
        }
    }
    let k = found?;
    let Block::Diff { start, lines: body, complete } = &blocks[k] else { return None };
    let (start, end) = (*start, *start + body.len());
    if !complete || (0..lines.len()).any(|j| !(start..end).contains(&j) && diff::signal_line(lines, j)) {
        return None;
    }
    // Parted by empty lines (a line of spaces could be an empty context
    // line), and nothing that could be more of it beyond them.
    let empty = |j: usize| lines[j].is_empty();
    let above_ok = start == 0
        || empty(start - 1) && (0..start).rev().find(|&j| !empty(j)).is_none_or(|j| !diff::hunk_shaped(lines[j]));
    let below_ok = end == lines.len()
        || empty(end) && (end..lines.len()).find(|&j| !empty(j)).is_none_or(|j| !diff::hunk_shaped(lines[j]));
    (above_ok && below_ok).then_some(k)
}

/// The full pass. Returns the text and whether every code block was one
/// whose whitespace may be edited.
fn full(blocks: Vec<Block>, cfg: &Config, report: &mut Report, code_signals: bool) -> (String, bool) {
    let prose_lines = || {
        blocks.iter().flat_map(|b| match b {
            Block::Prose(p) => p.as_slice(),
            _ => &[],
        })
    };
    let genuine = prose_lines().any(|l| detect::genuine_prose(l));
    let has_fences = blocks.iter().any(|b| matches!(b, Block::Code(_)));
    let mut all_editable = true;
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len() + 2);
    for block in blocks {
        match block {
            Block::Prose(lines) => {
                if !cfg.fence_unfenced {
                    out.push(Block::Prose(lines));
                } else if !has_fences && let Some((first, last, lang)) = detect::whole_file(&lines, cfg.min_code_lines)
                {
                    let run = detect::Run { start: first, end: last + 1, indent: String::new() };
                    all_editable &= fence_runs(lines, &[run], Some(lang), cfg, &mut out, report);
                } else if genuine && !code_signals {
                    let runs = detect::fenceable_runs(&lines, cfg.min_code_lines);
                    all_editable &= fence_runs(lines, &runs, None, cfg, &mut out, report);
                } else {
                    out.push(Block::Prose(lines));
                }
            }
            Block::Code(mut c) => {
                all_editable &= tidy_block(&mut c, cfg, report, true).1;
                out.push(Block::Code(c));
            }
            Block::Diff { .. } => unreachable!("a text with a diff takes the guarded pass"),
        }
    }
    (render(&out), all_editable)
}

/// Split a prose block around `runs`, fencing each. Returns whether every
/// new block's whitespace may be edited.
fn fence_runs(
    mut lines: Vec<String>,
    runs: &[detect::Run],
    lang: Option<&'static str>,
    cfg: &Config,
    out: &mut Vec<Block>,
    report: &mut Report,
) -> bool {
    if runs.is_empty() {
        out.push(Block::Prose(lines));
        return true;
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
    let mut all_editable = true;
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
            diff: false,
            underline: false,
        };
        let (detected, editable) = tidy_block_as(&mut block, lang, cfg, report, false);
        all_editable &= editable;
        let after = render(&[Block::Code(block.clone())]);
        report.fenced.push((detected, original, after));
        out.push(Block::Code(block));
    }
    all_editable
}

fn tidy_block(c: &mut CodeBlock, cfg: &Config, report: &mut Report, count_label: bool) -> (Option<&'static str>, bool) {
    tidy_block_as(c, None, cfg, report, count_label)
}

/// Label (when unlabelled), close (when unclosed) and tidy one block, as
/// `known` when given (else its label, else what it is detected as).
/// Returns the language found for an unlabelled block and whether the
/// block's whitespace may be edited. A new label is reported under
/// `labelled` when `count_label` (fences this pass created report theirs
/// with the fencing).
fn tidy_block_as(
    c: &mut CodeBlock,
    known: Option<&'static str>,
    cfg: &Config,
    report: &mut Report,
    count_label: bool,
) -> (Option<&'static str>, bool) {
    let mut detected = None;
    let lang: String = match first_label(&c.info) {
        Some(l) => l,
        None => {
            // `diff` is never a guess: a block labelled so would be parsed
            // differently (see `find_close`); a real diff took the guarded pass.
            detected = known.or_else(|| lang::detect(&c.lines)).filter(|l| *l != "diff");
            if let (Some(l), true) = (detected, cfg.label_fences) {
                c.open = format!("{}{}{l}", c.indent, c.fence);
                c.info = l.to_string();
                if count_label {
                    report.labelled.push(l.to_string());
                }
            }
            detected.unwrap_or("").to_string()
        }
    };
    if c.close.is_none() {
        if !cfg.close_fences {
            return (detected, false);
        }
        // The close goes before the blank lines at the end, which stay
        // after it as they were.
        let keep = c.lines.iter().rposition(|l| !l.trim_ascii().is_empty()).map_or(0, |p| p + 1);
        let trailing = c.lines.split_off(keep);
        let close = format!("{}{}", c.indent, c.fence);
        report.closed += 1;
        if report.closed_sample.is_none() {
            report.closed_sample = Some((c.open.clone(), format!("{}\n…\n{close}", c.open)));
        }
        c.close = Some(close);
        if !trailing.is_empty() {
            // Rendered after the block: carried on the close line.
            let close = c.close.take().unwrap_or_default();
            c.close = Some(std::iter::once(close).chain(trailing).collect::<Vec<_>>().join("\n"));
        }
    }
    let editable = code::tidy(&mut c.lines, &c.indent, &lang, cfg, &mut report.code);
    (detected, editable)
}

/// A code block of a text as the pass parses it, for tests: its label
/// (normalised; detected when unlabelled), the index of its first content
/// line and its content lines. Unfenced diffs come out labelled `diff`.
#[cfg(test)]
pub fn code_blocks(text: &str) -> Vec<(String, usize, Vec<String>)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut at = 0;
    let mut out = Vec::new();
    for b in parse(&lines) {
        match b {
            Block::Prose(p) => at += p.len(),
            Block::Diff { lines, .. } => {
                out.push(("diff".to_string(), at, lines.clone()));
                at += lines.len();
            }
            Block::Code(mut c) => {
                let len = c.lines.len();
                if c.close.is_none() {
                    // Blank lines after an unclosed block's code are not its code.
                    let keep = c.lines.iter().rposition(|l| !l.trim_ascii().is_empty()).map_or(0, |p| p + 1);
                    c.lines.truncate(keep);
                }
                let lang = first_label(&c.info)
                    .or_else(|| if c.diff { Some("diff".into()) } else { None })
                    .or_else(|| lang::detect(&c.lines).map(str::to_string))
                    .unwrap_or_default();
                out.push((lang, at + 1, c.lines.clone()));
                at += 1 + len + usize::from(c.close.is_some());
            }
        }
    }
    out
}
