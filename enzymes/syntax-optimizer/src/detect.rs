//! Find code that was pasted into prose without a fence.
//!
//! Each prose line is classified on its own ([`classify`]); a candidate is a
//! maximal run of code-ish lines that starts at a *strong* line (one no
//! sentence looks like: `def f(x):`, `import os`, `x = 1`, `foo();`, `}`,
//! `$ npm test`, `SELECT … FROM …`). A run is fenced only when it has at
//! least `min_lines` non-blank lines, at least two strong ones (one when
//! `min_lines` is 1, or when it is a `$ ` / `>>> ` prompt, whose output
//! may follow), and more strong/weak lines than anything else. Any
//! line that reads as prose, a Markdown list item, heading, quote or table
//! row ends a run. The rules lean towards leaving code unfenced rather than
//! ever fencing prose.

use crate::lang::{Probe, looks_like_command};

/// What a single line looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Blank,
    /// Code no sentence looks like.
    Strong,
    /// Plausible code (indented with code punctuation, an SQL clause, a tag).
    Weak,
    /// A code comment.
    Comment,
    /// Neither (a lone word, a number): allowed inside a run in some places.
    Other,
    /// Prose or Markdown structure: never fenced.
    Prose,
}

/// A run of prose lines to fence: `lines[start..end]`, with the fence's
/// indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub indent: String,
}

fn is_ident(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'$')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
}

/// Whitespace-separated words (ASCII whitespace; prose here is split on it).
fn words(t: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for b in t.bytes() {
        let ws = matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
        if !ws && !in_word {
            n += 1;
        }
        in_word = !ws;
    }
    n
}

/// Punctuation prose rarely uses.
const CODE_BYTES: &[u8] = b"{}();=<>[]";

/// [`CODE_BYTES`] but `;` (which prose uses too).
const CODE_BYTES_NO_SEMI: &[u8] = b"{}()=<>[]";

/// Markdown structure: list items, headings, quotes, tables, rules, bold,
/// links.
fn is_markdown(t: &str, probe: &Probe<'_>) -> bool {
    let b = t.as_bytes();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("+ ") || t.starts_with('>') || t.starts_with('|') {
        return true;
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=3).contains(&digits)
        && matches!(b.get(digits), Some(b'.' | b')'))
        && matches!(b.get(digits + 1), Some(b' ') | None)
    {
        return true;
    }
    let hashes = b.iter().take_while(|&&c| c == b'#').count();
    if (1..=6).contains(&hashes) && matches!(b.get(hashes), Some(b' ') | None) {
        return true;
    }
    if t.len() >= 3 && t.bytes().all(|c| matches!(c, b'-' | b'=' | b'*' | b'_' | b' ')) {
        return true;
    }
    probe.has("**") || probe.has("](") || t.starts_with("<!--")
}

/// Ends like a sentence: `.`, `?`, `!`, possibly inside a closing quote,
/// bracket or emphasis.
fn sentence_end(t: &str) -> bool {
    let t = t.trim_end_matches([')', '"', '\'', '*', '_']);
    t.ends_with(['.', '?', '!']) && !t.ends_with("...") || t.ends_with("...") && words(t) >= 3
}

/// Python block openers: `if x > 0:`, `for i in range(3):`, `else:`.
fn python_block(t: &str) -> bool {
    let Some(head) = t.strip_suffix(':') else {
        return false;
    };
    if matches!(head, "else" | "try" | "finally" | "except") {
        return true;
    }
    let (kw, rest) = head.split_once(' ').unwrap_or((head, ""));
    let codeish = rest.contains(['(', '=', '<', '>', '.', '[', '_', '"', '\''])
        || rest.contains(" not ")
        || rest.starts_with("not ")
        || rest.contains(" is ")
        || matches!(rest, "True" | "False");
    match kw {
        "if" | "elif" | "while" => codeish,
        "for" => rest.contains(" in "),
        "with" => rest.contains(" as ") || rest.contains('('),
        "except" => rest.split_whitespace().next().is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase)),
        "def" | "class" | "async" => true,
        _ => false,
    }
}

