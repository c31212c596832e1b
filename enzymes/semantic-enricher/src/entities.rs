//! Code identifiers and file names mentioned in a text.
//!
//! Identifiers come from fenced code blocks and inline code spans only:
//! - in a code block, a name counts when it is defined (after `def`, `fn`,
//!   `class`, `let`, `const`, …), called (`name(`), or shaped like a code
//!   name (`snake_case`, `camelCase`, `PascalCase`, `SCREAMING_CASE`);
//!   strings and comments are skipped;
//! - an inline span counts when it is a name or a path of names
//!   (`parse_config`, `HashMap::new`, `useEffect()`), each part a name.
//!
//! Keywords of common languages and a few ubiquitous built-ins are never
//! identifiers. Files are path-like tokens with a known extension
//! (`src/main.rs`, `package.json`) or a known bare name (`Dockerfile`).

use crate::markdown::{Piece, inline_code, pieces};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: these sets hold short keys and are probed once per token, where
/// SipHash's setup would dominate.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A set with the [`Fnv`] hasher.
pub type FastSet<T> = HashSet<T, BuildHasherDefault<Fnv>>;

/// Keywords of Python, Rust, JavaScript/TypeScript, Go, Java, C/C++, C#,
/// Ruby, PHP, SQL and shell, plus literals; compared in lowercase.
const KEYWORDS: &[&str] = &[
    // Python
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "none",
    "true",
    "false",
    "self",
    "cls",
    "match",
    "case",
    // Rust
    "crate",
    "dyn",
    "enum",
    "extern",
    "fn",
    "impl",
    "let",
    "loop",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "static",
    "struct",
    "super",
    "trait",
    "type",
    "unsafe",
    "use",
    "where",
    "const",
    "macro_rules",
    // JavaScript / TypeScript
    "var",
    "function",
    "new",
    "this",
    "typeof",
    "instanceof",
    "delete",
    "void",
    "throw",
    "catch",
    "switch",
    "default",
    "do",
    "export",
    "extends",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "readonly",
    "declare",
    "namespace",
    "module",
    "require",
    "undefined",
    "null",
    "nan",
    "of",
    "get",
    "set",
    "keyof",
    "infer",
    "unknown",
    "any",
    "never",
    "abstract",
    // Go
    "func",
    "chan",
    "defer",
    "go",
    "goto",
    "map",
    "range",
    "select",
    "fallthrough",
    "nil",
    "iota",
    // Java / C / C++ / C#
    "boolean",
    "byte",
    "char",
    "double",
    "float",
    "int",
    "long",
    "short",
    "final",
    "native",
    "synchronized",
    "throws",
    "transient",
    "volatile",
    "strictfp",
    "unsigned",
    "signed",
    "sizeof",
    "typedef",
    "union",
    "auto",
    "register",
    "include",
    "define",
    "ifdef",
    "ifndef",
    "endif",
    "pragma",
    "template",
    "typename",
    "virtual",
    "friend",
    "operator",
    "inline",
    "explicit",
    "nullptr",
    "constexpr",
    "using",
    "override",
    "sealed",
    "internal",
    "base",
    "object",
    "string",
    "bool",
    "decimal",
    "foreach",
    "params",
    "out",
    "std",
    "main",
    // Ruby / PHP
    "begin",
    "end",
    "ensure",
    "rescue",
    "unless",
    "until",
    "then",
    "elsif",
    "redo",
    "retry",
    "echo",
    "endforeach",
    "endwhile",
    "endif",
    "array",
    "isset",
    "puts",
    "attr_accessor",
    // SQL
    "select",
    "insert",
    "into",
    "values",
    "update",
    "where",
    "join",
    "inner",
    "outer",
    "left",
    "right",
    "on",
    "group",
    "by",
    "order",
    "having",
    "limit",
    "offset",
    "create",
    "table",
    "drop",
    "alter",
    "index",
    "primary",
    "key",
    "foreign",
    "references",
    "distinct",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "like",
    "between",
    "exists",
    "returning",
    "varchar",
    "integer",
    "text",
    "timestamp",
    "serial",
    // Shell
    "fi",
    "esac",
    "done",
    "local",
    "export",
    "source",
    "sudo",
    "cd",
    "ls",
    "echo",
    "cat",
    "mkdir",
    "rm",
    // Ubiquitous built-ins, types and methods that name nothing specific
    "print",
    "println",
    "printf",
    "len",
    "str",
    "list",
    "dict",
    "tuple",
    "range",
    "open",
    "format",
    "vec",
    "option",
    "result",
    "box",
    "some",
    "ok",
    "err",
    "string",
    "number",
    "promise",
    "error",
    "exception",
    "math",
    "json",
    "console",
    "log",
    "system",
    "args",
    "kwargs",
    "argv",
    "argc",
    "i32",
    "i64",
    "u8",
    "u32",
    "u64",
    "usize",
    "isize",
    "f32",
    "f64",
    "str",
    "void",
    "append",
    "push",
    "pop",
    "unwrap",
    "expect",
    "clone",
    "iter",
    "collect",
    "into",
    "to_string",
    "length",
    "size",
    "add",
    "remove",
    "keys",
    "values",
    "items",
    "then",
    "forEach",
    "foreach",
    "tostring",
    "__init__",
    "__name__",
    "__main__",
    "__str__",
    "__repr__",
];

