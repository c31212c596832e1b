//! Which language a code block is in: fence labels normalised, and a
//! keyword/syntax scorer for blocks that have none.
//!
//! The scorer looks at trimmed lines only (plus leading tabs for Makefile
//! recipes), so the whitespace edits of this enzyme never change its answer
//! — which keeps the enzyme idempotent.

/// The canonical name of a fence label (`py` → `python`), lowercase; labels
/// we do not know are returned lowercased as they are.
pub fn normalize(label: &str) -> String {
    let l = label.trim().trim_start_matches('{').trim_start_matches('.');
    let l = l.split([',', '}', '{']).next().unwrap_or("").to_ascii_lowercase();
    let canon = match l.as_str() {
        "py" | "python3" | "py3" | "python2" | "pycon" => "python",
        "rs" => "rust",
        "js" | "node" | "nodejs" | "mjs" | "cjs" | "jsx" => "javascript",
        "ts" | "tsx" => "typescript",
        "golang" => "go",
        "c++" | "cc" | "cxx" | "hpp" | "hxx" => "cpp",
        "h" => "c",
        "cs" | "c#" => "csharp",
        "sh" | "shell" | "zsh" | "console" | "shell-session" | "terminal" | "shellscript" => "bash",
        "yml" => "yaml",
        "make" | "mk" | "mak" | "gnumake" => "makefile",
        "patch" | "udiff" | "git-diff" | "gitdiff" => "diff",
        "md" => "markdown",
        "txt" | "plaintext" | "plain" | "output" | "log" | "none" => "text",
        "docker" | "containerfile" => "dockerfile",
        "htm" | "xhtml" => "html",
        "postgres" | "postgresql" | "mysql" | "sqlite" | "psql" | "plsql" | "tsql" => "sql",
        "rb" => "ruby",
        "kt" | "kts" => "kotlin",
        "jsonc" | "json5" => "jsonc",
        _ => return l,
    };
    canon.to_string()
}

/// Languages whose leading tabs may become spaces: a tab there is mere
/// indentation. Not Go (gofmt indents with tabs), and none of the
/// languages the lexer does not cover (Python, YAML, Makefile, shell…).
pub fn tabs_may_expand(lang: &str) -> bool {
    crate::lex::supported(lang) && lang != "go"
}

/// `<<EOF`, `<<-EOF`, `<< 'END'`, `<<~SQL`, PHP's `<<<EOT`.
pub fn has_heredoc(line: &str) -> bool {
    let mut rest = line;
    while let Some(i) = rest.find("<<") {
        let after = rest[i + 2..].trim_start_matches(['-', '~', '<']).trim_start();
        let after = after.trim_start_matches(['\'', '"']);
        if after.as_bytes().first().is_some_and(|b| b.is_ascii_uppercase() || *b == b'_') {
            return true;
        }
        rest = &rest[i + 2..];
    }
    false
}

/// A trimmed line with the set of ASCII bytes it contains, so that most
/// pattern tests are rejected without a string search.
#[derive(Clone, Copy)]
pub struct Probe<'a> {
    pub t: &'a str,
    /// Bit `b` set when ASCII byte `b` occurs (two words: a `u128` shift is
    /// a library call on wasm32).
    mask: [u64; 2],
}

impl<'a> Probe<'a> {
    pub fn new(t: &'a str) -> Self {
        let mut mask = [0u64; 2];
        for &b in t.as_bytes() {
            if b < 128 {
                mask[usize::from(b >> 6)] |= 1 << (b & 63);
            }
        }
        Probe { t, mask }
    }

    fn may_have(&self, b: u8) -> bool {
        b >= 128 || self.bit(b)
    }

    fn bit(&self, b: u8) -> bool {
        self.mask[usize::from(b >> 6) & 1] & (1 << (b & 63)) != 0
    }

    /// Contains the byte `b`.
    pub fn has_byte(&self, b: u8) -> bool {
        self.may_have(b) && (b < 128 || self.t.as_bytes().contains(&b))
    }

    /// Contains at least one of the ASCII bytes in `set`.
    pub fn has_any(&self, set: &[u8]) -> bool {
        set.iter().any(|&b| b < 128 && self.bit(b))
    }

    /// `t.contains(p)`, cheap when one of `p`'s bytes is absent.
    pub fn has(&self, p: &str) -> bool {
        let n = p.as_bytes();
        if n.len() > self.t.len() || !n.iter().all(|&b| self.may_have(b)) {
            return false;
        }
        let h = self.t.as_bytes();
        let first = n[0];
        let mut from = 0;
        // memchr for the first byte, then compare the rest by hand.
        while let Some(pos) = memchr(first, &h[from..]) {
            let i = from + pos;
            if h.len() - i < n.len() {
                return false;
            }
            if h[i + 1..i + n.len()].iter().zip(&n[1..]).all(|(a, b)| a == b) {
                return true;
            }
            from = i + 1;
        }
        false
    }

    pub fn starts(&self, p: &str) -> bool {
        let (h, n) = (self.t.as_bytes(), p.as_bytes());
        h.len() >= n.len() && h[0] == n[0] && h[..n.len()].iter().zip(n).all(|(a, b)| a == b)
    }

    pub fn ends(&self, p: &str) -> bool {
        let (h, n) = (self.t.as_bytes(), p.as_bytes());
        h.len() >= n.len()
            && h[h.len() - 1] == n[n.len() - 1]
            && h[h.len() - n.len()..].iter().zip(n).all(|(a, b)| a == b)
    }
}