/// `x = 1`, `self.items[0] += 2`, `name := value`, `let x = …`, `const y: T = …`.
fn assignment(t: &str) -> bool {
    let t = ["const ", "let mut ", "let ", "var ", "export const ", "export let ", "auto ", "val "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(t);
    let Some(eq) = t.find('=') else { return false };
    let (lhs, rhs) = (&t[..eq], &t[eq + 1..]);
    if rhs.starts_with(['=', '>']) || rhs.trim().is_empty() {
        return false; // `==`, `=>`
    }
    let lhs = lhs.trim_end().trim_end_matches(['+', '-', '*', '/', '%', '|', '&', '^', ':', '?', '!', '<', '>']);
    let lhs = lhs.split(':').next().unwrap_or(lhs).trim(); // `x: i32 = 1`
    let target = lhs.trim_end_matches(|c: char| {
        c == ']' || c == '\'' || c == '"' || c.is_alphanumeric() || c == '_' || c == '[' || c == '.'
    });
    !lhs.is_empty()
        && target.is_empty()
        && !lhs.contains(' ')
        && lhs.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
}

/// `print("x")`, `foo.bar(1, 2);`, `println!("hi");`, `await save(x)`.
fn call(t: &str) -> bool {
    let t = t.strip_prefix("await ").unwrap_or(t);
    let body = t.trim_end_matches([';', ',']);
    let Some(open) = body.find('(') else {
        return false;
    };
    let callee = body[..open].trim_end_matches('!');
    body.ends_with(')')
        && !callee.is_empty()
        && callee.split(['.', ':']).filter(|p| !p.is_empty()).all(is_ident)
        && !callee.ends_with('.')
}

/// Classify one line of prose.
pub fn classify(line: &str) -> Class {
    let t = line.trim_ascii();
    if t.is_empty() {
        return Class::Blank;
    }
    // Fast path for the commonest prose: "Word … ." — no rule below can
    // call a capitalised word followed by a lower-case letter code, and
    // every one of them that could fire needs another ending.
    let b = t.as_bytes();
    if b.len() > 2 && b[0].is_ascii_uppercase() && b[1].is_ascii_lowercase() && sentence_end(t) {
        return Class::Prose;
    }
    let indented = line.starts_with("  ") || line.starts_with('\t');
    let probe = Probe::new(t);
    let starts = |p: &str| probe.starts(p);
    let ends = |p: &str| probe.ends(p);
    let has = |p: &str| probe.has(p);

    // Prompts first: `>>> ` would otherwise read as a quote.
    if (starts("$ ")
        && t[2..].trim_start().starts_with(|c: char| c.is_ascii_lowercase() || c == '.' || c == '/' || c == '~'))
        || starts(">>> ")
    {
        return Class::Strong;
    }
    if t.starts_with('#')
        && (starts("#include")
            || starts("#define ")
            || starts("#ifndef ")
            || starts("#ifdef ")
            || starts("#endif")
            || starts("#pragma ")
            || starts("#!/")
            || starts("#[")
            || starts("#!["))
    {
        return Class::Strong;
    }
    if is_markdown(t, &probe) {
        return Class::Prose;
    }
    if starts("//") || starts("/*") || starts("*/") || starts("-- ") {
        return Class::Comment;
    }

    let nwords = words(t);
    let sentence = sentence_end(t);
    let code_chars = probe.has_any(CODE_BYTES);
    // The leading keyword (`else` of `else:`, `if` of `if(x)`), or the
    // first token when it is punctuation (`});`). Either is a prefix of `t`
    // made of whole characters, so `rest` starts on a char boundary.
    let word_len = t.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    let first = if word_len > 0 { &t[..word_len] } else { t.split_ascii_whitespace().next().unwrap_or("") };
    let rest = t[first.len()..].trim_start();
    let strong = match first {
        "def" | "async" => (has("def ") && has("(") && ends(":")) || (has("fn ") && has("(")),
        "fn" | "pub" | "impl" | "struct" | "enum" | "trait" | "mod" | "unsafe" => {
            has("(") || ends("{") || ends(";") || ends("}")
        }
        "function" => has("("),
        "class" => {
            let name_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let after = rest[name_end..].trim_start();
            name_end > 0
                && (after.is_empty() && rest.chars().next().is_some_and(char::is_uppercase)
                    || after.starts_with([':', '(', '{', '<'])
                    || after.starts_with("extends ")
                    || after.starts_with("implements "))
        }
        "import" => {
            rest.starts_with(['{', '*', '"', '\''])
                || (has(" from ") && (ends("'") || ends("\"") || ends("';") || ends("\";")))
                || ends(";") && !rest.contains(' ')
                || !rest.is_empty()
                    && rest.split(", ").all(|m| {
                        let (m, alias) = m.split_once(" as ").unwrap_or((m, "x"));
                        m.split('.').all(is_ident) && is_ident(alias)
                    })
        }
        "from" => {
            has(" import ")
                && rest.split_whitespace().next().is_some_and(|m| m.split('.').all(|p| p.is_empty() || is_ident(p)))
        }
        "package" => ends(";") || nwords == 2 && is_ident(rest),
        "use" | "using" => ends(";"),
        "return" => ends(";") || nwords == 2 && !sentence || rest.contains(['(', '[', '=', '"', '+']),
        "export" => probe.has_any(b"(={"),
        "SELECT" => has(" FROM ") || ends(",") || ends(";") || has("*") || rest.split(", ").all(|c| words(c) == 1),
        "INSERT" | "DELETE" => has(" INTO ") || has(" FROM "),
        "UPDATE" => has(" SET "),
        "CREATE" | "ALTER" | "DROP" => {
            let object = rest.split_whitespace().next().unwrap_or("");
            matches!(
                object,
                "TABLE" | "INDEX" | "VIEW" | "DATABASE" | "SCHEMA" | "FUNCTION" | "TRIGGER" | "EXTENSION" | "UNIQUE"
            )
        }
        "if" | "elif" | "else" | "for" | "while" | "try" | "except" | "finally" | "with" => {
            python_block(t) || (has("(") || first == "else") && (ends("{") || ends(";") || ends(")"))
        }
        "}" | "})" | "});" | "};" | "]" | "];" | ")" | ");" | "end" | "fi" | "done" | "esac" | "{" | "[" => {
            nwords == 1 || starts("} else") || starts("} catch") || starts("})")
        }
        _ => false,
    };
    if strong
        || probe.has_byte(b'=') && !sentence && assignment(t)
        || probe.has_byte(b'(') && call(t)
        || ends("{") && nwords <= 6 && !sentence_end(&t[..t.len() - 1])
        || ends(";") && (probe.has_any(CODE_BYTES_NO_SEMI) || nwords <= 2)
        || (starts("@") && t.len() > 1 && !t.contains(' ') && is_ident(t[1..].split(['(', '.']).next().unwrap_or("")))
        || (starts("\"")
            && has("\":")
            && (ends(",") || ends("{") || ends("[") || ends("\"") || t.ends_with(|c: char| c.is_ascii_digit())))
        || t.starts_with(|c: char| c.is_ascii_lowercase()) && looks_like_command(t)
    {
        return Class::Strong;
    }

    if t.starts_with(|c: char| c.is_ascii_uppercase())
        && [
            "FROM ",
            "WHERE ",
            "JOIN ",
            "LEFT JOIN ",
            "INNER JOIN ",
            "GROUP BY ",
            "ORDER BY ",
            "HAVING ",
            "LIMIT ",
            "VALUES ",
            "SET ",
            "AND ",
            "OR ",
            "ON ",
        ]
        .iter()
        .any(|k| starts(k))
        && !sentence
    {
        // The clause that ends the statement is as sure as a SELECT.
        return if ends(";") { Class::Strong } else { Class::Weak };
    }
    if starts("<") && ends(">") && t.as_bytes().get(1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/') {
        return Class::Weak;
    }
    if indented && code_chars && !sentence {
        return Class::Weak;
    }
    let capital = t.starts_with(char::is_uppercase);
    if sentence && (nwords >= 2 || capital)
        || nwords >= 5 && !code_chars
        || capital && nwords >= 3 && !code_chars
        || ends(":") && nwords >= 2
    {
        return Class::Prose;
    }
    Class::Other
}

/// The class of each line; `$$ … $$` display math is prose, whatever it
/// looks like.
fn classes(lines: &[String]) -> Vec<Class> {
    let mut in_math = false;
    lines
        .iter()
        .map(|l| {
            if l.trim_ascii() == "$$" {
                in_math = !in_math;
                return Class::Prose;
            }
            if in_math { Class::Prose } else { classify(l) }
        })
        .collect()
}

/// Find the runs of `lines` to fence. `lines` is one stretch of prose
/// between fences.
pub fn find_runs(lines: &[String], min_lines: usize) -> Vec<Run> {
    let classes = classes(lines);
    let min_strong = min_lines.min(2);
    let mut runs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if classes[i] != Class::Strong {
            i += 1;
            continue;
        }
        // Comments right above the first strong line belong to the code.
        let mut start = i;
        while start > 0 && classes[start - 1] == Class::Comment {
            start -= 1;
        }
        let mut end = i + 1; // exclusive, last accepted line + 1
        let mut solid_end = i + 1; // after the last strong/weak line or prompt output
        let mut j = i + 1;
        let mut after_prompt = lines[i].trim_start().starts_with("$ ") || lines[i].trim_start().starts_with(">>> ");
        while j < lines.len() {
            match classes[j] {
                Class::Prose => break,
                // Blank lines between code lines are part of the code (and
                // given back to the prose when no code follows).
                Class::Blank => {}
                Class::Other => {
                    // Output after a prompt, or an indented continuation.
                    let l = &lines[j];
                    if !(after_prompt || l.starts_with("  ") || l.starts_with('\t')) {
                        break;
                    }
                    end = j + 1;
                    if after_prompt {
                        solid_end = j + 1;
                    }
                }
                Class::Strong | Class::Weak | Class::Comment => {
                    let t = lines[j].trim_start();
                    if classes[j] == Class::Strong {
                        after_prompt = t.starts_with("$ ") || t.starts_with(">>> ");
                    }
                    end = j + 1;
                    if classes[j] != Class::Comment {
                        solid_end = j + 1;
                    }
                }
            }
            j += 1;
        }
        // Trailing lines that are not code-ish go back to the prose.
        let end = end.min(solid_end);
        let body = &classes[start..end];
        let nonblank = body.iter().filter(|c| **c != Class::Blank).count();
        let strong = body.iter().filter(|c| **c == Class::Strong).count();
        let weak = body.iter().filter(|c| **c == Class::Weak).count();
        let other = body.iter().filter(|c| **c == Class::Other).count();
        // A shell or REPL prompt is proof enough on its own.
        let prompt = lines[start..end].iter().any(|l| {
            let t = l.trim_start();
            t.starts_with("$ ") || t.starts_with(">>> ")
        });
        let enough_strong = strong >= min_strong || prompt && strong >= 1;
        if nonblank >= min_lines && enough_strong && strong + weak + usize::from(prompt) * other > other {
            runs.push(Run { start, end, indent: String::new() });
            i = end;
        } else {
            i = j.max(i + 1);
        }
    }
    runs
}