/// Words that open a definition: the next name (after modifiers) is
/// defined. SQL's are upper case only (Python's `from` defines nothing).
fn is_definer(word: &str) -> bool {
    matches!(
        word,
        "def"
            | "fn"
            | "function"
            | "class"
            | "struct"
            | "enum"
            | "trait"
            | "interface"
            | "type"
            | "let"
            | "const"
            | "var"
            | "func"
            | "impl"
            | "mod"
            | "module"
            | "namespace"
            | "record"
            | "union"
            | "typedef"
            | "macro_rules"
            | "FROM"
            | "JOIN"
            | "INTO"
            | "UPDATE"
            | "TABLE"
    )
}

/// Words allowed between a definer and the name it defines.
fn is_modifier(word: &str) -> bool {
    matches!(
        word,
        "mut"
            | "async"
            | "static"
            | "pub"
            | "readonly"
            | "export"
            | "default"
            | "abstract"
            | "ref"
            | "IF"
            | "NOT"
            | "EXISTS"
    )
}

/// Bare file names recognised without an extension.
const BARE_FILES: &[&str] = &[
    "Dockerfile",
    "Makefile",
    "makefile",
    "GNUmakefile",
    "Gemfile",
    "Rakefile",
    "Procfile",
    "Jenkinsfile",
    "Vagrantfile",
    "Justfile",
    "justfile",
    "Brewfile",
    "Containerfile",
    "LICENSE",
    "CODEOWNERS",
    ".gitignore",
    ".gitattributes",
    ".dockerignore",
    ".env",
    ".bashrc",
    ".zshrc",
    ".profile",
    ".bash_profile",
    ".editorconfig",
    ".prettierrc",
    ".eslintrc",
    ".npmrc",
    ".nvmrc",
    ".babelrc",
    ".gitmodules",
    ".vimrc",
    ".htaccess",
    "go.mod",
    "go.sum",
];

/// Extensions that make a token a file name.
const EXTENSIONS: &[&str] = &[
    "rs",
    "py",
    "pyi",
    "ipynb",
    "js",
    "mjs",
    "cjs",
    "jsx",
    "ts",
    "tsx",
    "go",
    "java",
    "kt",
    "kts",
    "scala",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "cs",
    "rb",
    "php",
    "swift",
    "dart",
    "lua",
    "pl",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "clj",
    "zig",
    "nim",
    "jl",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "bat",
    "cmd",
    "sql",
    "json",
    "jsonl",
    "ndjson",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "xml",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "vue",
    "svelte",
    "md",
    "mdx",
    "rst",
    "txt",
    "csv",
    "tsv",
    "lock",
    "proto",
    "graphql",
    "gql",
    "tf",
    "tfvars",
    "gradle",
    "properties",
    "wasm",
    "wat",
    "wit",
    "dockerfile",
    "mk",
    "cmake",
    "sol",
    "parquet",
    "db",
    "sqlite",
    "log",
    "pem",
    "crt",
    "key",
    "svg",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "pdf",
    "zip",
    "gz",
    "tgz",
    "env",
    "example",
    "sample",
    "tmpl",
    "j2",
];

/// Stems that make `stem.ext` a member access rather than a file
/// (`console.log`, `process.env`, `np.sum`).
const MEMBER_STEMS: &[&str] = &[
    "console", "process", "math", "np", "numpy", "pd", "torch", "tf", "self", "this", "os", "sys", "logger", "logging",
    "window", "document", "req", "res", "response", "request", "r",
];

