//! Whitespace edits inside one code block. None of them touches a
//! non-whitespace character, and each is made only where it is provably
//! between tokens:
//!
//! - JSON written on one line that parses (and repeats no key) is
//!   re-indented ([`crate::json`]) and left at that.
//! - Every other edit needs a language the lexer ([`crate::lex`]) covers
//!   (C family, JavaScript/TypeScript, Rust, Go, Java, C#, Kotlin, Swift,
//!   Dart, CSS, JSON, SQL), a block it can lex without a token that may run
//!   past a line end, and no sign of a whitespace-sensitive language in the
//!   block (a Python, YAML or Makefile shape). Anything else — Python,
//!   YAML, Makefile, shell, Markdown, diff, HTML, text, an unknown language
//!   — is left byte for byte as it is.
//! - Trailing whitespace goes only on lines without a comment (a doc
//!   comment may render two trailing spaces as a line break).
//! - Leading tabs become spaces (not in Go), the shared indentation is
//!   removed and runs of blank lines are cut — not when a block comment
//!   spans lines (its inner lines' whitespace is comment text).

use crate::config::Config;
use crate::json;
use crate::lang::{tabs_may_expand, whitespace_sensitive_evidence};
use crate::lex;

/// What the edits of one or more blocks amounted to: counts, and the first
/// line of each kind as it was and as it became (for the change log).
#[derive(Debug, Default, Clone)]
pub struct CodeEdits {
    pub json_blocks: usize,
    pub json_sample: Option<(String, String)>,
    pub tab_lines: usize,
    pub tab_sample: Option<(String, String)>,
    pub trailing_lines: usize,
    pub trailing_sample: Option<(String, String)>,
    pub dedented_blocks: usize,
    pub dedent_sample: Option<(String, String)>,
    pub blank_lines_removed: usize,
}

fn sample(slot: &mut Option<(String, String)>, before: &str, after: &str) {
    if slot.is_none() {
        *slot = Some((format!("{before:?}"), format!("{after:?}")));
    }
}

fn is_blank(line: &str) -> bool {
    line.trim_ascii().is_empty()
}

/// Tidy `lines` (the block's content, each still carrying the fence's
/// indentation `indent`) for language `lang` ("" when unknown). Returns
/// whether the block's whitespace was open to edits at all — the same
/// answer before and after the edits (they change no token and no trimmed
/// line), which keeps the enzyme idempotent.
pub fn tidy(lines: &mut Vec<String>, indent: &str, lang: &str, cfg: &Config, edits: &mut CodeEdits) -> bool {
    if !lex::supported(lang) || whitespace_sensitive_evidence(lines) {
        return false;
    }
    let Some(lexed) = lex::lex(lang, lines) else {
        return false;
    };
    if (lang == "json" || lang == "jsonc") && cfg.pretty_json && pretty_json(lines, indent, edits) {
        return true;
    }
    let mut info = lexed.lines;
    // Blank lines at the ends of a block carry nothing.
    while lines.first().is_some_and(|l| is_blank(l)) && info.first().is_some_and(lex::LineInfo::plain) {
        lines.remove(0);
        info.remove(0);
        edits.blank_lines_removed += 1;
    }
    while lines.last().is_some_and(|l| is_blank(l)) && info.last().is_some_and(lex::LineInfo::plain) {
        lines.pop();
        info.pop();
        edits.blank_lines_removed += 1;
    }
    let whole_lines = !lexed.multiline_comment;
    if cfg.tab_width > 0 && whole_lines && tabs_may_expand(lang) && !indent.contains('\t') {
        expand_tabs(lines, cfg.tab_width, edits);
    }
    if cfg.trim_trailing_whitespace {
        for (line, li) in lines.iter_mut().zip(&info) {
            let trimmed_len = line.trim_end_matches([' ', '\t']).len();
            if trimmed_len < line.len() && li.plain() {
                let before = line.clone();
                line.truncate(trimmed_len);
                edits.trailing_lines += 1;
                sample(&mut edits.trailing_sample, &before, line);
            }
        }
    }
    if cfg.dedent && whole_lines {
        dedent(lines, indent, edits);
    }
    if whole_lines {
        edits.blank_lines_removed += collapse_blank_runs(lines, cfg.max_blank_lines, cfg.max_blank_lines);
    }
    true
}

