//! Just enough Markdown to tell code from prose: fenced blocks (``` or ~~~,
//! an unclosed fence runs to the end, as CommonMark renders it) and inline
//! code spans in the prose between them.

/// A piece of a text, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Prose (may hold inline code spans).
    Prose(&'a str),
    /// The content of a fenced block (without its fence lines) and the
    /// first word of its info string (lowercase-insensitive, may be empty).
    Code { lang: &'a str, body: &'a str },
}

/// An opening fence: its character, its length and the info string.
fn open_fence(line: &str) -> Option<(u8, usize, &str)> {
    let t = line.trim_start_matches([' ', '\t']);
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&b| b == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n..].trim();
    if c == b'`' && info.contains('`') {
        return None; // ```inline``` on one line is a code span
    }
    Some((c, n, info))
}

fn closes(line: &str, c: u8, n: usize) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    let m = t.bytes().take_while(|&b| b == c).count();
    m >= n && t[m..].trim().is_empty()
}

/// Split `text` into prose and fenced code, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut prose_start = 0;
    let mut pos = 0;
    let mut open: Option<(u8, usize, &str, usize)> = None; // char, len, lang, body start
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end_matches(['\n', '\r']);
        match open {
            None => {
                if let Some((c, n, info)) = open_fence(line) {
                    if prose_start < pos {
                        out.push(Piece::Prose(&text[prose_start..pos]));
                    }
                    let lang = info.split_whitespace().next().unwrap_or("");
                    open = Some((c, n, lang, end));
                }
            }
            Some((c, n, lang, body)) => {
                if closes(line, c, n) {
                    out.push(Piece::Code { lang, body: &text[body..pos] });
                    open = None;
                    prose_start = end;
                }
            }
        }
        pos = end;
    }
    match open {
        Some((_, _, lang, body)) => out.push(Piece::Code { lang, body: &text[body.min(text.len())..] }),
        None if prose_start < text.len() => out.push(Piece::Prose(&text[prose_start..])),
        None => {}
    }
    out
}

/// The inline code spans of a prose piece (`x`, ``x``), trimmed.
pub fn inline_code(prose: &str) -> Vec<&str> {
    let b = prose.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = b[i..].iter().take_while(|&&c| c == b'`').count();
        let start = i + n;
        // Find a closing run of exactly n backticks.
        let mut j = start;
        let mut found = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = b[j..].iter().take_while(|&&c| c == b'`').count();
                if m == n {
                    found = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match found {
            Some(j) => {
                let content = prose[start..j].trim();
                if !content.is_empty() {
                    out.push(content);
                }
                i = j + n;
            }
            None => i = start,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_prose_and_code() {
        let t = "Intro `a`\n```rust\nfn main() {}\n```\nmiddle\n~~~\nx\n~~~\nend";
        let p = pieces(t);
        assert_eq!(
            p,
            [
                Piece::Prose("Intro `a`\n"),
                Piece::Code { lang: "rust", body: "fn main() {}\n" },
                Piece::Prose("middle\n"),
                Piece::Code { lang: "", body: "x\n" },
                Piece::Prose("end"),
            ]
        );
    }

    #[test]
    fn unclosed_fence_runs_to_the_end() {
        let p = pieces("a\n```py\nx = 1\n");
        assert_eq!(p, [Piece::Prose("a\n"), Piece::Code { lang: "py", body: "x = 1\n" }]);
    }

    #[test]
    fn one_line_triple_backticks_are_inline() {
        assert_eq!(pieces("see ```x``` here"), [Piece::Prose("see ```x``` here")]);
        assert_eq!(inline_code("see ```x``` and `y` and ``a`b`` and `unclosed"), ["x", "y", "a`b"]);
    }
}
