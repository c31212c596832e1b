//! Text helpers the scorer's rules share: words and phrases matched on word
//! boundaries (so "use" never matches "because", "set" never matches
//! "dataset", "is" never matches "issue"), and the split of an answer into
//! prose and code.

/// Lowercase words: runs of letters, digits, `_` and `'`.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whitespace-separated tokens.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `phrase` occurs in `lower` with word boundaries on both sides.
/// `lower` must already be lowercase; `phrase` is matched as written.
pub fn has_phrase(lower: &str, phrase: &str) -> bool {
    lower.match_indices(phrase).any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + phrase.len()..].chars().next();
        let starts_word = phrase.chars().next().is_some_and(is_word_char);
        let ends_word = phrase.chars().next_back().is_some_and(is_word_char);
        (!starts_word || before.is_none_or(|c| !is_word_char(c)))
            && (!ends_word || after.is_none_or(|c| !is_word_char(c)))
    })
}

/// Whether any of `phrases` occurs on word boundaries.
pub fn has_any(lower: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| has_phrase(lower, p))
}

/// Whether the text's first word is one of `first`.
pub fn starts_with_word(lower: &str, first: &[&str]) -> bool {
    words(lower).next().is_some_and(|w| first.contains(&w.as_str()))
}

/// A line of HTML or XML tags and nothing else (`<tr>`, `</td></tr>`).
pub fn tags_only(line: &str) -> bool {
    line.trim_start().starts_with('<') && without_tags(line).trim().is_empty()
}

