//! A small lexer for the whitespace-insensitive languages the enzyme edits
//! (C family, JavaScript/TypeScript, Rust, Go, Java, C#, Kotlin, Swift,
//! Dart, CSS, JSON, SQL). It answers one question per line: may the
//! whitespace at its ends change without changing a token?
//!
//! It gives up (returns `None`, and the block is left as it is) whenever a
//! token could run past the end of a line or it is unsure: a string, char
//! or raw string not closed on its line, a triple quote, a line ending in a
//! backslash, a template literal or raw string spanning lines, an odd
//! number of backticks, SQL dollar quoting, a block comment never closed.
//! Block comments may span lines: their lines are reported as comment
//! lines, which the caller leaves alone.

/// What the lexer found on one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineInfo {
    /// The line starts inside a block comment.
    pub starts_in_comment: bool,
    /// The line holds a comment (or part of one).
    pub has_comment: bool,
}

impl LineInfo {
    /// Whether trailing whitespace on this line is between tokens (and not
    /// part of a comment a doc tool may render, like a Markdown hard break).
    pub fn plain(&self) -> bool {
        !self.starts_in_comment && !self.has_comment
    }
}

/// The block as the lexer sees it.
#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub lines: Vec<LineInfo>,
    /// Some block comment spans lines (its inner lines' indentation is
    /// comment text: no dedent, no tab expansion).
    pub multiline_comment: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Rust: `'` is a char or a lifetime, nested block comments, raw strings.
    Rust,
    /// C, C++, Java, C#, Go, Kotlin: `'` opens a char literal.
    CLike,
    /// JavaScript, TypeScript, Dart, CSS: `'` opens a string.
    Script,
    /// Swift: no `'`, nested block comments.
    Swift,
    /// JSON: `"` strings only (comments accepted for JSONC).
    Json,
    /// SQL: `--` and `#` comments, `'` strings.
    Sql,
}

fn family(lang: &str) -> Option<Family> {
    Some(match lang {
        "rust" => Family::Rust,
        "c" | "cpp" | "java" | "csharp" | "go" | "kotlin" => Family::CLike,
        "javascript" | "typescript" | "dart" | "css" | "scss" | "less" => Family::Script,
        "swift" => Family::Swift,
        "json" | "jsonc" => Family::Json,
        "sql" => Family::Sql,
        _ => return None,
    })
}

/// Whether the enzyme may edit whitespace in `lang` at all.
pub fn supported(lang: &str) -> bool {
    family(lang).is_some()
}

/// Lex `lines` as `lang`. `None`: unsupported language, or a token may
/// span lines, or the lexer is unsure.
pub fn lex(lang: &str, lines: &[String]) -> Option<Lexed> {
    let fam = family(lang)?;
    let nested = matches!(fam, Family::Rust | Family::Swift) || lang == "kotlin";
    let backticks: usize = lines.iter().map(|l| l.bytes().filter(|&b| b == b'`').count()).sum();
    if backticks % 2 == 1 {
        return None;
    }
    let mut out = Lexed { lines: Vec::with_capacity(lines.len()), multiline_comment: false };
    let mut depth = 0usize; // block comment nesting
    for line in lines {
        if line.trim_end().ends_with('\\') {
            return None; // a line continuation (in a string, a macro, a comment)
        }
        if line.contains("\"\"\"") || line.contains("'''") {
            return None;
        }
        if fam == Family::Sql && (line.contains("$$") || has_dollar_tag(line)) {
            return None;
        }
        let b = line.as_bytes();
        let mut info = LineInfo { starts_in_comment: depth > 0, has_comment: depth > 0 };
        if depth > 0 {
            out.multiline_comment = true;
        }
        let mut i = 0;
        while i < b.len() {
            if depth > 0 {
                if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                } else if nested && b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            let c = b[i];
            match c {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    info.has_comment = true;
                    break;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    info.has_comment = true;
                    depth = 1;
                    i += 2;
                }
                b'-' if fam == Family::Sql && b.get(i + 1) == Some(&b'-') => {
                    info.has_comment = true;
                    break;
                }
                b'#' if fam == Family::Sql => {
                    info.has_comment = true;
                    break;
                }
                b'"' => {
                    i = if let Some(end) = raw_string(b, i) {
                        end?
                    } else if fam == Family::Sql {
                        close_doubled(b, i + 1, b'"')?
                    } else {
                        close_escaped(b, i + 1, b'"')?
                    };
                }
                b'`' => {
                    if fam == Family::Json {
                        return None;
                    }
                    i = b[i + 1..].iter().position(|&x| x == b'`').map(|p| i + 1 + p + 1)?;
                }
                b'\'' => {
                    i = match fam {
                        Family::Swift | Family::Json => i + 1,
                        Family::Sql => close_doubled(b, i + 1, b'\'')?,
                        Family::Script => close_escaped(b, i + 1, b'\'')?,
                        Family::Rust => rust_quote(line, i),
                        Family::CLike => {
                            let digit = |x: Option<&u8>| x.is_some_and(|d| d.is_ascii_hexdigit());
                            if lang == "cpp" && i > 0 && digit(b.get(i - 1)) && digit(b.get(i + 1)) {
                                i + 1 // a digit separator: 1'000'000
                            } else {
                                close_escaped(b, i + 1, b'\'')?
                            }
                        }
                    };
                }
                _ => i += 1,
            }
        }
        out.lines.push(info);
    }
    (depth == 0).then_some(out)
}