/// Columns of leading whitespace (a tab goes to the next multiple of 4).
pub fn indent_cols(line: &str) -> usize {
    let mut col = 0;
    for b in line.bytes() {
        match b {
            b' ' => col += 1,
            b'\t' => col = (col / 4 + 1) * 4,
            _ => break,
        }
    }
    col
}

/// The column where a list item's content starts, when `line` opens one
/// (`- x`, `* x`, `+ x`, `1. x`, `2) x`).
pub fn list_content_col(line: &str) -> Option<usize> {
    let indent = indent_cols(line);
    let t = line.trim_start_matches([' ', '\t']);
    let b = t.as_bytes();
    let marker = match b.first()? {
        b'-' | b'*' | b'+' => 1,
        c if c.is_ascii_digit() => {
            let d = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if d > 9 || !matches!(b.get(d), Some(b'.' | b')')) {
                return None;
            }
            d + 1
        }
        _ => return None,
    };
    let spaces = b[marker..].iter().take_while(|&&c| c == b' ').count();
    if spaces == 0 && marker < b.len() {
        return None;
    }
    Some(indent + marker + if (1..=4).contains(&spaces) { spaces } else { 1 })
}

/// A line that opens or closes a fence, wherever it is indented.
pub fn fence_like(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.starts_with("```") || t.starts_with("~~~")
}

