//! Unified diffs and patches: recognised first, and never edited inside.
//!
//! A diff is recognised by its headers (`diff --git`, `--- a` + `+++ b`,
//! `Index:`) or a hunk header (`@@ -a,b +c,d @@`); each hunk then takes
//! exactly the lines its header counts (an empty line is an empty context
//! line, `\ No newline at end of file` counts for nothing). Lines that look
//! like hunk lines after a hunk's count ran out keep the region going but
//! mark it *incomplete*: its counts are wrong, so where it ends is a guess
//! and it is never fenced.
//!
//! [`signals`] is the coarse test the pass uses to decide whether a text
//! holds anything diff-like at all: if so, only a handful of edits that
//! cannot touch a diff line remain (see `tidy`).

/// `@@ -a[,b] +c[,d] @@…` → the old and new line counts (`b`, `d`).
pub fn hunk_header(line: &str) -> Option<(usize, usize)> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(' ')?;
    let rest = rest.strip_prefix('+')?;
    let (new, rest) = rest.split_once(' ')?;
    if !rest.starts_with("@@") {
        return None;
    }
    Some((range_len(old)?, range_len(new)?))
}

fn range_len(range: &str) -> Option<usize> {
    let (start, len) = range.split_once(',').unwrap_or((range, "1"));
    start.parse::<u64>().ok()?;
    len.parse().ok()
}

/// A line of a diff's file header (between hunks, never inside one).
pub fn is_header(line: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "diff ",
        "index ",
        "--- ",
        "+++ ",
        "new file mode ",
        "deleted file mode ",
        "old mode ",
        "new mode ",
        "similarity index ",
        "dissimilarity index ",
        "rename from ",
        "rename to ",
        "copy from ",
        "copy to ",
        "Binary files ",
        "GIT binary patch",
        "Index: ",
        "====",
    ];
    PREFIXES.iter().any(|p| line.starts_with(p))
}

/// Whether a diff starts at `lines[i]`.
fn starts_region<S: AsRef<str>>(lines: &[S], i: usize) -> bool {
    let l = lines[i].as_ref();
    let next = lines.get(i + 1).map(|n| n.as_ref()).unwrap_or("");
    l.starts_with("diff --git ")
        || hunk_header(l).is_some()
        || l.starts_with("--- ") && next.starts_with("+++ ")
        || l.starts_with("Index: ") && next.starts_with("====")
        || l.starts_with("diff ")
            && l.len() > 5
            && (next.starts_with("--- ")
                || next.starts_with("index ")
                || next.starts_with("new file mode ")
                || next.starts_with("deleted file mode ")
                || next.starts_with("Binary files "))
}

/// A diff found in a list of lines: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    /// Every hunk took exactly the lines its header counts, nothing
    /// followed that looked like more of it, and there is at least one hunk
    /// (or a `diff --git` header, which may stand alone for a rename).
    pub complete: bool,
}

/// The diff starting at `lines[start]`, if one does.
pub fn scan<S: AsRef<str>>(lines: &[S], start: usize) -> Option<Region> {
    if start >= lines.len() || !starts_region(lines, start) {
        return None;
    }
    let mut i = start;
    let mut complete = true;
    let mut hunks = 0usize;
    let mut git = false;
    while i < lines.len() {
        let l = lines[i].as_ref();
        if let Some((mut old, mut new)) = hunk_header(l) {
            hunks += 1;
            i += 1;
            while (old > 0 || new > 0) && i < lines.len() {
                match lines[i].as_ref().as_bytes().first() {
                    None | Some(b' ') => {
                        complete &= old > 0 && new > 0;
                        old = old.saturating_sub(1);
                        new = new.saturating_sub(1);
                    }
                    Some(b'+') => {
                        complete &= new > 0;
                        new = new.saturating_sub(1);
                    }
                    Some(b'-') => {
                        complete &= old > 0;
                        old = old.saturating_sub(1);
                    }
                    Some(b'\\') => {}
                    _ => break,
                }
                i += 1;
            }
            complete &= old == 0 && new == 0;
            while i < lines.len() && lines[i].as_ref().starts_with('\\') {
                i += 1;
            }
            continue;
        }
        if is_header(l) {
            git |= l.starts_with("diff --git ");
            if l.starts_with("GIT binary patch") {
                // Base85 lines follow; where they end is not worth a guess.
                complete = false;
                i += 1;
                while i < lines.len() && !lines[i].as_ref().is_empty() {
                    i += 1;
                }
                continue;
            }
            i += 1;
            continue;
        }
        // More hunk-looking lines after the counts ran out: the counts are
        // wrong, and so is any guess about where the diff ends.
        if hunks > 0 && matches!(l.as_bytes().first(), Some(b'+' | b'-' | b' ' | b'\\')) {
            complete = false;
            i += 1;
            continue;
        }
        break;
    }
    // A `diff --git` header may stand alone (a rename, a mode change), but
    // not as a single line.
    complete &= hunks > 0 || git && i - start > 1;
    Some(Region { start, end: i, complete })
}

