//! Real parsers for the code blocks an enzyme may touch: whether a block
//! parses is checked before and after a change, so a change that breaks
//! code is caught whatever the enzyme meant to do.

use std::cell::RefCell;

/// The languages the checks can parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Rust,
    Python,
    JavaScript,
    Go,
    Json,
    Toml,
    Yaml,
}

impl Lang {
    /// From a fence's info string (`rust`, `py`, `jsonc`…).
    pub fn from_info(info: &str) -> Option<Lang> {
        let tag = info.split([' ', ',', '{']).next().unwrap_or("").to_ascii_lowercase();
        Some(match tag.as_str() {
            "rust" | "rs" => Lang::Rust,
            "python" | "py" | "python3" => Lang::Python,
            "javascript" | "js" | "node" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "go" | "golang" => Lang::Go,
            "json" => Lang::Json,
            "toml" => Lang::Toml,
            "yaml" | "yml" => Lang::Yaml,
            _ => return None,
        })
    }

    /// Languages whose indentation or line layout carries meaning.
    pub fn whitespace_significant_info(info: &str) -> bool {
        let tag = info.split([' ', ',', '{']).next().unwrap_or("").to_ascii_lowercase();
        matches!(
            tag.as_str(),
            "python"
                | "py"
                | "python3"
                | "yaml"
                | "yml"
                | "make"
                | "makefile"
                | "mk"
                | "diff"
                | "patch"
                | "haskell"
                | "hs"
                | "coffee"
                | "nim"
                | "fsharp"
                | "f#"
                | "sass"
                | "pug"
                | "jade"
                | "slim"
                | "haml"
                | "elm"
                | "text"
                | "txt"
                | "markdown"
                | "md"
                | "rst"
                | "heredoc"
                | "tsv"
                | "csv"
                | "dockerfile"
                | "docker"
        )
    }
}

thread_local! {
    static TS: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

fn tree_sitter_parses(lang: tree_sitter::Language, code: &str) -> bool {
    TS.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(tree_sitter::Parser::new);
        if parser.set_language(&lang).is_err() {
            return true;
        }
        parser.parse(code, None).is_some_and(|t| !t.root_node().has_error())
    })
}

/// Whether `code` parses as `lang`. Rust snippets may be a file, a block's
/// statements or an expression.
pub fn parses(lang: Lang, code: &str) -> bool {
    match lang {
        Lang::Rust => {
            syn::parse_file(code).is_ok()
                || syn::parse_str::<syn::Block>(&format!("{{\n{code}\n}}")).is_ok()
                || syn::parse_str::<syn::Expr>(code).is_ok()
        }
        Lang::Python => tree_sitter_parses(tree_sitter_python::LANGUAGE.into(), code),
        Lang::JavaScript => tree_sitter_parses(tree_sitter_javascript::LANGUAGE.into(), code),
        Lang::Go => tree_sitter_parses(tree_sitter_go::LANGUAGE.into(), code),
        Lang::Json => serde_json::from_str::<serde_json::Value>(code).is_ok(),
        Lang::Toml => code.parse::<toml::Table>().is_ok(),
        Lang::Yaml => yaml_rust2::YamlLoader::load_from_str(code).is_ok(),
    }
}

/// Tokens of code in a whitespace-insensitive language: identifiers,
/// numbers, string literals (with their exact contents), comments and
/// punctuation; whitespace between them is not a token.
pub fn tokens(code: &str) -> Vec<&str> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == b'"' || c == b'\'' || c == b'`' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') || c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            // A comment's trailing whitespace is layout, not content.
            out.push(code[start..i].trim_end());
            continue;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i = (i + 2).min(b.len());
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
        } else {
            i += 1;
        }
        while !code.is_char_boundary(i) {
            i += 1;
        }
        out.push(&code[start..i.min(code.len())]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_parser_tells_good_from_broken() {
        let cases = [
            (Lang::Rust, "fn main() { let x = 1; }", "fn main() { let x = [REDACTED:password]); }"),
            (Lang::Python, "password = str(password)\n", "password = [REDACTED:password])\n"),
            (Lang::JavaScript, "const t = header.split(';');", "const t = [REDACTED:token]);"),
            (Lang::Go, "package main\nfunc main() {}\n", "package main\nfunc main() {\n"),
            (Lang::Json, "{\"a\": 1}", "{\"a\": 1"),
            (Lang::Toml, "a = 1", "a = "),
            (Lang::Yaml, "a:\n  b: 1\n", "a: [\n"),
        ];
        for (lang, good, bad) in cases {
            assert!(parses(lang, good), "{lang:?} {good}");
            assert!(!parses(lang, bad), "{lang:?} {bad}");
        }
        assert!(parses(Lang::Rust, "let x = 1;\nprintln!(\"{x}\");"), "statements");
    }

    #[test]
    fn tokens_ignore_layout_only() {
        assert_eq!(tokens("a  =\tb(1) ;"), tokens("a = b(1);"));
        assert_ne!(tokens("x = \"a  b\""), tokens("x = \"a b\""));
        assert_eq!(tokens("x = 1 // note   "), vec!["x", "=", "1", "// note"]);
    }
}