/// A line of Markdown structure a code fence must not be glued to: a list
/// item, a quote, a table row, an HTML tag.
fn container_line(line: &str) -> bool {
    let t = line.trim_start();
    list_content_col(line).is_some() || t.starts_with('>') || t.starts_with('|') || t.starts_with('<')
}

/// Lines that say nothing about whether their neighbours are prose or code:
/// a lone word, a `# heading` (a Python or shell comment too).
fn ambiguous(line: &str, class: Class) -> bool {
    class == Class::Other || class == Class::Prose && line.trim_start().starts_with('#')
}

/// A sentence no code file holds outside a string or comment: at column
/// 0, capitalised, ending like a sentence (four words or more) or like an
/// introduction (`Use this:`, two words or more), no call syntax or code
/// punctuation, not `key: value`.
pub fn genuine_prose(line: &str) -> bool {
    if line.starts_with([' ', '\t']) {
        return false;
    }
    // A list item's text counts too.
    let t = match list_content_col(line) {
        Some(c) => line.get(c..).unwrap_or(""),
        None => line,
    };
    let t = t.trim_end();
    let n = words(t);
    if !t.chars().next().is_some_and(|c| c.is_uppercase() || c == '`') || n < 2 || n < 4 && !t.ends_with(':') {
        return false;
    }
    if t.split_ascii_whitespace().next().is_some_and(|w| w.ends_with(':')) || t.contains(['{', '}', '=', ';', '[']) {
        return false;
    }
    let b = t.as_bytes();
    if b.windows(2).any(|w| w[1] == b'(' && (w[0].is_ascii_alphanumeric() || w[0] == b'_')) {
        return false;
    }
    let end = t.trim_end_matches([')', '"', '\'', '*', '_', '`']);
    end.ends_with(['.', '?', '!', ':']) && (classify(line) == Class::Prose || classify(t) == Class::Prose)
}