/// The first `needle` in `hay` (the standard library's memchr, through
/// `<[u8]>::contains`'s sibling: `str::find` on an ASCII char).
fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// Language candidates of the scorer, in tie-break order.
const LANGS: [&str; 22] = [
    "python",
    "rust",
    "go",
    "java",
    "javascript",
    "typescript",
    "c",
    "cpp",
    "csharp",
    "sql",
    "bash",
    "yaml",
    "toml",
    "html",
    "css",
    "dockerfile",
    "makefile",
    "diff",
    "ruby",
    "php",
    "xml",
    "ini",
];

/// Indices into [`LANGS`].
mod l {
    pub const PYTHON: usize = 0;
    pub const RUST: usize = 1;
    pub const GO: usize = 2;
    pub const JAVA: usize = 3;
    pub const JAVASCRIPT: usize = 4;
    pub const TYPESCRIPT: usize = 5;
    pub const C: usize = 6;
    pub const CPP: usize = 7;
    pub const CSHARP: usize = 8;
    pub const SQL: usize = 9;
    pub const BASH: usize = 10;
    pub const YAML: usize = 11;
    pub const TOML: usize = 12;
    pub const HTML: usize = 13;
    pub const CSS: usize = 14;
    pub const DOCKERFILE: usize = 15;
    pub const MAKEFILE: usize = 16;
    pub const DIFF: usize = 17;
    pub const RUBY: usize = 18;
    pub const PHP: usize = 19;
    pub const XML: usize = 20;
    pub const INI: usize = 21;
}

/// Shell commands that open a command line.
fn is_command(w: &str) -> bool {
    matches!(
        w,
        "npm"
            | "npx"
            | "yarn"
            | "pnpm"
            | "pip"
            | "pip3"
            | "pipx"
            | "uv"
            | "cargo"
            | "rustup"
            | "git"
            | "cd"
            | "ls"
            | "mkdir"
            | "rm"
            | "cp"
            | "mv"
            | "cat"
            | "echo"
            | "export"
            | "sudo"
            | "apt"
            | "apt-get"
            | "brew"
            | "curl"
            | "wget"
            | "docker"
            | "docker-compose"
            | "kubectl"
            | "helm"
            | "chmod"
            | "chown"
            | "source"
            | "python"
            | "python3"
            | "node"
            | "deno"
            | "make"
            | "cmake"
            | "ssh"
            | "scp"
            | "tar"
            | "grep"
            | "sed"
            | "awk"
            | "systemctl"
            | "conda"
            | "poetry"
            | "touch"
            | "go"
            | "java"
            | "javac"
            | "gcc"
            | "g++"
            | "clang"
            | "terraform"
            | "ansible"
            | "psql"
            | "mysql"
            | "redis-cli"
            | "aws"
            | "gcloud"
            | "az"
            | "pytest"
            | "jest"
            | "nvm"
            | "bundle"
            | "gem"
            | "rails"
            | "composer"
            | "dotnet"
            | "mvn"
            | "gradle"
            | "unzip"
            | "ln"
            | "find"
            | "xargs"
            | "kill"
            | "ps"
            | "env"
            | "set"
            | "alias"
            | "tail"
            | "head"
            | "less"
            | "openssl"
            | "ssh-keygen"
            | "rsync"
            | "zip"
            | "pwd"
            | "which"
            | "whoami"
            | "code"
            | "vim"
            | "nano"
    )
}

/// Commands that are also English words.
fn is_english_command(w: &str) -> bool {
    matches!(
        w,
        "make"
            | "go"
            | "find"
            | "set"
            | "source"
            | "kill"
            | "head"
            | "tail"
            | "less"
            | "touch"
            | "which"
            | "cat"
            | "echo"
            | "ps"
            | "alias"
            | "zip"
            | "env"
            | "code"
            | "python"
            | "node"
            | "java"
            | "gem"
            | "bundle"
            | "rails"
    )
}

/// Whether `t` (a trimmed line) starts with a shell command and reads as
/// one: `npm install express`, `cd my-app && ls`.
pub fn looks_like_command(t: &str) -> bool {
    let t = t.strip_prefix("sudo ").unwrap_or(t);
    let mut words = t.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    if !is_command(first) {
        return false;
    }
    match words.next() {
        None => matches!(first, "ls" | "pwd" | "make" | "whoami"),
        // Commands that are also English words need an argument that reads
        // as one: `make install`, `go run .`, `cat ~/.bashrc`, not "make sure".
        Some(second) if is_english_command(first) => {
            let arg_like = second.starts_with(['-', '.', '/', '~', '$', '"', '\''])
                || second.contains(['/', '.', '=', '*'])
                || second.bytes().all(|b| b.is_ascii_digit());
            let sub = match first {
                "make" => matches!(
                    second,
                    "install"
                        | "build"
                        | "test"
                        | "clean"
                        | "all"
                        | "run"
                        | "check"
                        | "release"
                        | "dev"
                        | "lint"
                        | "fmt"
                ),
                "go" => matches!(
                    second,
                    "run" | "build" | "test" | "get" | "mod" | "install" | "fmt" | "vet" | "generate" | "work"
                ),
                "ps" => matches!(second, "aux" | "-ef"),
                "set" => second.starts_with(['-', '+']),
                _ => false,
            };
            (arg_like || sub) && !ends_sentence(t)
        }
        Some(second) => {
            let prose_word = matches!(
                second,
                "is" | "are"
                    | "was"
                    | "were"
                    | "has"
                    | "have"
                    | "will"
                    | "can"
                    | "should"
                    | "could"
                    | "would"
                    | "does"
                    | "did"
                    | "and"
                    | "or"
                    | "the"
                    | "a"
                    | "an"
                    | "to"
                    | "of"
                    | "in"
                    | "for"
                    | "with"
                    | "on"
                    | "it"
                    | "that"
                    | "this"
                    | "which"
                    | "may"
                    | "might"
                    | "must"
                    | "lets"
                    | "helps"
            );
            !prose_word && !ends_sentence(t)
        }
    }
}