/// Finds identifiers and files; built once.
pub struct Extractor {
    keywords: FastSet<&'static str>,
    extensions: FastSet<&'static str>,
    bare_files: FastSet<&'static str>,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor {
            keywords: KEYWORDS.iter().copied().collect(),
            extensions: EXTENSIONS.iter().copied().collect(),
            bare_files: BARE_FILES.iter().copied().collect(),
        }
    }
}

/// Collects distinct strings in first-seen order, up to a cap.
pub struct Bag {
    items: Vec<String>,
    max: usize,
}

impl Bag {
    pub fn new(max: usize) -> Self {
        Bag { items: Vec::new(), max }
    }
    pub fn full(&self) -> bool {
        self.items.len() >= self.max
    }
    pub fn push(&mut self, s: &str) {
        if !self.full() && !self.items.iter().any(|i| i == s) {
            self.items.push(s.to_string());
        }
    }
    pub fn into_vec(self) -> Vec<String> {
        self.items
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Shaped like a code name, as no prose word is: `snake_case` or
/// `SCREAMING_CASE` (an inner underscore), `camelCase`, or `PascalCase`
/// (3+ chars, upper first, some lower).
fn code_shaped(name: &str) -> bool {
    let b = name.as_bytes();
    let inner_underscore = b.len() >= 3 && b[1..b.len() - 1].contains(&b'_');
    let has_lower = b.iter().any(u8::is_ascii_lowercase);
    let has_upper = b.iter().any(u8::is_ascii_uppercase);
    let camel = b[0].is_ascii_lowercase() && has_upper;
    let pascal = b.len() >= 3 && b[0].is_ascii_uppercase() && has_lower;
    inner_underscore || camel || pascal
}

impl Extractor {
    fn is_keyword(&self, name: &str, buf: &mut String) -> bool {
        if name.bytes().all(|b| !b.is_ascii_uppercase()) {
            return self.keywords.contains(name);
        }
        buf.clear();
        buf.extend(name.chars().map(|c| c.to_ascii_lowercase()));
        self.keywords.contains(buf.as_str())
    }

    fn keep(&self, name: &str, buf: &mut String) -> bool {
        name.len() >= 2 && name.bytes().any(|b| b.is_ascii_alphabetic()) && !self.is_keyword(name, buf)
    }

    /// Identifiers in `texts` (fenced code and inline code), first seen first.
    pub fn identifiers(&self, texts: &[&str], max: usize) -> Vec<String> {
        let mut bag = Bag::new(max);
        let mut buf = String::new();
        for text in texts {
            for piece in pieces(text) {
                if bag.full() {
                    return bag.into_vec();
                }
                match piece {
                    Piece::Code { lang, .. } if is_prose_lang(lang) => {}
                    Piece::Code { body, .. } => self.code_identifiers(body, &mut bag, &mut buf),
                    Piece::Prose(prose) => {
                        for span in inline_code(prose) {
                            self.inline_identifiers(span, &mut bag, &mut buf);
                        }
                    }
                }
            }
        }
        bag.into_vec()
    }

    /// An inline code span that is a name or a path of names.
    fn inline_identifiers(&self, span: &str, bag: &mut Bag, buf: &mut String) {
        if self.is_file(span) {
            return;
        }
        let mut s = span.trim_end_matches(';');
        // Drop a trailing call or generic argument list: `f(x)`, `Vec<T>`.
        if let Some(i) = s.find(['(', '<']) {
            let close = if s.as_bytes()[i] == b'(' { ')' } else { '>' };
            if s.ends_with(close) {
                s = &s[..i];
            }
        }
        if s.is_empty() || !is_ident_start(s.as_bytes()[0]) {
            return;
        }
        let parts: Vec<&str> = s.split("::").flat_map(|p| p.split('.')).collect();
        if parts.iter().all(|p| !p.is_empty() && is_ident_start(p.as_bytes()[0]) && p.bytes().all(is_ident_byte)) {
            for p in parts {
                if self.keep(p, buf) {
                    bag.push(p);
                }
            }
        }
    }

    /// Defined, called and code-shaped names of a code block.
    fn code_identifiers(&self, code: &str, bag: &mut Bag, buf: &mut String) {
        let b = code.as_bytes();
        let mut i = 0;
        let mut defining = false;
        while i < b.len() && !bag.full() {
            let c = b[i];
            match c {
                b'"' | b'\'' | b'`' => {
                    // A string on one line; an unmatched quote (a Rust
                    // lifetime, an apostrophe) is skipped alone.
                    let mut j = i + 1;
                    while j < b.len() && b[j] != c && b[j] != b'\n' {
                        j += if b[j] == b'\\' && b.get(j + 1) != Some(&b'\n') { 2 } else { 1 };
                    }
                    i = if j < b.len() && b[j] == c { j + 1 } else { i + 1 };
                }
                b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = code[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                }
                b'#' if matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\n' | b'!'))
                    && b.get(i + 2) != Some(&b'[') =>
                {
                    i = skip_line(b, i)
                }
                b'-' if b.get(i + 1) == Some(&b'-') && b.get(i + 2) == Some(&b' ') => i = skip_line(b, i),
                _ if is_ident_start(c) => {
                    let start = i;
                    while i < b.len() && is_ident_byte(b[i]) {
                        i += 1;
                    }
                    let name = &code[start..i];
                    if is_definer(name) {
                        defining = true;
                        continue;
                    }
                    if defining && is_modifier(name) {
                        continue;
                    }
                    let next = b[i..].iter().find(|x| **x != b' ' && **x != b'\t').copied();
                    let called = next == Some(b'(') || (next == Some(b'!') && b.get(i + 1) != Some(&b'='));
                    let wanted = defining || called || code_shaped(name);
                    defining = false;
                    if wanted && self.keep(name, buf) {
                        bag.push(name);
                    }
                }
                _ if is_ident_byte(c) => {
                    // The tail of a number literal such as 0x1F or 10usize.
                    while i < b.len() && is_ident_byte(b[i]) {
                        i += 1;
                    }
                }
                _ => {
                    if !c.is_ascii_whitespace() && c != b'*' && c != b'&' {
                        defining = false;
                    }
                    i += 1;
                }
            }
        }
    }

    /// Whether a token names a file.
    pub fn is_file(&self, token: &str) -> bool {
        let name = token.rsplit('/').next().unwrap_or(token);
        let Some(dot) = name.rfind('.') else {
            // Dockerfile, Makefile, justfile…: capitalised or ending in "file".
            let plausible = name.as_bytes().first().is_some_and(u8::is_ascii_uppercase) || name.ends_with("file");
            return plausible && self.bare_files.contains(name);
        };
        if self.bare_files.contains(name) || name.starts_with(".env.") {
            return true;
        }
        let (stem, ext) = (&name[..dot], &name[dot + 1..]);
        if stem.is_empty() || ext.is_empty() || ext.len() > 10 {
            return false;
        }
        let known = if ext.bytes().any(|b| b.is_ascii_uppercase()) {
            self.extensions.contains(ext.to_ascii_lowercase().as_str())
        } else {
            self.extensions.contains(ext)
        };
        if !known {
            return false;
        }
        if !stem.bytes().any(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        // `console.log`, `np.sum`: a member access, unless it is a path.
        let first = name.split('.').next().unwrap_or("");
        !(token == name && MEMBER_STEMS.iter().any(|m| first.eq_ignore_ascii_case(m)))
    }

    /// File names and paths in `texts`, first seen first. `is_tech` keeps
    /// names such as `node.js` out.
    ///
    /// Candidates are found without walking every byte: the tokens around
    /// each `.` (names with an extension), and the tokens holding "file",
    /// "LICENSE" or "CODEOWNERS" (bare names). A token is a run of path
    /// bytes; one inside a URL (`://`), an e-mail address (`@`) or a
    /// `www.` host is skipped, and so is one followed by `(` (a call).
    pub fn files(&self, texts: &[&str], max: usize, is_tech: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut bag = Bag::new(max);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for text in texts {
            let b = text.as_bytes();
            spans.clear();
            let token_at = |pos: usize| {
                let mut s = pos;
                while s > 0 && is_path_byte(b[s - 1]) {
                    s -= 1;
                }
                let mut e = pos;
                while e < b.len() && is_path_byte(b[e]) {
                    e += 1;
                }
                (s, e)
            };
            let mut from = 0;
            // `str::find(char)` is memchr.
            while let Some(p) = text[from..].find('.') {
                let (s, e) = token_at(from + p);
                spans.push((s, e));
                from = e.max(from + p + 1);
            }
            for needle in [&b"file"[..], b"LICENSE", b"CODEOWNERS"] {
                let mut from = 0;
                while let Some(p) = text[from..].find(char::from(needle[0])) {
                    let at = from + p;
                    if b[at..].starts_with(needle) {
                        spans.push(token_at(at));
                    }
                    from = at + 1;
                }
            }
            spans.sort_unstable();
            spans.dedup();
            for &(s, e) in spans.iter() {
                if bag.full() {
                    return bag.into_vec();
                }
                if e == s || b.get(e) == Some(&b'(') {
                    continue; // `response.json()` is a call
                }
                // The whitespace-separated word around the token.
                let ws = b[..s].iter().rposition(|c| c.is_ascii_whitespace()).map_or(0, |p| p + 1);
                let we = b[e..].iter().position(|c| c.is_ascii_whitespace()).map_or(b.len(), |p| e + p);
                let word = &text[ws..we];
                let url = word.contains(':') && word.as_bytes().windows(3).any(|w| w == b"://");
                if url || word.contains('@') || text[s..e].starts_with("www.") {
                    continue; // URLs and e-mail addresses
                }
                let token = text[s..e].trim_end_matches(['.', '-']);
                if token.len() >= 2 && self.is_file(token) && !is_tech(token) {
                    bag.push(token);
                }
            }
        }
        bag.into_vec()
    }
}

/// Fence labels whose content is not code (its words are no identifiers).
fn is_prose_lang(lang: &str) -> bool {
    ["text", "txt", "plaintext", "plain", "markdown", "md", "output", "log", "console", "diff", "csv", "tsv"]
        .iter()
        .any(|l| lang.eq_ignore_ascii_case(l))
}

fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-' | b'~' | b'+')
}

fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..].iter().position(|&x| x == b'\n').map_or(b.len(), |p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        Extractor::default().identifiers(&[text], 50)
    }

