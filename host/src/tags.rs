//! `semantic_tags` (SPEC §2.3): keyword families matched on word boundaries
//! over the lowercased query and response.
//!
//! The families are data: [`Tagger::default`] holds the spec's table, and a
//! manifest's `[tags]` table extends it (new families are appended; a known
//! family gains keywords). A keyword may be several words ("machine
//! learning"): its words must follow each other.

use indexmap::IndexMap;

/// The spec's families, in order.
pub const DEFAULT_FAMILIES: &[(&str, &[&str])] = &[
    ("programming", &["code", "function", "program", "implement"]),
    ("explanation", &["explain", "what", "why", "how"]),
    ("analysis", &["analyze", "summarize", "evaluate"]),
    ("debugging", &["debug", "error", "fix", "issue"]),
    ("optimization", &["optimize", "performance", "improve"]),
    ("security", &["security", "auth", "token", "password"]),
    ("javascript", &["javascript", "typescript", "node"]),
    ("python", &["python", "django", "flask"]),
    ("rust", &["rust", "cargo"]),
    ("database", &["sql", "database", "query"]),
];

/// Computes semantic tags from a family table.
#[derive(Debug, Clone)]
pub struct Tagger {
    families: Vec<(String, Vec<Vec<String>>)>,
}

impl Default for Tagger {
    fn default() -> Self {
        Tagger::new(&IndexMap::new())
    }
}

impl Tagger {
    /// The spec's families, extended by `extra` (a manifest's `[tags]`).
    pub fn new(extra: &IndexMap<String, Vec<String>>) -> Self {
        let mut families: Vec<(String, Vec<Vec<String>>)> = DEFAULT_FAMILIES
            .iter()
            .map(|(name, kws)| (name.to_string(), kws.iter().map(|k| split_words(k)).collect()))
            .collect();
        for (name, kws) in extra {
            let kws: Vec<Vec<String>> = kws.iter().map(|k| split_words(k)).filter(|w| !w.is_empty()).collect();
            match families.iter_mut().find(|(n, _)| n == name) {
                Some((_, list)) => list.extend(kws),
                None => families.push((name.clone(), kws)),
            }
        }
        Tagger { families }
    }

    /// Tags for a span: families in table order, each once, then the domain.
    pub fn tags(&self, this: &str, if_ok: Option<&str>, domain: Option<&str>) -> Vec<String> {
        let mut words = split_words(this);
        if let Some(r) = if_ok {
            words.extend(split_words(r));
        }
        let set: std::collections::HashSet<&str> = words.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        for (name, keywords) in &self.families {
            let hit = keywords.iter().any(|kw| match kw.as_slice() {
                [one] => set.contains(one.as_str()),
                many => words.windows(many.len()).any(|w| w == many),
            });
            if hit {
                out.push(name.clone());
            }
        }
        if let Some(d) = domain.map(str::trim).filter(|d| !d.is_empty())
            && !out.iter().any(|t| t == d)
        {
            out.push(d.to_string());
        }
        out
    }
}

/// Lowercased words: maximal runs of alphanumeric characters or `_`
/// (regex `\w`), so boundaries are exactly regex `\b`.
pub fn split_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(this: &str, ok: &str) -> Vec<String> {
        Tagger::default().tags(this, Some(ok), None)
    }

    #[test]
    fn families_in_table_order_each_once() {
        assert_eq!(
            tags("How do I fix this Python error?", "Use a try block; the error is a KeyError."),
            ["explanation", "debugging", "python"]
        );
        assert_eq!(tags("Write a function", "def f(): pass  # python code"), ["programming", "python"]);
    }

    #[test]
    fn word_boundaries_not_substrings() {
        // The prototype matched substrings: "author" gave `security`.
        assert!(tags("Who is the author of this book?", "An author.").is_empty());
        assert!(tags("Rusty nails", "codes nodes").is_empty());
        assert_eq!(tags("auth flow", "node.js"), ["security", "javascript"]);
        assert!(tags("auth_token", "").is_empty(), "`_` joins words, as regex \\b does");
    }

    #[test]
    fn case_insensitive_and_domain_last() {
        let t = Tagger::default().tags("Optimize this SQL QUERY", None, Some("data"));
        assert_eq!(t, ["optimization", "database", "data"]);
        let t = Tagger::default().tags("sql", None, Some("database"));
        assert_eq!(t, ["database"], "the domain is not repeated");
    }

    #[test]
    fn manifest_extends_the_table() {
        let mut extra = IndexMap::new();
        extra.insert("ml".to_string(), vec!["machine learning".to_string(), "pytorch".to_string()]);
        extra.insert("python".to_string(), vec!["pandas".to_string()]);
        let t = Tagger::new(&extra);
        assert_eq!(t.tags("Machine learning with pandas", None, None), ["python", "ml"]);
        assert!(t.tags("machine for learning", None, None).is_empty());
    }
}