/// The last word ends a sentence ("works.", "this?"), unlike `go run .`.
fn ends_sentence(t: &str) -> bool {
    let last = t.split_whitespace().last().unwrap_or("");
    last.ends_with(['?', '!', ':'])
        || last.len() > 1 && last.ends_with('.') && last[..last.len() - 1].bytes().all(|b| b.is_ascii_alphabetic())
}

/// Detect the language of an unlabelled block. `None` when no language is
/// clearly ahead.
///
/// Each line adds weights to the languages its shape suggests. Rules are
/// grouped by the first word and by rare bytes (`:`, `(`, `.`, `<`, `$`…)
/// so that a line costs a handful of comparisons, not a hundred searches.
pub fn detect(lines: &[String]) -> Option<&'static str> {
    // An HTTP request or response ("GET /path HTTP/1.1", "HTTP/1.1 200 OK"):
    // its header lines look like YAML, but it is not.
    let first = lines.iter().map(|l| l.trim_ascii()).find(|l| !l.is_empty())?;
    if is_http_start_line(first) {
        return Some("http");
    }
    match scores(lines)? {
        Scores::Json => Some("json"),
        Scores::Weights(s, _) => {
            let mut order: Vec<usize> = (0..LANGS.len()).collect();
            order.sort_by(|&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)));
            let (best, second) = (s[order[0]], s[order[1]]);
            (best >= 3.0 && best >= second * 1.5 + 0.5).then(|| LANGS[order[0]])
        }
    }
}