/// After an opening quote at `from - 1`, the index just past the closing
/// `q` (backslash escapes skipped). `None` when the line ends first.
fn close_escaped(b: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            x if x == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// SQL quoting: a doubled quote is an escaped one; backslashes are text.
fn close_doubled(b: &[u8], from: usize, q: u8) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// A raw or verbatim string opening at the quote `b[q]`: Rust `r"`,
/// `r#"`, `br"`; C++ `R"d(`; C# `@"`, `$@"`; Swift `#"`; Dart `r"`.
/// `Some(Some(end))`: closed on this line; `Some(None)`: not closed (the
/// caller gives up); `None`: not a raw string.
fn raw_string(b: &[u8], q: usize) -> Option<Option<usize>> {
    let hashes = b[..q].iter().rev().take_while(|&&c| c == b'#').count();
    let before = q - hashes;
    let prev = if before > 0 { b[before - 1] } else { 0 };
    let ident_before = |k: usize| k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'_');
    if hashes > 0 || prev == b'r' && !ident_before(before - 1) || prev == b'r' && before >= 2 && b[before - 2] == b'b' {
        // r"…", r#"…"#, br"…", #"…"# (Swift): ends at `"` + as many `#`.
        let mut i = q + 1;
        while i < b.len() {
            if b[i] == b'"' && b[i + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes {
                return Some(Some(i + 1 + hashes));
            }
            i += 1;
        }
        return Some(None);
    }
    if hashes == 0 && prev == b'R' && b.get(q + 1..).is_some_and(|r| r.contains(&b'(')) {
        // C++ R"delim( … )delim"
        let open = q + 1 + b[q + 1..].iter().position(|&c| c == b'(')?;
        let delim = &b[q + 1..open];
        let mut close = Vec::with_capacity(delim.len() + 2);
        close.push(b')');
        close.extend_from_slice(delim);
        close.push(b'"');
        let end = b[open + 1..].windows(close.len()).position(|w| w == close.as_slice());
        return Some(end.map(|p| open + 1 + p + close.len()));
    }
    if hashes == 0 && prev == b'@' {
        // C# verbatim: `""` is an escaped quote.
        return Some(close_doubled(b, q + 1, b'"'));
    }
    None
}

/// Rust after `'`: a char literal (`'x'`, `'\n'`, `'\u{1F600}'`) or a
/// lifetime / label (`'a`, `'static`). Returns where to go on.
fn rust_quote(line: &str, i: usize) -> usize {
    let b = line.as_bytes();
    if b.get(i + 1) == Some(&b'\\') {
        return close_escaped(b, i + 1, b'\'').unwrap_or(b.len());
    }
    let mut chars = line[i + 1..].char_indices();
    match (chars.next(), chars.next()) {
        (Some((_, _)), Some((k, '\''))) => i + 1 + k + 1,
        _ => i + 1,
    }
}

/// Postgres dollar quoting: `$tag$`.
fn has_dollar_tag(line: &str) -> bool {
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'$') {
        let start = i + p + 1;
        let n = b[start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
        if n > 0 && b.get(start + n) == Some(&b'$') && !b[start].is_ascii_digit() {
            return true;
        }
        i = start;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split('\n').map(str::to_string).collect()
    }

    fn plain(lang: &str, s: &str) -> Option<Vec<bool>> {
        lex(lang, &v(s)).map(|l| l.lines.iter().map(LineInfo::plain).collect())
    }

    #[test]
    fn strings_and_comments_on_one_line() {
        assert_eq!(
            plain("rust", "let s = \"a // b\"; \nlet c = '\"'; // note  \nfn f<'a>(x: &'a str) {}"),
            Some(vec![true, false, true])
        );
        assert_eq!(plain("javascript", "const a = 'it''s';\nconst b = `t ${x}`;"), Some(vec![true, true]));
        assert_eq!(plain("c", "/* a */ int x;\nint y; /* b"), None, "an unclosed comment");
    }

    #[test]
    fn block_comments_spanning_lines_are_comment_lines() {
        let l = lex("java", &v("/**\n * Doc  \n */\nint x;  ")).unwrap();
        assert!(l.multiline_comment);
        assert_eq!(l.lines.iter().map(LineInfo::plain).collect::<Vec<_>>(), [false, false, false, true]);
    }

    #[test]
    fn gives_up_on_what_may_span_lines() {
        for (lang, code) in [
            ("rust", "let s = \"line one  \nline two\";"),
            ("rust", "let s = r#\"raw  \n\"#;"),
            ("cpp", "auto s = R\"(raw  \n)\";"),
            ("csharp", "var s = @\"verbatim  \n\";"),
            ("java", "String s = \"\"\"\n  text  \n  \"\"\";"),
            ("javascript", "const s = `a  \nb`;"),
            ("go", "s := `raw  \nstring`"),
            ("c", "#define X 1 \\\n  + 2"),
            ("sql", "SELECT 'a  \nb';"),
            ("sql", "CREATE FUNCTION f() AS $$\n  SELECT 1;  \n$$;"),
            ("swift", "let s = #\"raw  \n\"#"),
        ] {
            assert!(lex(lang, &v(code)).is_none(), "{lang}: {code}");
        }
    }

    #[test]
    fn closed_raw_strings_are_fine() {
        assert!(lex("rust", &v("let s = r#\"a \"quoted\" b\"#;  ")).is_some());
        assert!(lex("cpp", &v("auto s = R\"x(a)\" b)x\";")).is_some());
        assert!(lex("csharp", &v("var p = @\"C:\\dir\\\";")).is_some());
        assert!(lex("cpp", &v("int n = 1'000'000;")).is_some());
    }

    #[test]
    fn unsupported_languages() {
        for lang in ["python", "yaml", "makefile", "bash", "markdown", "diff", "", "text", "html", "haskell", "toml"] {
            assert!(lex(lang, &v("x")).is_none(), "{lang}");
        }
    }
}