/// Cut every run of more than `max` blank lines to `keep` lines.
pub fn collapse_blank_runs(lines: &mut Vec<String>, max: usize, keep: usize) -> usize {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut removed = 0;
    let mut i = 0;
    while i < lines.len() {
        if !is_blank(&lines[i]) {
            out.push(std::mem::take(&mut lines[i]));
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && is_blank(&lines[i]) {
            i += 1;
        }
        let n = i - start;
        let kept = if n > max { keep } else { n };
        removed += n - kept;
        for line in &mut lines[start..start + kept] {
            out.push(std::mem::take(line));
        }
    }
    *lines = out;
    removed
}

/// Re-indent a JSON block written on one line. JSON already laid out on
/// several lines was laid out by someone: it keeps its layout.
fn pretty_json(lines: &mut Vec<String>, indent: &str, edits: &mut CodeEdits) -> bool {
    if lines.iter().any(|l| !l.starts_with(indent) && !is_blank(l))
        || lines.iter().filter(|l| !is_blank(l)).count() != 1
    {
        return false;
    }
    let body: Vec<&str> = lines.iter().map(|l| l.strip_prefix(indent).unwrap_or(l)).collect();
    let src = body.join("\n");
    let Some(pretty) = json::pretty(&src) else {
        return false;
    };
    if pretty != src {
        edits.json_blocks += 1;
        if edits.json_sample.is_none() {
            edits.json_sample = Some((src.clone(), pretty.clone()));
        }
        *lines = pretty.lines().map(|l| format!("{indent}{l}")).collect();
    }
    true
}

fn expand_tabs(lines: &mut [String], width: usize, edits: &mut CodeEdits) {
    for line in lines.iter_mut() {
        let body_start = line.len() - line.trim_start_matches([' ', '\t']).len();
        if !line[..body_start].contains('\t') {
            continue;
        }
        let mut col = 0;
        for c in line[..body_start].chars() {
            col = if c == '\t' { (col / width + 1) * width } else { col + 1 };
        }
        let new = format!("{}{}", " ".repeat(col), &line[body_start..]);
        edits.tab_lines += 1;
        sample(&mut edits.tab_sample, line, &new);
        *line = new;
    }
}

/// Remove the indentation every non-blank line shares beyond the fence's.
fn dedent(lines: &mut [String], indent: &str, edits: &mut CodeEdits) {
    let mut common: Option<&str> = None;
    for line in lines.iter().filter(|l| !is_blank(l)) {
        let Some(rest) = line.strip_prefix(indent) else {
            return;
        };
        let ws = &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()];
        common = Some(match common {
            None => ws,
            Some(c) => {
                let n = c.bytes().zip(ws.bytes()).take_while(|(a, b)| a == b).count();
                &c[..n]
            }
        });
        if common == Some("") {
            return;
        }
    }
    let Some(common) = common.map(str::to_string) else {
        return;
    };
    let strip = indent.len() + common.len();
    let mut first = true;
    for line in lines.iter_mut() {
        if line.len() >= strip && line[indent.len()..].starts_with(&common) {
            let new = format!("{indent}{}", &line[strip..]);
            if first {
                sample(&mut edits.dedent_sample, line, &new);
                first = false;
            }
            *line = new;
        }
    }
    edits.dedented_blocks += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(code: &str, lang: &str) -> (String, CodeEdits) {
        let mut lines: Vec<String> = code.split('\n').map(str::to_string).collect();
        let mut edits = CodeEdits::default();
        tidy(&mut lines, "", lang, &Config::default(), &mut edits);
        (lines.join("\n"), edits)
    }

    #[test]
    fn tabs_expand_in_c_like_code() {
        let (out, e) = run("int main() {\n\treturn 0;\n}", "c");
        assert_eq!(out, "int main() {\n    return 0;\n}");
        assert_eq!(e.tab_lines, 1);
    }

    #[test]
    fn whitespace_significant_languages_are_byte_identical() {
        for (code, lang) in [
            ("func main() {\n\tx := 1   \n}", "go"),
            ("build:\n\tcc -o app main.c   \n\n\n\n", "makefile"),
            ("\ndef f():\n\tif x:  \n\t\treturn 1\n\n\n\n\n", "python"),
            ("    key: value   \n    list:\n\t- a\n", "yaml"),
            ("cat <<-EOF\n\tindented  \nEOF", "bash"),
            ("@@ -1,3 +1,3 @@\n a \n-b\n+c\n ", "diff"),
            ("Line with a hard break  \nnext\n\n\n\n", "markdown"),
            ("  some output   \n\n\n\n  more", ""),
            ("  some output   \n", "text"),
            ("<pre>\n  kept   \n</pre>", "html"),
        ] {
            let (out, e) = run(code, lang);
            if lang == "go" {
                assert_eq!(out, "func main() {\n\tx := 1\n}", "go keeps its tabs, loses trailing spaces");
                assert_eq!(e.tab_lines, 0);
            } else {
                assert_eq!(out, code, "{lang}");
            }
        }
    }

    #[test]
    fn python_shapes_keep_a_block_as_it_is_whatever_its_label() {
        let code = "  import os\n  def f(x):\n\treturn x   ";
        assert_eq!(run(code, "javascript").0, code);
    }

    #[test]
    fn strings_and_comments_that_span_lines_keep_their_whitespace() {
        for (code, lang) in [
            ("let s = \"one   \n\ttwo\";", "rust"),
            ("const s = `\n\tline one   \n\tline two\n`;", "javascript"),
            ("String s = \"\"\"\n    text   \n    \"\"\";", "java"),
            ("auto s = R\"(\n\traw   \n)\";", "cpp"),
        ] {
            assert_eq!(run(code, lang).0, code, "{lang}");
        }
        // A block comment spanning lines: its lines keep everything, the
        // code lines lose trailing spaces, nothing is re-indented.
        let (out, _) = run("\t/**\n\t * Doc line  \n\t */\n\tint x;   ", "java");
        assert_eq!(out, "\t/**\n\t * Doc line  \n\t */\n\tint x;");
        // A line comment keeps its trailing spaces (a doc hard break).
        let (out, _) = run("/// First  \n/// second\nfn f() {}   ", "rust");
        assert_eq!(out, "/// First  \n/// second\nfn f() {}");
    }

    #[test]
    fn dedent_uniform_block() {
        let (out, e) = run("    int f() {\n        return 1;\n    }\n\n    int x = f();", "c");
        assert_eq!(out, "int f() {\n    return 1;\n}\n\nint x = f();");
        assert_eq!(e.dedented_blocks, 1);
    }

    #[test]
    fn trailing_whitespace_and_blank_runs() {
        let (out, e) = run("\n\nint x = 1;   \n\n\n\n\nint y = 2;\t\n\n", "c");
        assert_eq!(out, "int x = 1;\n\n\nint y = 2;");
        assert_eq!(e.trailing_lines, 2);
        assert_eq!(e.blank_lines_removed, 6);
    }

    #[test]
    fn json_is_pretty_printed() {
        let (out, e) = run("{\"a\":1,\"b\":[true,null]}", "json");
        assert_eq!(out, "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ]\n}");
        assert_eq!(e.json_blocks, 1);
        let (again, e2) = run(&out, "json");
        assert_eq!(again, out);
        assert_eq!(e2.json_blocks, 0);
        // JSON that does not parse gets the ordinary treatment.
        assert_eq!(run("{\"a\": 1,}   ", "json").0, "{\"a\": 1,}");
        // A repeated key: left to the ordinary treatment too.
        assert_eq!(run("{\"a\":1,\"a\":2}", "json").0, "{\"a\":1,\"a\":2}");
    }
}