/// Where a fence may go around each run of `lines` (one stretch of prose
/// between fences), and at which indentation. A run is fenced only where
/// its extent is clear and no Markdown container is cut:
///
/// - no line of it looks like a fence;
/// - at the top level, some line starts at column 0, and the line above is
///   blank, the start, or a plain paragraph or heading line (not a list
///   item, quote, table row or tag, whose lazy continuation the code may
///   be);
/// - right after a list item (nothing but blank lines between), the code
///   is indented into the item (at most 3 columns, no tabs) and the fence
///   goes at that indentation;
/// - the line below is blank, the end, or prose no deeper than the fence;
/// - walking outwards over blank and ambiguous lines (a lone word, a
///   `# heading`, which may be a comment), the first line found on either
///   side is prose or nothing: never code, so one code region is never cut
///   in two.
pub fn fenceable_runs(lines: &[String], min_lines: usize) -> Vec<Run> {
    let runs = find_runs(lines, min_lines);
    if runs.is_empty() {
        return runs;
    }
    let classes = classes(lines);
    let blank = |k: usize| lines[k].trim_ascii().is_empty();
    let outward = |ks: &mut dyn Iterator<Item = usize>| {
        let mut first = None;
        for k in ks {
            if !blank(k) && !ambiguous(&lines[k], classes[k]) {
                first = Some(k);
                break;
            }
        }
        first.is_none_or(|k| classes[k] == Class::Prose)
    };
    let mut out = Vec::new();
    for run in runs {
        let body = &lines[run.start..run.end];
        if body.iter().any(|l| fence_like(l)) {
            continue;
        }
        let nonblank = || body.iter().filter(|l| !l.trim_ascii().is_empty());
        let m = nonblank().map(|l| indent_cols(l)).min().unwrap_or(0);
        let above = (0..run.start).rev().find(|&k| !blank(k));
        let list_col = above.and_then(|k| list_content_col(&lines[k]));
        let indent = match list_col {
            Some(c) if m >= c && m <= 3 => {
                if nonblank().any(|l| l[..l.len() - l.trim_start_matches([' ', '\t']).len()].contains('\t')) {
                    continue;
                }
                " ".repeat(m)
            }
            _ if m == 0 => {
                let ok_prev = run.start.checked_sub(1).is_none_or(|k| {
                    blank(k) || classes[k] == Class::Prose && indent_cols(&lines[k]) == 0 && !container_line(&lines[k])
                });
                if !ok_prev {
                    continue;
                }
                String::new()
            }
            _ => continue,
        };
        let ok_next = lines
            .get(run.end)
            .is_none_or(|l| l.trim_ascii().is_empty() || classes[run.end] == Class::Prose && indent_cols(l) <= m);
        if !ok_next || !outward(&mut (0..run.start).rev()) || !outward(&mut (run.end..lines.len())) {
            continue;
        }
        out.push(Run { indent, ..run });
    }
    out
}

