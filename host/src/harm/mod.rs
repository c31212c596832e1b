//! Do no harm: invariants every change an enzyme makes must keep, checked
//! with a line diff, real parsers and a tokenizer — never by example.
//!
//! | rule | applies to | what it forbids |
//! |---|---|---|
//! | `annotator_changed_text` | annotators | any change to `this`, `if_ok` or `if_not` |
//! | `diff_edited` | every enzyme | a changed, removed or inserted line inside a unified diff (fencing a whole diff is fine) |
//! | `mislabelled` | every enzyme | a code fence newly labelled with a language we can parse (Rust, Python, JavaScript, Go, JSON, TOML, YAML) whose code does not parse as it |
//! | `whitespace_changed` | every enzyme | changed bytes in whitespace-significant text: Python, YAML, Makefile and other layout-sensitive blocks; the indentation of unfenced lines; Markdown hard line breaks |
//! | `no_longer_parses` | every enzyme | a code block that parsed before the change (Rust, Python, JavaScript, Go, JSON, TOML, YAML) and does not after |
//! | `redacted_non_literal` | every enzyme | a `[REDACTED…]` placeholder over anything but a literal value: a quoted string, a config or env value, a URL password, a key block or a credential-shaped token |
//! | `tokens_changed` | tidy enzymes | code or prose whose token sequence changed (only layout may change; fences may be added or labelled) |
//! | `not_idempotent` | tidy enzymes | a second run that changes the output again (checked by [`runner`]) |
//!
//! An enzyme's role comes from the manifest (`role = "…"`); built-ins have
//! theirs ([`Role::of_builtin`]).

pub mod parse;
pub mod runner;

use crate::score::text::{closes_fence, continues_diff, fence_info, fence_run, is_diff_header};
use crate::span::Span;
use parse::Lang;
use serde::Serialize;

pub use crate::manifest::Role;

/// Which invariant a change broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    AnnotatorChangedText,
    DiffEdited,
    WhitespaceChanged,
    NoLongerParses,
    RedactedNonLiteral,
    TokensChanged,
    NotIdempotent,
    Mislabelled,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::AnnotatorChangedText => "annotator_changed_text",
            Rule::DiffEdited => "diff_edited",
            Rule::WhitespaceChanged => "whitespace_changed",
            Rule::NoLongerParses => "no_longer_parses",
            Rule::RedactedNonLiteral => "redacted_non_literal",
            Rule::TokensChanged => "tokens_changed",
            Rule::NotIdempotent => "not_idempotent",
            Rule::Mislabelled => "mislabelled",
        }
    }
}

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub field: &'static str,
    pub rule: Rule,
    pub detail: String,
}