/// A line with its HTML tags taken out (`<td>West Virginia</td>` reads
/// "West Virginia"): markup, not noise.
pub fn without_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name = after.strip_prefix('/').unwrap_or(after);
        match after.find('>') {
            Some(j) if name.starts_with(|c: char| c.is_ascii_alphabetic()) && !after[..j].contains('<') => {
                out.push(' ');
                rest = &after[j + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A Markdown line that carries no words of its own: a link reference
/// definition (`[label]: https://…`, CommonMark 4.7) or a thematic break
/// (three or more `-`, `*` or `_`, CommonMark 4.1). READMEs and changelogs
/// end in dozens of the first; neither is text that loops or is noise.
pub fn markup_only(line: &str) -> bool {
    let t = line.trim();
    if line.len() - line.trim_start_matches(' ').len() > 3 || t.is_empty() {
        return false;
    }
    if let Some(rest) = t.strip_prefix('[')
        && let Some((label, dest)) = rest.split_once("]:")
    {
        // A destination, then nothing or a quoted title: "[Note]: this is
        // important" is a sentence, not a definition.
        let title = dest.trim_start().split_once(char::is_whitespace).map_or("", |(_, t)| t.trim());
        return !label.trim().is_empty()
            && !label.contains('[')
            && !dest.trim().is_empty()
            && (title.is_empty() || title.starts_with(['"', '\'', '(']));
    }
    let marker = t.chars().next().unwrap_or(' ');
    matches!(marker, '-' | '*' | '_')
        && t.chars().all(|c| c == marker || c == ' ' || c == '\t')
        && t.chars().filter(|&c| c == marker).count() >= 3
}

/// A Markdown fence line (up to three spaces, then three or more backticks
/// or tildes), with its info string.
pub fn fence_info(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let t = &line[indent..];
    let marker = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = t.chars().take_while(|c| *c == marker).count();
    if run < 3 {
        return None;
    }
    let info = t[run..].trim();
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some(info)
}

/// A fence line's marker and run length (```` ```` ```` is 4).
pub fn fence_run(line: &str) -> Option<(char, usize)> {
    fence_info(line)?;
    let t = line.trim_start_matches(' ');
    let m = t.chars().next()?;
    Some((m, t.chars().take_while(|c| *c == m).count()))
}

/// Whether `line` closes a fence opened with `marker` × `run`: the same
/// marker, at least as long, and no info string.
pub fn closes_fence(line: &str, marker: char, run: usize) -> bool {
    fence_info(line).is_some_and(str::is_empty) && fence_run(line).is_some_and(|(m, r)| m == marker && r >= run)
}

/// Whether `line`, a run of `run` fence characters and nothing else, is the
/// reStructuredText underline of the title on the prose line before it
/// ("Static Files" over twelve backticks) rather than a fence.
fn underlines(title: Option<&str>, line: &str, run: usize) -> bool {
    let title = title.map(str::trim).unwrap_or("");
    run >= 4 && line.trim().chars().count() == run && (1..=run).contains(&title.chars().count())
}

/// Whether a line can continue a unified diff.
pub fn continues_diff(line: &str) -> bool {
    line.is_empty()
        || line.starts_with([' ', '+', '-', '\\'])
        || line.starts_with("@@")
        || line.starts_with("diff ")
        || line.starts_with("index ")
        || line.starts_with("new file")
        || line.starts_with("deleted file")
        || line.starts_with("similarity")
        || line.starts_with("rename ")
        || line.starts_with("old mode")
        || line.starts_with("new mode")
        || line.starts_with("Binary files")
}

/// The lines of an answer, split into prose and code: fenced blocks and
/// unified-diff lines are code; so are lines indented by a tab or four
/// spaces after a blank line.
#[derive(Debug, Default)]
pub struct Split<'a> {
    pub prose: Vec<&'a str>,
    pub code: Vec<&'a str>,
    /// The closed fenced blocks, as ranges of `code`.
    pub fenced: Vec<std::ops::Range<usize>>,
    /// A fence was opened and never closed.
    pub unclosed_fence: bool,
    /// The answer holds a unified diff.
    pub has_diff: bool,
}

/// Whether the line looks like a unified-diff header.
pub fn is_diff_header(line: &str) -> bool {
    line.starts_with("diff --git ")
        || line.starts_with("@@ -") && line[4..].contains(" @@")
        || line.starts_with("--- a/")
        || line.starts_with("+++ b/")
        || line.starts_with("Index: ")
}

/// Split `text` into prose and code lines.
pub fn split(text: &str) -> Split<'_> {
    let mut out = Split::default();
    let mut fence: Option<(char, usize)> = None;
    let mut fence_start = 0;
    let mut in_diff = false;
    let mut prev_blank = true;
    let mut in_indented = false;
    // The last prose line, if the line before this one was prose.
    let mut prev_prose: Option<&str> = None;
    for line in text.lines() {
        let before = prev_prose.take();
        if let Some((m, run)) = fence {
            if closes_fence(line, m, run) {
                fence = None;
                out.fenced.push(fence_start..out.code.len());
            } else {
                out.code.push(line);
            }
            continue;
        }
        // Inside a raw diff, a context line may look like a fence: it is not.
        if in_diff && continues_diff(line) {
            out.code.push(line);
            continue;
        }
        in_diff = false;
        if let Some(f) = fence_run(line).filter(|&(_, run)| !underlines(before, line, run)) {
            fence = Some(f);
            fence_start = out.code.len();
            continue;
        }
        if is_diff_header(line) {
            in_diff = true;
            out.has_diff = true;
            out.code.push(line);
            continue;
        }
        let blank = line.trim().is_empty();
        if !blank && (line.starts_with('\t') || line.starts_with("    ")) && (prev_blank || in_indented) {
            in_indented = true;
            out.code.push(line);
        } else {
            if !blank {
                in_indented = false;
                prev_prose = Some(line);
            }
            out.prose.push(line);
        }
        prev_blank = blank;
    }
    out.unclosed_fence = fence.is_some();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rst_title_underlined_with_backticks_opens_no_fence() {
        let rst = split(
            "Static Files\n````````````\n\nA blueprint can expose a folder::\n\n    admin = Blueprint()\n\nDone.",
        );
        assert!(!rst.unclosed_fence);
        assert_eq!(rst.code, vec!["    admin = Blueprint()"]);
        // A fence after a longer line, or a short run, is still a fence.
        assert!(split("Here is the code for it\n````\nx = 1\n").unclosed_fence);
        assert!(split("Code\n```\nx = 1\n").unclosed_fence);
    }

    #[test]
    fn phrases_match_on_word_boundaries_only() {
        assert!(!has_phrase("because it works", "use"));
        assert!(!has_phrase("load the dataset", "set"));
        assert!(has_phrase("set the flag", "set"));
        assert!(has_phrase("use `grep`", "use"));
        assert!(!has_phrase("the issue is", "is the"));
        assert!(has_phrase("well, it depends.", "it depends"));
        assert!(has_phrase("[insert answer]", "[insert"));
    }

    #[test]
    fn starts_with_word_needs_the_whole_word() {
        assert!(!starts_with_word("issue with the parser", &["is"]));
        assert!(starts_with_word("is it safe?", &["is"]));
        assert!(!starts_with_word("showcase", &["show"]));
    }

    #[test]
    fn split_knows_fences_and_diffs() {
        let s = split(
            "Intro.\n\n```rust\nfn main() {}\n```\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\nDone.",
        );
        assert_eq!(s.prose, vec!["Intro.", "", "", "Done."]);
        assert_eq!(s.code.len(), 7);
        assert!(s.has_diff && !s.unclosed_fence);
        assert!(split("```py\nx = 1\n").unclosed_fence);
    }

    #[test]
    fn a_longer_fence_is_closed_only_by_a_longer_one_and_diff_lines_are_not_fences() {
        let s = split("````diff\n ```rust\n+x\n ```\n````\nafter");
        assert!(!s.unclosed_fence);
        assert_eq!(s.prose, vec!["after"]);
        let raw = split("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n ```rust\n-a\n+b\n");
        assert!(!raw.unclosed_fence && raw.prose.is_empty());
    }

    #[test]
    fn fence_lines() {
        assert_eq!(fence_info("```rust"), Some("rust"));
        assert_eq!(fence_info("   ~~~"), Some(""));
        assert_eq!(fence_info("    ```"), None, "four spaces is indented code");
        assert_eq!(fence_info("+/// ```rust"), None);
    }
}