/// Lines inside (or opening or closing) a triple-quoted string or a block
/// comment, as far as a quick scan can tell; `None` when one is left open.
fn string_or_comment_mask(lines: &[String]) -> Option<Vec<bool>> {
    // The delimiter that closes what is open; "" when nothing is.
    let mut open: &str = "";
    let mut mask = Vec::with_capacity(lines.len());
    for line in lines {
        let mut inside = !open.is_empty();
        let mut rest = line.as_str();
        loop {
            let found = if open.is_empty() {
                ["\"\"\"", "'''", "/*"].iter().filter_map(|t| rest.find(t).map(|p| (*t, p))).min_by_key(|(_, p)| *p)
            } else {
                rest.find(open).map(|p| (open, p))
            };
            let Some((tok, pos)) = found else { break };
            open = match (open.is_empty(), tok) {
                (true, "/*") => "*/",
                (true, q) => q,
                (false, _) => "",
            };
            inside = true;
            rest = &rest[pos + tok.len()..];
        }
        mask.push(inside);
    }
    open.is_empty().then_some(mask)
}

/// Whether a column-0 line is a comment in `lang`.
fn comment_in(lang: &str, t: &str) -> bool {
    match lang {
        "python" | "bash" | "yaml" | "toml" | "ruby" | "makefile" | "dockerfile" | "perl" | "r" => t.starts_with('#'),
        "sql" | "lua" | "haskell" => t.starts_with("--"),
        _ => t.starts_with("//") || t.starts_with("/*") || t.starts_with('*'),
    }
}

/// Whether the whole text (no fence in it) is one piece of code: the
/// language is detected, the first line is not a `# heading`, and no line
/// at column 0 outside a triple-quoted string or block comment reads as
/// prose (comments of the language and YAML keys aside). Returns the first
/// and last non-blank lines and the language.
pub fn whole_file(lines: &[String], min_lines: usize) -> Option<(usize, usize, &'static str)> {
    if lines.iter().any(|l| fence_like(l)) {
        return None;
    }
    let first = lines.iter().position(|l| !l.trim_ascii().is_empty())?;
    let last = lines.iter().rposition(|l| !l.trim_ascii().is_empty())?;
    let body = &lines[first..=last];
    if body.iter().filter(|l| !l.trim_ascii().is_empty()).count() < min_lines.max(2) {
        return None;
    }
    let lang = crate::lang::detect(body)?;
    if lang == "diff" {
        return None;
    }
    // A `# Title` followed by a blank line is a Markdown heading more
    // often than a comment.
    let head = body[0].trim_start();
    if (head.starts_with("# ") || head.starts_with("## ")) && body.get(1).is_none_or(|l| l.trim_ascii().is_empty()) {
        return None;
    }
    // YAML with no mapping at all is a list, and a list of lines under
    // a `###` heading is Markdown far more often than a config file.
    if lang == "yaml" && !body.iter().any(|l| is_mapping_line(l.trim_ascii())) {
        return None;
    }
    let mask = string_or_comment_mask(body)?;
    for (k, (line, masked)) in body.iter().zip(mask).enumerate() {
        if masked || line.starts_with([' ', '\t']) || line.trim_ascii().is_empty() {
            continue;
        }
        let t = line.trim_end();
        if comment_in(lang, t) || lang == "yaml" && crate::lang::is_yaml_line(t) {
            continue;
        }
        let class = classify(line);
        // Prose, or a label like `Output:` / `Try:`.
        let label = t.ends_with(':') && t.starts_with(|c: char| c.is_uppercase()) && !t.contains(['(', '=', '"']);
        if class == Class::Prose || label {
            return None;
        }
        // The first and last lines may not be a lone word ("Sure", "Done").
        let lone_word = t.bytes().all(|b| b.is_ascii_alphabetic()) && t.starts_with(|c: char| c.is_uppercase());
        if (k == 0 || k == body.len() - 1) && class == Class::Other && lone_word {
            return None;
        }
    }
    Some((first, last, lang))
}

/// A YAML `key: value` or `key:` line, or a list item holding one.
fn is_mapping_line(t: &str) -> bool {
    !t.starts_with('#') && t.trim_start_matches("- ").contains(':') && crate::lang::is_yaml_line(t)
}