/// The text fields an enzyme may change.
pub fn text_fields(span: &Span) -> [(&'static str, &str); 3] {
    [
        ("this", span.this.as_str()),
        ("if_ok", span.if_ok.as_deref().unwrap_or("")),
        ("if_not", span.if_not.as_deref().unwrap_or("")),
    ]
}

/// Whether `this`, `if_ok` or `if_not` differ (annotations do not count).
pub fn text_changed(a: &Span, b: &Span) -> bool {
    a.this != b.this || a.if_ok != b.if_ok || a.if_not != b.if_not
}

/// Every invariant `after` breaks against `before` for an enzyme of `role`.
pub fn check(before: &Span, after: &Span, role: Role) -> Vec<Violation> {
    let mut out = Vec::new();
    for ((field, b), (_, a)) in text_fields(before).into_iter().zip(text_fields(after)) {
        out.extend(check_text(field, b, a, role));
    }
    out
}

/// The invariants on one text field.
pub fn check_text(field: &'static str, before: &str, after: &str, role: Role) -> Vec<Violation> {
    let mut out = Vec::new();
    if before == after {
        return out;
    }
    let mut v = |rule: Rule, detail: String| {
        if !out.iter().any(|x: &Violation| x.rule == rule) {
            out.push(Violation { field, rule, detail });
        }
    };
    if role == Role::Annotator {
        v(Rule::AnnotatorChangedText, "an annotator changed the text".into());
        return out;
    }
    // Redactions first: check each covers a literal, then compare the rest.
    let undone = undo_redactions(before, after);
    let before_r = match &undone {
        Some((text, redactions)) => {
            for r in redactions {
                if let Err(why) = literal(before, r.start, r.end) {
                    v(Rule::RedactedNonLiteral, format!("{why}: {:?}", snippet(&before[r.start..r.end])));
                }
            }
            text.clone()
        }
        None => before.to_string(),
    };
    for (rule, detail) in layout(&before_r, after, role) {
        v(rule, detail);
    }
    for (lang, i) in broken_blocks(&before_r, after) {
        v(Rule::NoLongerParses, format!("the {lang:?} block #{} no longer parses", i + 1));
    }
    for (lang, i) in mislabelled(&before_r, after) {
        v(Rule::Mislabelled, format!("block #{} was labelled {lang:?} but does not parse as {lang:?}", i + 1));
    }
    out
}

/// Every fenced block as (info string, body), in order.
fn fences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur: Option<((char, usize), String, String)> = None;
    for l in text.lines() {
        let l = l.trim_end_matches('\r');
        match &mut cur {
            Some(((m, run), info, body)) => {
                if closes_fence(l, *m, *run) {
                    out.push((std::mem::take(info), std::mem::take(body)));
                    cur = None;
                } else {
                    body.push_str(l);
                    body.push('\n');
                }
            }
            None => {
                if let (Some(info), Some(run)) = (fence_info(l), fence_run(l)) {
                    cur = Some((run, info.trim().to_string(), String::new()));
                }
            }
        }
    }
    out
}

/// Blocks whose language label the change added or replaced with one we
/// can parse, and which do not parse as that language (index in order).
/// A label is a claim about the code: a wrong one misleads every reader
/// and every tool that trusts it.
fn mislabelled(before: &str, after: &str) -> Vec<(Lang, usize)> {
    let (b, a) = (fences(before), fences(after));
    // A block is known by its text without whitespace: a tidy that only
    // re-indented a block its author labelled made no claim about it.
    let squeeze = |body: &str| body.split_whitespace().collect::<String>();
    let old_labels: std::collections::HashSet<(String, Option<Lang>)> =
        b.iter().map(|(info, body)| (squeeze(body), Lang::from_info(info))).collect();
    a.iter()
        .enumerate()
        .filter_map(|(i, (info, body))| {
            let lang = Lang::from_info(info)?;
            // The same code before under this label is the author's claim;
            // under another label, or not fenced before at all, it is ours.
            let relabelled = !old_labels.contains(&(squeeze(body), Some(lang)));
            (relabelled && !parse::parses(lang, body)).then_some((lang, i))
        })
        .collect()
}

fn snippet(s: &str) -> String {
    let t: String = s.chars().take(40).collect();
    if t.len() < s.len() { format!("{t}…") } else { t }
}

/// A redaction found in `before`: the bytes a placeholder replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    pub start: usize,
    pub end: usize,
    pub placeholder: String,
}

fn placeholders(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("[REDACTED") {
        let s = from + i;
        match text[s..].find(']') {
            Some(j) if !text[s..s + j].contains(['\n', ' ']) => {
                out.push((s, s + j + 1));
                from = s + j + 1;
            }
            _ => from = s + 9,
        }
    }
    out
}

