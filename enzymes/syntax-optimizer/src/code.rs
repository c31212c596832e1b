//! Whitespace edits inside one code block. None of them touches a
//! non-whitespace character, and each is skipped where whitespace could be
//! part of what the code means:
//!
//! - JSON that parses is re-indented ([`crate::json`]) and left at that.
//! - A block that may hold a multi-line string (triple quotes, template
//!   literals, raw strings, heredocs, YAML block scalars, an unbalanced
//!   quote) keeps its whitespace as it is, but for blank lines at its ends.
//! - Leading tabs become spaces only in languages where tabs are mere
//!   indentation (never Go, Makefile, YAML, diff, Markdown, text or an
//!   unknown language), and in Python only when every indent is tabs alone.
//! - Dedent and tab expansion need a known language; trailing whitespace
//!   is kept in diff, Markdown and Makefile blocks.

use crate::config::Config;
use crate::json;
use crate::lang::{may_hold_multiline_string, tabs_are_indentation, whitespace_is_content};

/// Removing indentation shared by all lines is harmless except where lines
/// are data (diff, text, tables) or a recipe must start with a tab (Makefile).
fn dedent_allowed(lang: &str) -> bool {
    !matches!(lang, "makefile" | "diff" | "markdown" | "text" | "tsv" | "csv")
}

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
/// indentation `indent`) for language `lang` ("" when unknown).
pub fn tidy(lines: &mut Vec<String>, indent: &str, lang: &str, cfg: &Config, edits: &mut CodeEdits) {
    let diffish = matches!(lang, "diff" | "markdown");
    if !diffish {
        // Blank lines at the ends of a block carry nothing.
        while lines.first().is_some_and(|l| is_blank(l)) {
            lines.remove(0);
            edits.blank_lines_removed += 1;
        }
        while lines.last().is_some_and(|l| is_blank(l)) {
            lines.pop();
            edits.blank_lines_removed += 1;
        }
    }
    if lang == "json" && cfg.pretty_json && pretty_json(lines, indent, edits) {
        return;
    }
    let guarded = may_hold_multiline_string(lang, lines);
    let known = !lang.is_empty() && lang != "text";

    if cfg.tab_width > 0
        && !guarded
        && known
        && tabs_are_indentation(lang)
        && !indent.contains('\t')
        && (lang != "python" || tabs_only(lines, indent))
    {
        expand_tabs(lines, cfg.tab_width, edits);
    }
    if cfg.trim_trailing_whitespace && !guarded && !whitespace_is_content(lang) {
        for line in lines.iter_mut() {
            let trimmed_len = line.trim_end_matches([' ', '\t']).len();
            if trimmed_len < line.len() {
                let before = line.clone();
                line.truncate(trimmed_len);
                edits.trailing_lines += 1;
                sample(&mut edits.trailing_sample, &before, line);
            }
        }
    }
    if cfg.dedent && !guarded && known && dedent_allowed(lang) {
        dedent(lines, indent, edits);
    }
    if !diffish && !guarded {
        edits.blank_lines_removed += collapse_blank_runs(lines, cfg.max_blank_lines, cfg.max_blank_lines);
    }
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

fn pretty_json(lines: &mut Vec<String>, indent: &str, edits: &mut CodeEdits) -> bool {
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

/// Every indented line (beyond the fence's indent) is indented with tabs only.
fn tabs_only(lines: &[String], indent: &str) -> bool {
    lines.iter().filter(|l| !is_blank(l)).all(|l| {
        let rest = l.strip_prefix(indent).unwrap_or(l);
        let ws = &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()];
        !ws.contains(' ')
    })
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
    fn tabs_stay_in_go_and_makefiles() {
        for (code, lang) in [("func main() {\n\tx := 1\n}", "go"), ("build:\n\tcc -o app main.c", "makefile")] {
            assert_eq!(run(code, lang).0, code);
        }
    }

    #[test]
    fn python_tabs_only_when_consistent() {
        assert_eq!(run("def f():\n\tif x:\n\t\treturn 1", "python").0, "def f():\n    if x:\n        return 1");
        let mixed = "def f():\n\tif x:\n\t    return 1";
        assert_eq!(run(mixed, "python").0, mixed);
    }

    #[test]
    fn heredocs_and_multiline_strings_keep_their_whitespace() {
        let bash = "cat <<-EOF\n\tindented  \nEOF";
        assert_eq!(run(bash, "bash").0, bash);
        let py = "    s = \"\"\"\n    keep   \n    \"\"\"";
        assert_eq!(run(py, "python").0, py);
    }

    #[test]
    fn dedent_uniform_block() {
        let (out, e) = run("    def f():\n        return 1\n\n    x = f()", "python");
        assert_eq!(out, "def f():\n    return 1\n\nx = f()");
        assert_eq!(e.dedented_blocks, 1);
        // Unknown language: left alone.
        assert_eq!(run("    a\n    b", "").0, "    a\n    b");
    }

    #[test]
    fn trailing_whitespace_and_blank_runs() {
        let (out, e) = run("\n\nx = 1   \n\n\n\n\ny = 2\t\n\n", "python");
        assert_eq!(out, "x = 1\n\n\ny = 2");
        assert_eq!(e.trailing_lines, 2);
        assert_eq!(e.blank_lines_removed, 6);
    }

    #[test]
    fn diffs_keep_every_space() {
        let diff = "@@ -1,3 +1,3 @@\n a \n-b\n+c\n ";
        assert_eq!(run(diff, "diff").0, diff);
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
    }
}