/// Signs that the text around the fences may itself be code holding
/// fence-like lines in strings or comments (a docstring with a Markdown
/// example, a heredoc, a `<pre>` block): triple quotes, block comment
/// markers, heredocs, raw HTML code blocks.
pub fn code_signals(line: &str) -> bool {
    let t = line.trim_start();
    line.contains("\"\"\"")
        || line.contains("'''")
        || t.starts_with("/*")
        || t.starts_with("*/")
        || t.ends_with("*/")
        || t.starts_with("=begin")
        || line.contains("<pre")
        || line.contains("</pre")
        || line.contains("<code")
        || line.contains("<textarea")
        || line.contains("<<") && crate::lang::has_heredoc(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_string).collect()
    }

    #[test]
    fn strong_lines() {
        for l in [
            "def add(a, b):",
            "async def main():",
            "fn main() {",
            "pub fn new() -> Self {",
            "function greet(name) {",
            "class Foo:",
            "class Foo(Base):",
            "class Foo extends Bar {",
            "import os",
            "import numpy as np",
            "import { useState } from 'react';",
            "from pathlib import Path",
            "#include <stdio.h>",
            "x = 5",
            "self.items[0] += 1",
            "const total = items.reduce((a, b) => a + b, 0);",
            "let mut v = Vec::new();",
            "print(\"hello\")",
            "console.log(x);",
            "println!(\"{}\", x);",
            "return x;",
            "}",
            "});",
            "$ npm install express",
            ">>> 1 + 1",
            "SELECT id, name FROM users;",
            "if __name__ == \"__main__\":",
            "for i in range(10):",
            "else:",
            "@app.route(\"/\")",
            "npm install express",
            "package main",
        ] {
            assert_eq!(classify(l), Class::Strong, "{l:?}");
        }
    }

    #[test]
    fn prose_lines_are_never_strong() {
        for l in [
            "Import the data from the CSV file.",
            "import the data before you start",
            "Class is a keyword in many languages.",
            "class is a keyword",
            "Select the rows you want:",
            "SELECT statements are used to query a table.",
            "Here is how to do it:",
            "Define a function that returns the sum.",
            "Note: this works; it is fine.",
            "The function f(x) returns x squared.",
            "For example:",
            "for example, you could",
            "If you want to go further, read the docs.",
            "Return the value to the caller.",
            "return the value to the caller",
            "Use `x = 5` to set it.",
            "- item one",
            "1. First step",
            "# Heading",
            "> a quote",
            "| a | b |",
            "**Bold text**",
            "git is a version control system.",
            "make sure you have Python installed",
            "In math, a = b means equality.",
            "E = mc^2 is famous.",
            "Use the following {placeholder} in the template.",
            "Finally, call it from main.",
            "Done!",
            "That's it.",
            "Why?",
            "Hello (world)",
        ] {
            let c = classify(l);
            assert!(c != Class::Strong, "{l:?} classified {c:?}");
        }
    }

    #[test]
    fn finds_a_python_run_after_prose() {
        let l = lines("Here is the code:\ndef add(a, b):\n    return a + b\n\nprint(add(1, 2))\nThat prints 3.");
        assert_eq!(find_runs(&l, 2), [Run { start: 1, end: 5, indent: String::new() }]);
    }

    #[test]
    fn a_single_line_is_not_enough() {
        assert!(find_runs(&lines("Run this:\nnpm install\nThen go on."), 2).is_empty());
        assert_eq!(find_runs(&lines("Run this:\nnpm install express\nThen go on."), 1).len(), 1);
    }

    #[test]
    fn prose_is_never_fenced() {
        let text = "Python is great. Import the module first.\nThen define a function that returns the sum.\n\
            Select the rows you want:\n- the first\n- the second\nThe class is small; it works.\n\
            SELECT statements are used to query.\nx is a variable.\nIn short: it works!\n\
            Note: this works; it is fine.\nFor example:\nreturn the value to the caller\n";
        assert!(find_runs(&lines(text), 2).is_empty());
        assert!(find_runs(&lines(text), 1).is_empty());
    }

    #[test]
    fn code_in_a_list_item_keeps_its_indent() {
        let l = lines("1. Install it:\n   npm install express\n   npm run dev\n2. Done.");
        assert_eq!(fenceable_runs(&l, 2), [Run { start: 1, end: 3, indent: "   ".into() }]);
    }

    #[test]
    fn lazy_continuations_of_lists_and_quotes_are_not_fenced() {
        for text in [
            "- an item\nx = 1\ny = 2\n- another",
            "> a quote\nx = 1\ny = 2\n\nText after it.",
            "| a | b |\nx = 1\ny = 2",
            "- item\n      x = 1\n      y = 2",
        ] {
            assert!(fenceable_runs(&lines(text), 2).is_empty(), "{text}");
        }
    }

    #[test]
    fn code_next_to_more_code_is_not_cut() {
        // A Python file whose comments read as headings: fencing the part
        // after `# Load it` would cut the file in two.
        let text = "Here is the script for it.\n\nimport os\nimport sys\n\n# Load it\nconfig = load()\nprint(config)\n";
        assert!(fenceable_runs(&lines(text), 2).is_empty());
        // Only blank lines between: one run.
        let text = "Here is the script for it.\n\nimport os\nimport sys\n\n\n\nconfig = load()\nprint(config)\n";
        assert_eq!(fenceable_runs(&lines(text), 2), [Run { start: 2, end: 9, indent: String::new() }]);
    }

    #[test]
    fn genuine_prose_lines() {
        for l in ["This is a sentence with words.", "Run `cargo test` to check it.", "Why does this fail here?"] {
            assert!(genuine_prose(l), "{l}");
        }
        for l in [
            "    Indented sentence is here.",
            "raise ValueError(\"This is bad input.\")",
            "Note: this one is a key.",
            "# A heading line here.",
            "Short one.",
            "description: A tool for things.",
            "Call f(x) to get the answer.",
        ] {
            assert!(!genuine_prose(l), "{l}");
        }
    }

    #[test]
    fn whole_files() {
        let py = "#!/usr/bin/env python3\n\"\"\"Tools.\n\nThis module does things. It is fine.\n\"\"\"\nimport os\n\n\ndef main():\n    print(os.getcwd())\n";
        assert_eq!(whole_file(&lines(py), 2), Some((0, 9, "python")));
        let yaml = "# CI config\nname: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n";
        assert_eq!(whole_file(&lines(yaml), 2).map(|w| w.2), Some("yaml"));
        let mk = "CC = gcc\n\nall: app\n\napp: main.o\n\t$(CC) -o app main.o\n\n.PHONY: all\n";
        assert_eq!(whole_file(&lines(mk), 2).map(|w| w.2), Some("makefile"));
        let prose = "Use this:\nimport os\nprint(os.getcwd())";
        assert_eq!(whole_file(&lines(prose), 2), None);
        let heading = "# Title\n\nimport os\nprint(os.getcwd())";
        assert_eq!(whole_file(&lines(heading), 2), None);
        let label = "Try:\ndef f(x):\n    return x\nprint(f(1))";
        assert_eq!(whole_file(&lines(label), 2), None);
    }

    #[test]
    fn a_changelog_list_under_a_heading_is_not_fenced_as_yaml() {
        // Found in crate CHANGELOGs (nom, zeroize; bench/corpus/registry).
        let zeroize = "### Added\n- `Zeroizing` is now `repr(transparent)` ([#1253])\n- `optimization_barrier` function ([#1261])\n- `zeroize_stack` function ([#1331])\n";
        assert_eq!(whole_file(&lines(zeroize), 2), None);
        let plain = "### Added\n- Regular expression combinators work on byte slices\n- example parsing arithmetic expressions to an AST\n";
        assert_eq!(whole_file(&lines(plain), 2), None);
        // A real list of mappings is still YAML.
        let steps = "# steps\n- name: build\n  run: make\n- name: test\n  run: make test\n";
        assert_eq!(whole_file(&lines(steps), 2).map(|w| w.2), Some("yaml"));
    }

    #[test]
    fn shell_session_with_output() {
        let l = lines("Try:\n$ cargo --version\ncargo 1.95.0\n$ rustc --version\nrustc 1.95.0\nGood.");
        assert_eq!(find_runs(&l, 2), [Run { start: 1, end: 5, indent: String::new() }]);
    }

    #[test]
    fn display_math_is_left_alone() {
        assert!(find_runs(&lines("$$\nx = a + b\ny = c\n$$"), 2).is_empty());
    }
}