/// Where `after` is `before` with some substrings replaced by
/// `[REDACTED…]` placeholders: `before` with those replacements, and each
/// replaced range. None when `after` adds no placeholder or is not such a
/// replacement.
pub fn undo_redactions(before: &str, after: &str) -> Option<(String, Vec<Redaction>)> {
    let ph = placeholders(after);
    if ph.len() <= placeholders(before).len() {
        return None;
    }
    // The literal pieces of `after` between placeholders must appear in
    // `before` in order; what lies between them there was redacted.
    let mut pieces = Vec::new();
    let mut at = 0;
    for &(s, e) in &ph {
        pieces.push(&after[at..s]);
        at = e;
    }
    pieces.push(&after[at..]);
    if !before.starts_with(pieces[0]) || !before.ends_with(pieces[pieces.len() - 1]) {
        return None;
    }
    let mut redactions = Vec::new();
    let mut pos = pieces[0].len();
    for (k, &(s, e)) in ph.iter().enumerate() {
        let next = pieces[k + 1];
        let limit = if k + 1 == ph.len() { before.len() - next.len() } else { before.len() };
        let found = if k + 1 == ph.len() {
            (limit >= pos).then_some(limit)
        } else {
            // The next piece, at least one byte on.
            let from = (pos + 1..=before.len()).find(|&i| before.is_char_boundary(i))?;
            before[from..].find(next).map(|i| from + i)
        }?;
        if found < pos {
            return None;
        }
        let original = &before[pos..found];
        if original != &after[s..e] {
            redactions.push(Redaction { start: pos, end: found, placeholder: after[s..e].to_string() });
        }
        pos = found + next.len();
    }
    let mut text = String::with_capacity(after.len());
    let mut last = 0;
    for r in &redactions {
        text.push_str(&before[last..r.start]);
        text.push_str(&r.placeholder);
        last = r.end;
    }
    text.push_str(&before[last..]);
    Some((text, redactions))
}

const TOKEN_PREFIXES: &[&str] = &[
    "AKIA",
    "ASIA",
    "AGPA",
    "AIDA",
    "AROA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glrt-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxr-",
    "xoxe",
    "xapp-",
    "sk-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "whsec_",
    "SG.",
    "AIza",
    "eyJ",
    "npm_",
    "pypi-",
    "hf_",
    "shpat_",
    "shpss_",
    "dop_v1_",
    "doo_v1_",
    "glc_",
    "lin_api_",
    "ntn_",
    "secret_",
    "pat",
    "AC",
    "SK",
    "key-",
    "dapi",
    "EAAC",
    "ya29.",
    "1//",
    "ATATT",
    "xai-",
    "gsk_",
    "pplx-",
    "r8_",
    "sq0",
    "EAA",
    "AccountKey=",
    "SharedAccessKey=",
    "-----BEGIN",
    "PuTTY-User-Key-File",
];

/// Whether `s` looks like a credential: a known token prefix, or long and
/// random (several character classes, no spaces).
fn credential_shaped(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c == '"' || c == '\'' || c == '`');
    if t.is_empty() {
        return false;
    }
    if TOKEN_PREFIXES.iter().any(|p| t.starts_with(p)) && t.len() >= 8 {
        return true;
    }
    if t.contains(char::is_whitespace) {
        return false;
    }
    let classes = [
        t.chars().any(|c| c.is_ascii_lowercase()),
        t.chars().any(|c| c.is_ascii_uppercase()),
        t.chars().any(|c| c.is_ascii_digit()),
        t.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    t.len() >= 16 && classes >= 2 && !t.contains(['(', ')', '{', '}', ';'])
}