    fn files(text: &str) -> Vec<String> {
        Extractor::default().files(&[text], 50, &|t| t.eq_ignore_ascii_case("node.js"))
    }

    #[test]
    fn python_definitions_and_calls() {
        let t = "Try this:\n```python\nimport json\n\ndef parse_config(path):\n    # load the file\n    data = json.load(open(path))\n    return Settings(**data)\n\nclass Settings:\n    pass\n```\n";
        assert_eq!(ids(t), ["parse_config", "load", "Settings"]);
    }

    #[test]
    fn rust_and_js() {
        let t = "```rust\nuse std::collections::HashMap;\nfn count_words(text: &str) -> HashMap<String, usize> {\n    let mut counts = HashMap::new();\n    println!(\"{}\", \"not_an_ident\");\n    counts\n}\n```\nAnd in React, `useEffect` runs after render: `useEffect(() => {})`.\n```js\nconst fetchUser = async (id) => { await getUser(id); };\n```";
        assert_eq!(ids(t), ["HashMap", "count_words", "counts", "useEffect", "fetchUser", "getUser"]);
    }

    #[test]
    fn inline_paths_and_keywords() {
        let t = "Call `HashMap::new()` or `self.items`; not `true`, `x`, `npm install`, or `src/main.rs`.";
        assert_eq!(ids(t), ["HashMap"]);
    }

    #[test]
    fn strings_and_comments_are_skipped() {
        let t = "```c\n/* helperFunc is old */\nint main() { printf(\"callMe()\"); // other_name\n  return run_all(); }\n```";
        assert_eq!(ids(t), ["run_all"]);
    }

    #[test]
    fn prose_blocks_are_not_code() {
        assert!(ids("```text\nHello World from MyApp\n```").is_empty());
    }

    #[test]
    fn sql_tables() {
        let t = "```sql\nSELECT u.name FROM users u JOIN orders o ON o.user_id = u.id;\n```";
        assert_eq!(ids(t), ["users", "orders", "user_id"]);
    }

    #[test]
    fn file_names() {
        let t = "Edit src/main.rs and package.json (see ./config/app.yaml, Dockerfile, .env). \
                 Node.js reads `index.js`; console.log and response.json() are code; \
                 https://example.com/a.js is a URL; version 1.2.3; e.g. this.";
        assert_eq!(files(t), ["src/main.rs", "package.json", "./config/app.yaml", "Dockerfile", ".env", "index.js"]);
        assert_eq!(
            files("go.mod, Makefile and ~/.bashrc; not makefile rules"),
            ["go.mod", "Makefile", "~/.bashrc", "makefile"]
        );
    }
}