/// Every diff in `lines`, scanning from the top (a diff's lines are never
/// searched for another start).
#[cfg(test)]
pub fn regions<S: AsRef<str>>(lines: &[S]) -> Vec<Region> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match scan(lines, i) {
            Some(r) => {
                i = r.end.max(i + 1);
                out.push(r);
            }
            None => i += 1,
        }
    }
    out
}

/// Whether `lines` (blank lines at either end aside) are exactly one
/// complete diff.
pub fn is_complete_diff<S: AsRef<str>>(lines: &[S]) -> bool {
    let blank = |l: &S| l.as_ref().trim_ascii().is_empty();
    let Some(first) = lines.iter().position(|l| !blank(l)) else {
        return false;
    };
    let last = lines.iter().rposition(|l| !blank(l)).unwrap_or(first);
    scan(&lines[..=last], first).is_some_and(|r| r.complete && r.end == last + 1)
}

/// A line that reads like an added or removed diff line: `+x`, `-x`,
/// `+    indented`, a lone `+` or `-`. A Markdown list item (`- item`,
/// `+ item`), a rule (`---`) and an SQL/Lua comment or signature (`-- x`)
/// do not count.
pub fn change_shaped(line: &str) -> bool {
    let b = line.as_bytes();
    let Some(&sign) = b.first() else {
        return false;
    };
    if sign != b'+' && sign != b'-' {
        return false;
    }
    if b.len() == 1 {
        return true;
    }
    if b.iter().all(|&c| c == sign || c == b' ') || line.starts_with("-- ") {
        return false;
    }
    match b[1] {
        b' ' => matches!(b.get(2), Some(b' ' | b'\t')),
        _ => true,
    }
}

/// A line a diff could hold between its header and its end: a hunk line
/// (`+`, `-`, ` `, `\`), a hunk header or a file header.
pub fn hunk_shaped(line: &str) -> bool {
    matches!(line.as_bytes().first(), Some(b'+' | b'-' | b' ' | b'\\' | b'@')) || is_header(line)
}

/// Whether any part of the text reads like a diff: a header or hunk header
/// anywhere, a `\ No newline` marker, or two or more lines that read like
/// added/removed lines. Coarse on purpose: a text that trips it gets only
/// the edits that cannot touch a diff line.
pub fn signals<S: AsRef<str>>(lines: &[S]) -> bool {
    let mut changes = 0;
    for (i, l) in lines.iter().enumerate() {
        let l = l.as_ref();
        if l.starts_with("diff --git ")
            || l.starts_with("@@ ")
            || l.starts_with("\\ No newline")
            || l.starts_with("+++ ")
            || l.starts_with("--- ") && lines.get(i + 1).is_some_and(|n| n.as_ref().starts_with("+++ "))
            || l.starts_with("Index: ")
            || other_diff_format(l)
            || starts_region(lines, i)
        {
            return true;
        }
        if change_shaped(l) {
            changes += 1;
            if changes >= 2 {
                return true;
            }
        }
    }
    false
}

/// A line of a context diff (`***************`, `*** 1,5 ****`,
/// `--- 1,5 ----`) or of a normal diff (`3c3`, `5,7d4`).
fn other_diff_format(l: &str) -> bool {
    if l == "***************"
        || l.starts_with("*** ") && l.ends_with(" ****")
        || l.starts_with("--- ") && l.ends_with(" ----")
    {
        return true;
    }
    // `a[,b]{a,c,d}c[,d]`
    let b = l.as_bytes();
    let range = |mut i: usize| {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i < b.len() && b[i] == b',' && i > s {
            i += 1;
            let t = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == t {
                return None;
            }
        }
        (i > s).then_some(i)
    };
    range(0).is_some_and(|i| matches!(b.get(i), Some(b'a' | b'c' | b'd')) && range(i + 1) == Some(b.len()))
}