fn is_identifier_path(s: &str) -> bool {
    !s.is_empty()
        && s.split(['.', ':']).filter(|p| !p.is_empty()).all(|p| {
            p.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
        && !s.chars().any(|c| c.is_ascii_digit())
}

/// Whether `before[start..end]` is a literal value; the reason when not.
pub fn literal(before: &str, start: usize, end: usize) -> Result<(), &'static str> {
    let r = &before[start..end];
    if r.is_empty() {
        return Err("an empty redaction");
    }
    if r.contains("-----BEGIN")
        || r.contains("PRIVATE KEY")
        || r.starts_with("PuTTY-User-Key-File")
        || r.contains("Private-Lines:")
    {
        return Ok(()); // a key block
    }
    if r.contains('\n') {
        return Err("a multi-line redaction that is not a key block");
    }
    let prev = before[..start].chars().next_back();
    let next = before[end..].chars().next();
    let quoted = |q: char| prev == Some(q) && next == Some(q);
    let self_quoted = r.len() >= 2 && r.starts_with(['"', '\'', '`']) && r.ends_with(r.chars().next().unwrap_or('"'));
    if quoted('"') || quoted('\'') || quoted('`') || self_quoted {
        return Ok(());
    }
    // A URL password: scheme://user:SECRET@host
    let line_start = before[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = before[end..].find('\n').map_or(before.len(), |i| end + i);
    let left = &before[line_start..start];
    let right = &before[end..line_end];
    if left.contains("://") && left.ends_with(':') && right.starts_with('@') {
        return Ok(());
    }
    if credential_shaped(r) {
        return Ok(());
    }
    let code_chars = ['(', ')', '{', '}', ';', '[', ']', ','];
    if r.contains(code_chars) || r.contains(char::is_whitespace) && !left.trim_end().ends_with(['=', ':']) {
        return Err("an expression, not a literal");
    }
    // A value after `=` or `:` on a key line (env, INI, YAML, properties).
    let key_line = left.trim_end().ends_with(['=', ':']) || left.trim_end().ends_with("Bearer");
    if key_line && right.trim().trim_end_matches(['"', '\'', ',']).is_empty() {
        if is_identifier_path(r) && !left.trim_start().starts_with(|c: char| c.is_ascii_uppercase()) {
            return Err("an identifier, not a literal");
        }
        return Ok(());
    }
    Err("neither quoted, nor a config value, nor credential-shaped")
}

/// How a line of the text before the change is read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Prose,
    Fence,
    /// Inside a fenced block: (block number, whitespace-significant).
    Code(usize, bool),
    /// Inside a unified diff (block number).
    Diff(usize),
    /// Inside a fenced block whose layout carries meaning (block number).
    Layout(usize),
}

fn classify(lines: &[&str]) -> Vec<Class> {
    let mut out = Vec::with_capacity(lines.len());
    let mut block = 0;
    let mut fence: Option<(char, usize, Class)> = None; // (marker, run, class of its lines)
    let mut diff: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim_end_matches(['\n', '\r']);
        if let Some((m, run, class)) = fence {
            if closes_fence(l, m, run) {
                fence = None;
                out.push(Class::Fence);
            } else {
                out.push(class);
            }
            continue;
        }
        // Inside a raw diff, a context line that looks like a fence is diff.
        if let Some(b) = diff {
            if continues_diff(l) || is_diff_header(l) {
                out.push(Class::Diff(b));
                continue;
            }
            diff = None;
        }
        if let (Some(info), Some((marker, run))) = (fence_info(l), fence_run(l)) {
            block += 1;
            let first = lines.get(i + 1).map(|x| x.trim_end_matches(['\n', '\r'])).unwrap_or("");
            let tag = info.split([' ', ',', '{']).next().unwrap_or("").to_ascii_lowercase();
            let class = if matches!(tag.as_str(), "diff" | "patch") || info.is_empty() && is_diff_header(first) {
                Class::Diff(block)
            } else if Lang::whitespace_significant_info(info) {
                Class::Layout(block)
            } else {
                Class::Code(block, false)
            };
            fence = Some((marker, run, class));
            out.push(Class::Fence);
            continue;
        }
        if is_diff_header(l) {
            block += 1;
            diff = Some(block);
            out.push(Class::Diff(block));
            continue;
        }
        out.push(Class::Prose);
    }
    out
}

fn is_blank(l: &str) -> bool {
    l.trim().is_empty()
}

fn is_fence(l: &str) -> bool {
    fence_info(l.trim_end_matches(['\n', '\r'])).is_some()
}

fn leading_ws(l: &str) -> &str {
    &l[..l.len() - l.trim_start().len()]
}

fn hard_break(l: &str) -> bool {
    let l = l.trim_end_matches(['\n', '\r']);
    !l.trim().is_empty() && (l.ends_with("  ") || l.ends_with('\\'))
}

/// Both lines are inside the same byte-identical block; the rule broken by
/// a change there.
fn same_block(a: Option<&Class>, b: Option<&Class>) -> Option<Rule> {
    match (a, b) {
        (Some(Class::Diff(x)), Some(Class::Diff(y))) if x == y => Some(Rule::DiffEdited),
        (Some(Class::Layout(x)), Some(Class::Layout(y))) if x == y => Some(Rule::WhitespaceChanged),
        _ => None,
    }
}

