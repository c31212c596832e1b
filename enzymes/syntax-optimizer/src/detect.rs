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

/// Find the runs of `lines` to fence. `lines` is one stretch of prose
/// between fences.
pub fn find_runs(lines: &[String], min_lines: usize) -> Vec<Run> {
    let classes: Vec<Class> = {
        let mut in_math = false;
        lines
            .iter()
            .map(|l| {
                // `$$ … $$` display math is prose, whatever it looks like.
                if l.trim_ascii() == "$$" {
                    in_math = !in_math;
                    return Class::Prose;
                }
                if in_math { Class::Prose } else { classify(l) }
            })
            .collect()
    };
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
        let mut blanks = 0;
        let mut after_prompt = lines[i].trim_start().starts_with("$ ") || lines[i].trim_start().starts_with(">>> ");
        while j < lines.len() {
            match classes[j] {
                Class::Prose => break,
                Class::Blank => {
                    blanks += 1;
                    if blanks > 2 {
                        break;
                    }
                }
                Class::Other => {
                    // Output after a prompt, or an indented continuation.
                    let l = &lines[j];
                    if !(after_prompt || l.starts_with("  ") || l.starts_with('\t')) {
                        break;
                    }
                    blanks = 0;
                    end = j + 1;
                    if after_prompt {
                        solid_end = j + 1;
                    }
                }
                Class::Strong | Class::Weak | Class::Comment => {
                    blanks = 0;
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
            runs.push(Run { start, end, indent: fence_indent(lines, start, end) });
            i = end;
        } else {
            i = j.max(i + 1);
        }
    }
    runs
}

/// Where the fence goes: at the code's own indentation when the code
/// continues a list item (so it stays inside it), else at column 0 (the
/// code is then dedented inside the fence).
fn fence_indent(lines: &[String], start: usize, end: usize) -> String {
    let in_list = lines[..start].iter().rev().find(|l| !l.trim_ascii().is_empty()).is_some_and(|l| {
        let t = l.trim_start();
        l.starts_with([' ', '\t'])
            || is_markdown(t, &Probe::new(t))
                && (t.starts_with(['-', '*', '+']) || t.starts_with(|c: char| c.is_ascii_digit()))
    });
    if !in_list {
        return String::new();
    }
    let common = lines[start..end]
        .iter()
        .filter(|l| !l.trim_ascii().is_empty())
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .min_by_key(|ws| ws.len())
        .unwrap_or("");
    // Four or more columns at the top level would make the fence itself an
    // indented code block; inside a list item it is the item's content.
    common.to_string()
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
        assert_eq!(find_runs(&l, 2), [Run { start: 1, end: 3, indent: "   ".into() }]);
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