/// Whether `line` is one of the lines [`signals`] reacts to.
pub fn signal_line<S: AsRef<str>>(lines: &[S], i: usize) -> bool {
    let l = lines[i].as_ref();
    other_diff_format(l)
        || l.starts_with("diff --git ")
        || l.starts_with("@@ ")
        || l.starts_with("\\ No newline")
        || l.starts_with("+++ ")
        || l.starts_with("--- ")
        || l.starts_with("Index: ")
        || starts_region(lines, i)
        || change_shaped(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<&str> {
        s.split('\n').collect()
    }

    #[test]
    fn hunk_headers() {
        assert_eq!(hunk_header("@@ -1,3 +1,4 @@"), Some((3, 4)));
        assert_eq!(hunk_header("@@ -1 +1 @@ fn main() {"), Some((1, 1)));
        assert_eq!(hunk_header("@@ -0,0 +1,2 @@"), Some((0, 2)));
        assert_eq!(hunk_header("@@ something @@"), None);
        assert_eq!(hunk_header("@@@ -1,2 -1,2 +1,3 @@@"), None);
    }

    #[test]
    fn counts_decide_where_a_hunk_ends() {
        // A context line holding a fence, then the real closing fence.
        let l = v("@@ -1,3 +1,3 @@\n ```rust\n-let x = 1;\n+let x = 2;\n ```\n```");
        let r = scan(&l, 0).unwrap();
        assert_eq!(r, Region { start: 0, end: 5, complete: true }, "{l:?}");
    }

    #[test]
    fn git_diff_with_no_newline_marker() {
        let text = "diff --git a/x.md b/x.md\nindex 1234567..89abcde 100644\n--- a/x.md\n+++ b/x.md\n@@ -1,2 +1,2 @@\n # Title\n-old  \n\\ No newline at end of file\n+new  \n\\ No newline at end of file\n";
        let l = v(text);
        let r = scan(&l, 0).unwrap();
        assert!(r.complete);
        assert_eq!(r.end, l.len() - 1);
        assert!(is_complete_diff(&l));
    }

    #[test]
    fn wrong_counts_make_an_incomplete_region() {
        let l = v("@@ -1,1 +1,1 @@\n-a\n+b\n+c\nThen prose.");
        let r = scan(&l, 0).unwrap();
        assert_eq!((r.end, r.complete), (4, false));
        let l = v("@@ -1,5 +1,5 @@\n-a\n+b\nprose");
        assert_eq!(scan(&l, 0).unwrap(), Region { start: 0, end: 3, complete: false });
    }

    #[test]
    fn two_files() {
        let l = v(
            "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\ndiff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n-p\n+q",
        );
        assert!(is_complete_diff(&l));
        assert_eq!(regions(&l).len(), 1);
    }

    #[test]
    fn change_shapes() {
        for l in ["+x", "-x", "+    indented", "-\tx", "+", "-", "-  two spaces"] {
            assert!(change_shaped(l), "{l:?}");
        }
        for l in ["- item", "+ item", "---", "- - -", "-- comment", "text", ""] {
            assert!(!change_shaped(l), "{l:?}");
        }
    }

    #[test]
    fn signals_are_coarse() {
        assert!(signals(&v("Some text\n@@ -1 +1 @@\n-a\n+b")));
        assert!(signals(&v("Change it:\n-old\n+new")));
        assert!(!signals(&v("- item\n- item\n\n---\n\nText -- with dashes.")));
        assert!(!signals(&v("Use `-v` for verbose output.")));
        // Context and normal diffs: never fenced, but they keep the text guarded.
        assert!(signals(&v("***************\n*** 1,3 ****\n  a\n! b\n--- 1,3 ----\n  a\n! c")));
        assert!(signals(&v("3c3\n< old\n---\n> new")));
        assert!(!signals(&v("In 2024 the c3 chip shipped.\n3 cats")));
    }
}