/// The line-level rules: diffs, whitespace, tokens (tidy).
fn layout(before: &str, after: &str, role: Role) -> Vec<(Rule, String)> {
    use similar::{DiffOp, TextDiff};
    let mut out = Vec::new();
    let diff = TextDiff::from_lines(before, after);
    let old: Vec<&str> = diff.old_slices().to_vec();
    let new: Vec<&str> = diff.new_slices().to_vec();
    let classes = classify(&old);
    for op in diff.ops() {
        match *op {
            DiffOp::Equal { .. } => {}
            DiffOp::Insert { old_index, new_index, new_len } => {
                let inserted = &new[new_index..new_index + new_len];
                if let Some(rule) =
                    same_block(old_index.checked_sub(1).and_then(|i| classes.get(i)), classes.get(old_index))
                {
                    out.push((
                        rule,
                        format!(
                            "{new_len} line(s) inserted inside a diff or layout-sensitive block before line {}",
                            old_index + 1
                        ),
                    ));
                } else if let (Some(Class::Code(a, _)), Some(Class::Code(b, _))) =
                    (old_index.checked_sub(1).and_then(|i| classes.get(i)), classes.get(old_index))
                    && a == b
                    && role == Role::Tidy
                    && inserted.iter().any(|l| !is_blank(l))
                {
                    out.push((
                        Rule::TokensChanged,
                        format!("lines inserted inside a code block at line {}", old_index + 1),
                    ));
                }
                if role == Role::Tidy && inserted.iter().any(|l| !is_blank(l) && !is_fence(l)) {
                    out.push((Rule::TokensChanged, format!("text added at line {}", old_index + 1)));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                for (i, l) in old[old_index..old_index + old_len].iter().enumerate() {
                    match classes[old_index + i] {
                        Class::Diff(_) => {
                            out.push((Rule::DiffEdited, format!("line {} of a diff removed", old_index + i + 1)))
                        }
                        Class::Layout(_) => out.push((
                            Rule::WhitespaceChanged,
                            format!("line {} of a layout-sensitive block removed", old_index + i + 1),
                        )),
                        _ if role == Role::Tidy && !is_blank(l) && !is_fence(l) => {
                            out.push((Rule::TokensChanged, format!("line {} removed", old_index + i + 1)))
                        }
                        _ => {}
                    }
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let o = &old[old_index..old_index + old_len];
                let n = &new[new_index..new_index + new_len];
                let cls = &classes[old_index..old_index + old_len];
                if let Some(i) = cls.iter().position(|c| matches!(c, Class::Diff(_))) {
                    out.push((Rule::DiffEdited, format!("line {} of a diff changed", old_index + i + 1)));
                    continue;
                }
                if let Some(i) = cls.iter().position(|c| matches!(c, Class::Layout(_))) {
                    out.push((
                        Rule::WhitespaceChanged,
                        format!("line {} of a layout-sensitive block changed", old_index + i + 1),
                    ));
                    continue;
                }
                // Unfenced lines keep their indentation and hard line breaks.
                let prose: Vec<usize> = (0..o.len()).filter(|&i| cls[i] == Class::Prose && !is_blank(o[i])).collect();
                let n_text: Vec<&str> = n.iter().copied().filter(|l| !is_blank(l) && !is_fence(l)).collect();
                if !prose.is_empty() {
                    // Lines pair up in order; only the old prose lines (not
                    // code, whose layout a tidy may change) are held to it.
                    let o_text: Vec<(&str, bool)> = o
                        .iter()
                        .zip(cls)
                        .filter(|(l, _)| !is_blank(l) && !is_fence(l))
                        .map(|(l, c)| (*l, *c == Class::Prose))
                        .collect();
                    if o_text.len() == n_text.len() {
                        for ((a, _), b) in o_text.iter().zip(&n_text).filter(|((_, prose), _)| *prose) {
                            if leading_ws(a) != leading_ws(b) {
                                out.push((
                                    Rule::WhitespaceChanged,
                                    format!("indentation changed near line {}", old_index + 1),
                                ));
                                break;
                            }
                            if hard_break(a) && !hard_break(b) {
                                out.push((
                                    Rule::WhitespaceChanged,
                                    format!("a Markdown hard line break was removed near line {}", old_index + 1),
                                ));
                                break;
                            }
                        }
                    } else if o.iter().zip(cls).any(|(l, c)| *c == Class::Prose && hard_break(l)) {
                        out.push((
                            Rule::WhitespaceChanged,
                            format!("lines with hard breaks rejoined near line {}", old_index + 1),
                        ));
                    }
                }
                if role == Role::Tidy {
                    // Line endings may be normalised; fences added or labelled.
                    let join = |ls: &[&str]| {
                        ls.iter().filter(|l| !is_fence(l)).copied().collect::<String>().replace("\r\n", "\n")
                    };
                    let (a, b) = (join(o), join(n));
                    if parse::tokens(&a) != parse::tokens(&b) {
                        out.push((
                            Rule::TokensChanged,
                            format!("the tokens of lines {}–{} changed", old_index + 1, old_index + old_len),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Fenced blocks with a parseable language, in order.
fn blocks(text: &str) -> Vec<(Lang, String)> {
    fences(text).into_iter().filter_map(|(info, body)| Some((Lang::from_info(&info)?, body))).collect()
}

/// Blocks that parsed before and do not after, as (language, index).
fn broken_blocks(before: &str, after: &str) -> Vec<(Lang, usize)> {
    let (b, a) = (blocks(before), blocks(after));
    if b.len() != a.len() {
        return Vec::new();
    }
    b.iter()
        .zip(&a)
        .enumerate()
        .filter(|(_, ((lb, cb), (la, ca)))| lb == la && cb != ca && parse::parses(*lb, cb) && !parse::parses(*la, ca))
        .map(|(i, ((l, _), _))| (*l, i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(before: &str, after: &str, role: Role) -> Vec<Rule> {
        check_text("if_ok", before, after, role).into_iter().map(|v| v.rule).collect()
    }

    const DIFF: &str = "Fix the docs.\n\ndiff --git a/src/lib.rs b/src/lib.rs\n--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,4 +1,5 @@\n /// Example:\n /// ```rust\n-/// let x = 1;  \n+/// let x = 2;\n /// ```\n";

    #[test]
    fn fence_inserted_inside_a_diff_hunk_is_flagged() {
        let bad = DIFF.replace(" /// ```rust\n", " /// ```rust\n```\n");
        assert_eq!(rules(DIFF, &bad, Role::Tidy), vec![Rule::DiffEdited]);
        assert_eq!(rules(DIFF, &bad, Role::Transform), vec![Rule::DiffEdited]);
    }

    #[test]
    fn trailing_whitespace_trimmed_on_a_diff_line_is_flagged() {
        let bad = DIFF.replace("let x = 1;  \n", "let x = 1;\n");
        assert_eq!(rules(DIFF, &bad, Role::Tidy), vec![Rule::DiffEdited]);
    }

    #[test]
    fn fencing_a_whole_diff_is_fine() {
        let body = &DIFF["Fix the docs.\n\n".len()..];
        let fenced = format!("Fix the docs.\n\n```diff\n{body}```\n");
        assert_eq!(rules(DIFF, &fenced, Role::Tidy), vec![]);
    }

    #[test]
    fn python_indentation_and_hard_breaks_are_byte_identical() {
        let py = "```python\ndef f():\n    return 1\n```\n";
        assert_eq!(rules(py, &py.replace("    return", "  return"), Role::Transform), vec![Rule::WhitespaceChanged]);
        let md = "Line one  \nLine two\n";
        assert_eq!(rules(md, "Line one\nLine two\n", Role::Transform), vec![Rule::WhitespaceChanged]);
    }

    #[test]
    fn tidy_may_change_layout_of_code_but_not_tokens() {
        let js = "```js\nconst a=1;\n```\n";
        assert_eq!(rules(js, "```js\nconst a = 1;\n```\n", Role::Tidy), vec![]);
        assert_eq!(rules(js, "```js\nlet a = 1;\n```\n", Role::Tidy), vec![Rule::TokensChanged]);
        let json = "```json\n{\"a\":1,\"b\":[1,2]}\n```\n";
        let pretty = "```json\n{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}\n```\n";
        assert_eq!(rules(json, pretty, Role::Tidy), vec![]);
    }

    #[test]
    fn crlf_normalised_and_fences_labelled_keeps_tokens() {
        let b = "Try:\r\n\r\n```\r\nconst s = `a\r\nb`;\r\n```\r\n";
        let a = "Try:\n\n```javascript\nconst s = `a\nb`;\n```\n";
        assert_eq!(rules(b, a, Role::Tidy), vec![]);
    }

    #[test]
    fn a_diagram_labelled_as_javascript_is_flagged() {
        let b = "Layout:\n\n```\n<------ 8 bytes ------>\n=======================\n| len     | data      |\n=======================\n```\n";
        let bad = b.replace("```\n<", "```javascript\n<");
        assert_eq!(rules(b, &bad, Role::Tidy), vec![Rule::Mislabelled]);
        let code = "Try:\n\n```\nconst a = 1;\nif (a === 1) { console.log(a); }\n```\n";
        assert_eq!(rules(code, &code.replace("```\nconst", "```javascript\nconst"), Role::Tidy), vec![]);
    }

    #[test]
    fn reindenting_a_block_its_author_labelled_is_not_a_new_label() {
        // Found on a crate README (prettyplease): a `rust` fence holding a
        // fragment that does not parse, re-indented by the tidy.
        let b = "Output:\n\n```rust\n        } else {\n            x\n        }\n```\n";
        let a = "Output:\n\n```rust\n} else {\n    x\n}\n```\n";
        assert_eq!(rules(b, a, Role::Tidy), vec![]);
        // The same text given another label is still a claim of ours.
        assert_eq!(rules(b, &a.replace("```rust", "```python"), Role::Tidy), vec![Rule::Mislabelled]);
    }

    #[test]
    fn crlf_readme_with_tabbed_code_may_be_tidied() {
        // Found on crate READMEs (bench/corpus/registry): the whole text is
        // one replaced block, and its code lines were held to the prose rules.
        let b = "# Title\r\n\r\nText:\r\n\r\n```rust\r\nstruct Foo {\r\n\tdata: u8\r\n}  \r\n```\r\n";
        let a = "# Title\n\nText:\n\n```rust\nstruct Foo {\n    data: u8\n}\n```\n";
        assert_eq!(rules(b, a, Role::Tidy), vec![]);
        // The prose's own hard break still counts.
        let b = "Line one  \r\nline two\r\n\r\n```rust\r\n\tx\r\n```\r\n";
        let a = "Line one\nline two\n\n```rust\n    x\n```\n";
        assert_eq!(rules(b, a, Role::Tidy), vec![Rule::WhitespaceChanged]);
    }

    #[test]
    fn annotators_leave_text_alone() {
        assert_eq!(rules("a", "b", Role::Annotator), vec![Rule::AnnotatorChangedText]);
    }

    #[test]
    fn redacting_an_expression_is_flagged_and_a_literal_is_not() {
        let cases_bad = [
            ("password = str(password)\n", "password = [REDACTED:password])\n"),
            ("tokens = header.split(';')\n", "tokens = [REDACTED:token]\n"),
            ("let secret = std::env::var(\"JWT_SECRET\");\n", "let secret = [REDACTED:secret];\n"),
            ("Some(&Token::Literal(..))", "Some(&[REDACTED:token])"),
        ];
        for (b, a) in cases_bad {
            assert!(rules(b, a, Role::Redactor).contains(&Rule::RedactedNonLiteral), "{a}");
        }
        let cases_ok = [
            ("api_key = \"sk_live_abcdEFGH12345678ijkl\"\n", "api_key = \"[REDACTED:stripe]\"\n"),
            ("DB_PASSWORD=hunter2\n", "DB_PASSWORD=[REDACTED:password]\n"),
            ("postgres://app:s3cr3tPass@db.internal/app", "postgres://app:[REDACTED:url_password]@db.internal/app"),
            ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 leaked", "token [REDACTED:github] leaked"),
        ];
        for (b, a) in cases_ok {
            assert_eq!(rules(b, a, Role::Redactor), vec![], "{a}");
        }
    }

    #[test]
    fn code_that_stops_parsing_is_flagged() {
        let b = "```python\nx = f(1)\n```\n";
        let a = "```python\nx = f(1\n```\n";
        assert!(rules(b, a, Role::Transform).contains(&Rule::NoLongerParses));
    }
}