fn is_http_start_line(t: &str) -> bool {
    let mut w = t.split(' ');
    match (w.next(), w.next(), w.next()) {
        (Some(m), Some(path), Some(v)) => {
            matches!(m, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS")
                && (path.starts_with('/') || path.starts_with("http"))
                && v.starts_with("HTTP/")
        }
        (Some(v), Some(code), _) => {
            v.starts_with("HTTP/") && code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// Whether anything in `lines` suggests a language whose indentation or
/// tabs carry meaning (Python, YAML, a Makefile), whatever language leads.
/// Such a block keeps its whitespace even when it is labelled or detected
/// as something else.
pub fn whitespace_sensitive_evidence(lines: &[String]) -> bool {
    match scores(lines) {
        Some(Scores::Weights(s, (yaml, counted))) => {
            s[l::PYTHON] > 0.0 || s[l::YAML] > 0.0 || s[l::MAKEFILE] > 0.0 || yaml >= 3 && yaml * 10 >= counted * 4
        }
        _ => false,
    }
}

enum Scores {
    Json,
    /// The weights, and how many lines read as YAML out of how many
    /// non-blank, non-comment lines.
    Weights([f32; LANGS.len()], (usize, usize)),
}

fn scores(lines: &[String]) -> Option<Scores> {
    // JSON: the block without its blank end lines (which the tidy drops
    // anyway, so the answer is the same before and after it) parses.
    let first = lines.iter().position(|l| !l.trim_ascii().is_empty())?;
    let last = lines.iter().rposition(|l| !l.trim_ascii().is_empty())?;
    if lines[first].trim_start().starts_with(['{', '['])
        && serde_json::from_str::<serde::de::IgnoredAny>(&lines[first..=last].join("\n")).is_ok()
    {
        return Some(Scores::Json);
    }
    let mut s = [0f32; LANGS.len()];
    // YAML: the share of lines that are `key: value` / `- item` (comments
    // aside), counting the text of a block scalar (`run: |`) as YAML.
    let block = yaml_block_scalar_lines(lines);
    let (mut nonblank, mut yaml_lines, mut comments) = (0usize, 0usize, 0usize);
    let mut prev_target = false;
    for (raw, in_block) in lines.iter().zip(&block) {
        let t = raw.trim_ascii();
        if t.is_empty() {
            continue;
        }
        nonblank += 1;
        let comment = t.starts_with('#') && !t.starts_with("#!") && !t.starts_with("#[") && !t.starts_with("#include");
        comments += usize::from(comment);
        if *in_block {
            yaml_lines += 1;
            continue;
        }
        // C-style comments hold prose and examples in any language.
        if t.starts_with("//") || t.starts_with("/*") || t.starts_with("*") {
            continue;
        }
        let p = Probe::new(t);
        score_line(raw, t, &p, prev_target, &mut s);
        prev_target = p.has_byte(b':') && is_make_target(t);
        if !comment && (p.has_byte(b':') || t.starts_with('-')) && is_yaml_line(t) {
            yaml_lines += 1;
        }
    }
    // `end` alone is Ruby only next to something else Ruby.
    let ends = lines.iter().filter(|l| l.trim_ascii() == "end").count() as f32;
    if s[l::RUBY] <= ends {
        s[l::RUBY] = 0.0;
    }
    let counted = nonblank - comments;
    if counted >= 2 && yaml_lines * 10 >= counted * 7 {
        s[l::YAML] += yaml_lines as f32;
    }

    // TypeScript is JavaScript plus type syntax.
    let (js, ts) = (s[l::JAVASCRIPT], s[l::TYPESCRIPT]);
    if ts <= js {
        s[l::TYPESCRIPT] = 0.0;
    } else {
        s[l::JAVASCRIPT] = 0.0;
    }
    Some(Scores::Weights(s, (yaml_lines, counted)))
}

/// Add the weights one non-blank line suggests.
fn score_line(raw: &str, t: &str, p: &Probe<'_>, prev_target: bool, s: &mut [f32; LANGS.len()]) {
    let mut add = |lang: usize, w: f32| s[lang] += w;
    let starts = |x: &str| p.starts(x);
    let has = |x: &str| p.has(x);
    let ends = |x: &str| p.ends(x);
    let word_len = t.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    let first = &t[..word_len];
    let rest = t[word_len..].trim_start();

    // Makefile: a target followed by a tab-indented recipe.
    if prev_target && raw.starts_with('\t') {
        add(l::MAKEFILE, 3.0);
    }

    // Lines opened by punctuation.
    match t.as_bytes()[0] {
        b'#' => {
            if starts("#!/bin/bash") || starts("#!/bin/sh") || starts("#!/usr/bin/env bash") || starts("#!/bin/zsh") {
                add(l::BASH, 6.0);
            }
            if starts("#[") || starts("#![") {
                add(l::RUST, 3.0);
            }
            if starts("#include") || starts("#define ") || starts("#ifndef ") {
                add(l::C, 1.5);
                add(l::CPP, 1.5);
                if starts("#include <stdio.h>") || starts("#include <stdlib.h>") || starts("#include <string.h>") {
                    add(l::C, 3.0);
                }
                if starts("#include <iostream>") || starts("#include <vector>") || starts("#include <string>") {
                    add(l::CPP, 3.0);
                }
            }
        }
        b'$' if starts("$ ") => add(l::BASH, 3.0),
        b'>' if starts(">>> ") => add(l::PYTHON, 2.0),
        b'.' if starts(".PHONY") => add(l::MAKEFILE, 5.0),
        b'@' => {
            if starts("@@ ") && has(" @@") {
                add(l::DIFF, 4.0);
            }
            if starts("@Override") {
                add(l::JAVA, 4.0);
            }
            if starts("@media") || starts("@import") || starts("@keyframes") {
                add(l::CSS, 3.0);
            }
        }
        b':' if starts(":root") => add(l::CSS, 3.0),
        b'<' => {
            if starts("<?php") {
                add(l::PHP, 5.0);
            }
            if t.len() >= 14 && t.as_bytes()[..14].eq_ignore_ascii_case(b"<!doctype html") || starts("<html") {
                add(l::HTML, 6.0);
            }
            if starts("<?xml") || has(" xmlns") {
                add(l::XML, 6.0);
            }
            if ends(">") && t.as_bytes().get(1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/') {
                // A tag line: HTML when the tag is one, else XML.
                let name: String = t[1..]
                    .trim_start_matches('/')
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .map(|b| char::from(b.to_ascii_lowercase()))
                    .collect();
                add(if is_html_tag(&name) { l::HTML } else { l::XML }, 1.0);
            }
        }
        b'[' if is_toml_header(t) => {
            add(l::TOML, 3.0);
            add(l::INI, 2.0);
        }
        b'-' | b'+' | b'd' if starts("diff --git") || starts("--- a/") || starts("+++ b/") => add(l::DIFF, 4.0),
        _ => {}
    }

    // Lines opened by a keyword.
    match first {
        "def" if ends(":") => add(l::PYTHON, 4.0),
        "async" if rest.starts_with("def ") && ends(":") => add(l::PYTHON, 4.0),
        "async" if rest.starts_with("fn ") => add(l::RUST, 4.0),
        "async" if rest.starts_with("function ") => {
            add(l::JAVASCRIPT, 3.0);
            add(l::TYPESCRIPT, 3.0);
        }
        "class" if ends(":") => add(l::PYTHON, 3.0),
        "from" if has(" import ") => add(l::PYTHON, 4.0),
        "import" => {
            if rest.starts_with('(') {
                add(l::GO, 3.0);
            } else if rest.starts_with("java") {
                add(l::JAVA, 4.0);
            } else if rest.starts_with("type ") {
                add(l::TYPESCRIPT, 3.0);
            } else if has(" from '") || has(" from \"") {
                add(l::JAVASCRIPT, 3.0);
                add(l::TYPESCRIPT, 3.0);
            } else if !ends(";") && !p.has_byte(b'{') && !p.has_byte(b'"') && !p.has_byte(b'\'') {
                add(l::PYTHON, 2.0);
            }
        }
        "elif" if ends(":") => add(l::PYTHON, 3.0),
        "except" if ends(":") => add(l::PYTHON, 3.0),
        "try" | "else" | "finally" if rest == ":" => add(l::PYTHON, 3.0),
        "pass" if rest.is_empty() => add(l::PYTHON, 2.0),
        "if" | "for" | "while" | "with" if ends(":") => add(l::PYTHON, 1.5),
        "raise" => add(l::PYTHON, 0.5),
        "print" if rest.starts_with('(') => add(l::PYTHON, 1.0),
        "fn" if p.has_byte(b'(') => add(l::RUST, 4.0),
        "pub" => {
            if (rest.starts_with("fn ") || rest.starts_with("(crate) fn ") || rest.starts_with("async fn "))
                && p.has_byte(b'(')
            {
                add(l::RUST, 4.0);
            }
            if rest.starts_with("struct ") {
                add(l::RUST, 2.0);
            }
        }
        "let" if rest.starts_with("mut ") => add(l::RUST, 3.0),
        "use" if has("::") => add(l::RUST, 3.0),
        "impl" if ends("{") => add(l::RUST, 3.0),
        "mod" | "trait" => add(l::RUST, 2.0),
        "package" if !ends(";") => add(l::GO, 3.0),
        "package" => add(l::JAVA, 2.0),
        "func" => add(l::GO, 4.0),
        "go" if rest.starts_with("func") => add(l::GO, 3.0),
        "defer" => add(l::GO, 3.0),
        "type" => {
            if ends("struct {") || ends("interface {") {
                add(l::GO, 3.0);
            } else if has(" = ") {
                add(l::TYPESCRIPT, 3.0);
            }
        }
        "public" | "private" | "protected" => {
            add(l::JAVA, 1.0);
            add(l::CSHARP, 1.0);
            if has("static void main") {
                add(l::JAVA, 4.0);
            }
            if rest == ":" {
                add(l::CPP, 3.0);
            }
        }
        "using" => {
            if rest.starts_with("System") {
                add(l::CSHARP, 4.0);
            }
            if rest.starts_with("namespace") {
                add(l::CPP, 3.0);
            }
        }
        "function" => {
            add(l::JAVASCRIPT, 3.0);
            add(l::TYPESCRIPT, 3.0);
        }
        "export" => {
            if rest.starts_with("function ") || rest.starts_with("default ") {
                add(l::JAVASCRIPT, 3.0);
                add(l::TYPESCRIPT, 3.0);
            }
            if rest.starts_with("interface ") {
                add(l::TYPESCRIPT, 3.0);
            }
        }
        "interface" => add(l::TYPESCRIPT, 3.0),
        "const" | "let" | "var" => {
            add(l::JAVASCRIPT, 1.0);
            add(l::TYPESCRIPT, 1.0);
        }
        "template" if p.has_byte(b'<') => add(l::CPP, 3.0),
        "int" if rest.starts_with("main(") => {
            add(l::C, 1.0);
            add(l::CPP, 1.0);
        }
        "fi" | "done" | "esac" | "then" | "do" if rest.is_empty() => add(l::BASH, 3.0),
        "if" | "elif" if rest.starts_with('[') => add(l::BASH, 3.0),
        "for" if has("; do") => add(l::BASH, 3.0),
        "puts" | "module" | "attr_accessor" => add(l::RUBY, 3.0),
        "require" if rest.starts_with('\'') => add(l::RUBY, 3.0),
        "end" if rest.is_empty() => add(l::RUBY, 1.0),
        _ => {}
    }
    if word_len > 0 && t.as_bytes()[0].is_ascii_uppercase() {
        score_upper(t, first, rest, p, &mut add);
    }
    if t.as_bytes()[0].is_ascii_lowercase() && looks_like_command(t) {
        add(l::BASH, 2.0);
    }

    // Shapes found anywhere in a line, gated by the rare bytes they need.
    if p.has_byte(b':') {
        if has("::") {
            add(l::RUST, 0.5);
            add(l::CPP, 0.5);
            if has("std::") && first != "use" && first != "let" && first != "fn" {
                add(l::CPP, 2.0);
            }
            if has("String::") {
                add(l::RUST, 2.0);
            }
        }
        if has(":=") {
            add(l::GO, 1.5);
        }
        if has(": string") || has(": number") || has(": boolean") || has(": void") || has(": any") {
            add(l::TYPESCRIPT, 3.0);
        }
        // Type annotations: a return type (`): T[] {`), a typed binding
        // (`const seen: Set<T> =`), a union with null.
        if (has("): ") && ends("{")) || has("| null") || has("| undefined") {
            add(l::TYPESCRIPT, 3.0);
        }
        if (first == "const" || first == "let") && rest.split_once(" =").is_some_and(|(lhs, _)| lhs.contains(": ")) {
            add(l::TYPESCRIPT, 3.0);
        }
    }
    if p.has_byte(b'!') {
        if has("println!(") || has("format!(") || has("vec![") || has("macro_rules!") {
            add(l::RUST, 3.0);
        }
        if has("err != nil") {
            add(l::GO, 3.0);
        }
        if has("!==") {
            add(l::JAVASCRIPT, 3.0);
            add(l::TYPESCRIPT, 3.0);
        }
    }
    if p.has_byte(b'&') && (has("&mut ") || has("&str")) {
        add(l::RUST, 3.0);
    }
    if p.has_byte(b'<') {
        if has("Option<") || has("Result<") || has("Vec<") {
            add(l::RUST, 2.0);
        }
        if has("cout <<") {
            add(l::CPP, 3.0);
        }
    }
    if p.has_byte(b'.') {
        if has(".unwrap()") {
            add(l::RUST, 2.0);
        }
        if has("self.") || has("__init__") || has("__name__") {
            add(l::PYTHON, 2.0);
        }
        if has("fmt.") {
            add(l::GO, 3.0);
        }
        if has("System.out.") {
            add(l::JAVA, 4.0);
        }
        if has("Console.Write") {
            add(l::CSHARP, 4.0);
        }
        if has("console.log") || has("module.exports") || has("document.") || has(".addEventListener") {
            add(l::JAVASCRIPT, 3.0);
            add(l::TYPESCRIPT, 3.0);
        }
        if has(" do |") {
            add(l::RUBY, 3.0);
        }
    } else if has("__init__") || has("__name__") {
        add(l::PYTHON, 2.0);
    }
    if p.has_byte(b'(') {
        if has("printf(") || has("malloc(") || has("scanf(") {
            add(l::C, 3.0);
        }
        if has("require(") {
            add(l::JAVASCRIPT, 3.0);
            add(l::TYPESCRIPT, 3.0);
        }
        if has("print(f\"") {
            add(l::PYTHON, 2.0);
        }
    }
    if p.has_byte(b'=') {
        if has("=>") {
            add(l::JAVASCRIPT, 1.0);
            add(l::TYPESCRIPT, 1.0);
        }
        // Strict equality, not a rule drawn with `=` (an ASCII diagram or
        // a setext underline: "=======").
        if has("===") && !has("====") {
            add(l::JAVASCRIPT, 3.0);
            add(l::TYPESCRIPT, 3.0);
        }
        if has(" = ") && is_toml_pair(t) {
            add(l::TOML, 0.5);
        } else if is_ini_pair(t) {
            add(l::INI, 1.0);
        }
    }
    if p.has_byte(b'$') {
        if has("${") {
            add(l::BASH, 1.0);
        }
        if has("$(") && !has("$((") {
            add(l::MAKEFILE, 0.5);
            add(l::BASH, 0.5);
        }
        if has("$this->") {
            add(l::PHP, 5.0);
        }
    }
    if p.has_byte(b'*') && (has("char *") || has("char* ")) || has("NULL") {
        add(l::C, 1.0);
        add(l::CPP, 1.0);
    }
    if has("nullptr") {
        add(l::CPP, 3.0);
    }
    if has(" None") || has("True") || has("False") || has("lambda ") {
        add(l::PYTHON, 0.5);
    }
    if has(" chan ") {
        add(l::GO, 3.0);
    }
    if has("String[]") || has(" throws ") {
        add(l::JAVA, 2.0);
    }
    if has("{ get; set; }") || has("async Task") {
        add(l::CSHARP, 4.0);
    }
    if has(" as const") || has("readonly ") {
        add(l::TYPESCRIPT, 3.0);
    }
    if ends(";") && p.has_byte(b':') && is_css_declaration(t) {
        add(l::CSS, 1.5);
    }
    if ends("{") && is_css_selector(&t[..t.len() - 1]) {
        add(l::CSS, 1.0);
    }
    if t == "---" {
        add(l::YAML, 1.0);
    }
}

/// Rules for lines opened by an upper-case word: SQL, Dockerfile.
fn score_upper(t: &str, first: &str, rest: &str, p: &Probe<'_>, add: &mut impl FnMut(usize, f32)) {
    let has = |x: &str| p.has(x);
    match first {
        "SELECT" => {
            add(l::SQL, 2.0);
            if has(" FROM ") || p.ends(",") || p.has_byte(b'*') {
                add(l::SQL, 4.0);
            }
        }
        "INSERT" if rest.starts_with("INTO ") => add(l::SQL, 4.0),
        "DELETE" if rest.starts_with("FROM ") => add(l::SQL, 4.0),
        "UPDATE" if has(" SET ") => add(l::SQL, 4.0),
        "CREATE" if rest.starts_with("TABLE ") || rest.starts_with("INDEX ") => add(l::SQL, 4.0),
        "ALTER" | "DROP" if rest.starts_with("TABLE ") => add(l::SQL, 4.0),
        "WHERE" | "JOIN" | "HAVING" | "LIMIT" | "VALUES" | "SET" | "ON" => add(l::SQL, 1.5),
        "LEFT" | "INNER" if rest.starts_with("JOIN ") => add(l::SQL, 1.5),
        "GROUP" | "ORDER" if rest.starts_with("BY ") => add(l::SQL, 1.5),
        "FROM" => {
            add(l::SQL, 1.5);
            let image = rest.split_whitespace().next().unwrap_or("");
            let base_image = image.contains([':', '/', '$'])
                || matches!(
                    image,
                    "scratch"
                        | "alpine"
                        | "ubuntu"
                        | "debian"
                        | "node"
                        | "python"
                        | "golang"
                        | "rust"
                        | "nginx"
                        | "busybox"
                        | "centos"
                        | "fedora"
                        | "openjdk"
                        | "postgres"
                        | "redis"
                );
            if base_image || has(" AS ") && t.split_whitespace().count() == 4 {
                add(l::DOCKERFILE, 3.0);
            }
        }
        "RUN" | "COPY" | "WORKDIR" | "CMD" | "ENTRYPOINT" | "EXPOSE" | "ENV" | "ARG" | "ADD" | "USER" | "VOLUME"
        | "HEALTHCHECK" | "LABEL"
            if t.as_bytes().get(first.len()) == Some(&b' ') =>
        {
            add(l::DOCKERFILE, 2.0)
        }
        _ => {}
    }
}

fn is_ident(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// `build: main.o util.o`, `all:`, `%.o: %.c`.
fn is_make_target(t: &str) -> bool {
    let Some((target, rest)) = t.split_once(':') else {
        return false;
    };
    !target.is_empty()
        && !rest.starts_with('=')
        && !rest.starts_with(':')
        && target.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-./%$() ".contains(&b))
        && !rest.contains(['{', ';', '(', '"'])
}

/// `color: red;`, `margin: 0 auto !important;`.
fn is_css_declaration(t: &str) -> bool {
    let Some(body) = t.strip_suffix(';') else {
        return false;
    };
    let Some((prop, value)) = body.split_once(':') else {
        return false;
    };
    !prop.is_empty()
        && prop.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !value.trim().is_empty()
        && !value.contains(['(', '=']) | value.contains("var(") | value.contains("rgb") | value.contains("calc(")
}

/// `body`, `.btn:hover`, `#main > p`, `a, button`.
fn is_css_selector(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && (s.starts_with(['.', '#', ':', '*'])
            || s.split([' ', ',']).all(|w| {
                w.is_empty()
                    || matches!(
                        w,
                        "body"
                            | "html"
                            | "div"
                            | "p"
                            | "a"
                            | "span"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "ul"
                            | "li"
                            | "button"
                            | "input"
                            | "img"
                            | "nav"
                            | "header"
                            | "footer"
                            | "main"
                            | "section"
                            | "table"
                            | "td"
                            | "tr"
                            | "form"
                            | ">"
                            | "+"
                            | "~"
                    )
            }))
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b" .#:-_>*+~,[]=\"()".contains(&b))
}

/// `[package]`, `[[bin]]`, `[tool.poetry]`.
fn is_toml_header(t: &str) -> bool {
    let inner = t
        .strip_prefix("[[")
        .and_then(|r| r.strip_suffix("]]"))
        .or_else(|| t.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
    inner.is_some_and(|i| {
        !i.is_empty()
            && i.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.\"".contains(&b))
            && i.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

/// `envlist = py36, py37`, `max-line-length = 100` with a value TOML
/// would not take (unquoted text).
fn is_ini_pair(t: &str) -> bool {
    let Some((k, v)) = t.split_once('=') else {
        return false;
    };
    let (k, v) = (k.trim(), v.trim());
    !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        && !v.is_empty()
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(v, "true" | "false")
        && !v.contains(['(', ';', '{'])
}

/// HTML element names (anything else in angle brackets is XML).
fn is_html_tag(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "head"
            | "body"
            | "div"
            | "span"
            | "p"
            | "a"
            | "ul"
            | "ol"
            | "li"
            | "table"
            | "thead"
            | "tbody"
            | "tr"
            | "td"
            | "th"
            | "img"
            | "script"
            | "style"
            | "link"
            | "meta"
            | "title"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "form"
            | "input"
            | "button"
            | "nav"
            | "header"
            | "footer"
            | "main"
            | "section"
            | "article"
            | "br"
            | "hr"
            | "pre"
            | "code"
            | "em"
            | "strong"
            | "label"
            | "select"
            | "option"
            | "textarea"
            | "iframe"
            | "svg"
            | "b"
            | "i"
            | "small"
            | "dl"
            | "dt"
            | "dd"
            | "template"
    )
}

/// `name = "x"`, `version = 1`, `features = ["a"]`.
fn is_toml_pair(t: &str) -> bool {
    let Some((k, v)) = t.split_once(" = ") else {
        return false;
    };
    let v = v.trim();
    k.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.\"".contains(&b))
        && (v.starts_with(['"', '\'', '[', '{']) || v == "true" || v == "false" || v.parse::<f64>().is_ok())
}

/// The lines of YAML block scalars: after a `key: |` / `key: >-` line,
/// the lines indented deeper than it (blank lines included).
fn yaml_block_scalar_lines(lines: &[String]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim_end();
        let tail = t.rsplit(' ').next().unwrap_or("");
        let opener = t.contains(':')
            && matches!(tail, "|" | ">" | "|-" | ">-" | "|+" | ">+")
            && is_yaml_line(t.trim_start().trim_end_matches(tail).trim_end());
        i += 1;
        if !opener {
            continue;
        }
        let depth = lines[i - 1].len() - lines[i - 1].trim_start().len();
        while i < lines.len() {
            let l = &lines[i];
            let blank = l.trim_ascii().is_empty();
            if !blank && l.len() - l.trim_start().len() <= depth {
                break;
            }
            out[i] = true;
            i += 1;
        }
    }
    out
}

/// `key: value`, `key:`, `- item` (and not Python's `else:`). A value
/// that starts with `` ` `` or `@` is no YAML: both are reserved
/// indicators that no plain scalar may start with (YAML 1.2, 5.3) — and
/// the first is how a Markdown list item starts with code.
pub fn is_yaml_line(t: &str) -> bool {
    if t.starts_with('#') || t == "-" {
        return true;
    }
    if let Some(item) = t.strip_prefix("- ") {
        return !item.trim_start().starts_with(['`', '@']);
    }
    let Some((k, v)) = t.split_once(':') else {
        return false;
    };
    if v.trim_start().starts_with(['`', '@']) {
        return false;
    }
    let k = k.trim_start_matches("- ").trim_matches(['"', '\'']);
    !k.is_empty()
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-. /".contains(&b))
        && !matches!(k, "else" | "try" | "finally" | "except" | "default" | "public" | "private" | "protected")
        && !k.contains(' ')
        && (v.is_empty() || v.starts_with(' '))
        && !t.ends_with([';', '{', ','])
        && !is_ident_call(k)
}

fn is_ident_call(k: &str) -> bool {
    k.ends_with(')') && is_ident(k.split('(').next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: &str) -> Option<&'static str> {
        let lines: Vec<String> = code.lines().map(str::to_string).collect();
        detect(&lines)
    }

    #[test]
    fn labels_normalise() {
        assert_eq!(normalize("py"), "python");
        assert_eq!(normalize("JS"), "javascript");
        assert_eq!(normalize("sh"), "bash");
        assert_eq!(normalize("yml"), "yaml");
        assert_eq!(normalize("Makefile"), "makefile");
        assert_eq!(normalize("elixir"), "elixir");
    }

    #[test]
    fn an_http_request_is_not_yaml_and_typed_code_is_typescript() {
        // Both were mislabelled on the example data (found by the harm
        // check's `mislabelled` rule): headers read as YAML, and a generic
        // function with type annotations as JavaScript.
        let http: Vec<String> =
            ["GET /api/v1/messages?page=2 HTTP/1.1", "Host: api.example.com", "Accept: */*"].map(String::from).to_vec();
        assert_eq!(detect(&http), Some("http"));
        let ts: Vec<String> = [
            "function dedupe<T>(items: T[]): T[] {",
            "  const seen = new Set<T>();",
            "  const result: T[] = [];",
            "  return result;",
            "}",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(detect(&ts), Some("typescript"));
    }

    #[test]
    fn an_ascii_diagram_is_not_javascript() {
        // Found in a crate's design doc (bench/corpus/registry): rules drawn
        // with `=` read as JavaScript's `===`, and the diagram was labelled.
        let t = "<----------------- 8 bytes ----------------->\n==============================================\n| num_allocators       | sub_allocator_len     |\n| BtreeBitmap data...                          |\n==============================================";
        let lines: Vec<String> = t.lines().map(String::from).collect();
        assert_eq!(detect(&lines), None);
        let js: Vec<String> = ["if (a === b) {", "  return x => x + 1;", "}"].map(String::from).to_vec();
        assert_eq!(detect(&js), Some("javascript"));
    }

    #[test]
    fn detects_common_languages() {
        let cases = [
            ("def add(a, b):\n    return a + b\n\nprint(add(1, 2))", "python"),
            (
                "import os\nfrom pathlib import Path\n\nclass Loader:\n    def __init__(self, root):\n        self.root = root",
                "python",
            ),
            ("fn main() {\n    let mut v = Vec::new();\n    v.push(1);\n    println!(\"{:?}\", v);\n}", "rust"),
            ("use std::collections::HashMap;\n\npub struct Cache {\n    map: HashMap<String, u32>,\n}", "rust"),
            ("function greet(name) {\n  console.log(`Hello ${name}`);\n}\nmodule.exports = greet;", "javascript"),
            ("const add = (a, b) => a + b;\nexport default add;", "javascript"),
            (
                "interface User {\n  id: number;\n  name: string;\n}\nconst u: User = { id: 1, name: \"a\" };",
                "typescript",
            ),
            ("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := 1\n\tfmt.Println(x)\n}", "go"),
            (
                "public class Main {\n    public static void main(String[] args) {\n        System.out.println(\"hi\");\n    }\n}",
                "java",
            ),
            ("#include <stdio.h>\n\nint main(void) {\n    printf(\"hi\\n\");\n    return 0;\n}", "c"),
            ("#include <iostream>\n\nint main() {\n    std::cout << \"hi\" << std::endl;\n}", "cpp"),
            ("using System;\n\nclass P {\n    static void Main() { Console.WriteLine(\"hi\"); }\n}", "csharp"),
            ("SELECT id, name\nFROM users\nWHERE active = 1\nORDER BY name;", "sql"),
            ("#!/bin/bash\nset -e\nfor f in *.txt; do\n  echo \"$f\"\ndone", "bash"),
            ("npm install express\nnpm run dev", "bash"),
            ("{\"name\": \"x\", \"version\": 1}", "json"),
            ("name: build\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest", "yaml"),
            ("[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"", "toml"),
            ("<!DOCTYPE html>\n<html>\n<body><p>hi</p></body>\n</html>", "html"),
            ("body {\n  margin: 0;\n  color: #333;\n}\n.btn:hover {\n  color: red;\n}", "css"),
            (
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]",
                "dockerfile",
            ),
            (".PHONY: build\nbuild: main.o\n\tcc -o app main.o", "makefile"),
            ("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new", "diff"),
        ];
        for (code, want) in cases {
            assert_eq!(d(code), Some(want), "{code}");
        }
    }

    #[test]
    fn prose_and_tiny_snippets_stay_unknown() {
        assert_eq!(d("Hello world.\nThis is plain text."), None);
        assert_eq!(d("x"), None);
        assert_eq!(d("42"), None);
    }

    #[test]
    fn commands() {
        assert!(looks_like_command("npm install express"));
        assert!(looks_like_command("sudo apt-get install -y curl"));
        assert!(looks_like_command("ls"));
        assert!(!looks_like_command("git is a version control system"));
        assert!(!looks_like_command("make sure it works."));
        assert!(!looks_like_command("echo"));
        assert!(!looks_like_command("make sure you have Python installed"));
        assert!(!looks_like_command("go to the settings page"));
        assert!(!looks_like_command("find the option you need"));
        assert!(looks_like_command("make install"));
        assert!(looks_like_command("cd my-app"));
        assert!(looks_like_command("go run ."));
        assert!(looks_like_command("cat ~/.bashrc"));
    }
}
