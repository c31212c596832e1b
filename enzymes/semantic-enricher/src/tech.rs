//! Technologies named in a text: a table of canonical names and aliases,
//! matched case-insensitively on word boundaries with one Aho-Corasick
//! automaton built at load.

use crate::entities::FastSet;
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::BTreeMap;

/// The built-in table: canonical name, then its aliases (the name is always
/// an alias of itself). Ambiguous English words (`go`, `node`, `express`,
/// `spring`, `rest`) are left out or only matched in an unambiguous form.
pub const TECHNOLOGIES: &[(&str, &[&str])] = &[
    // Languages
    ("python", &["python3", "python2", "cpython"]),
    ("javascript", &["js", "ecmascript", "es6", "es2015"]),
    ("typescript", &["ts"]),
    ("rust", &["rustlang", "rust-lang"]),
    ("go", &["golang"]),
    ("java", &["jdk", "openjdk"]),
    ("kotlin", &[]),
    ("scala", &[]),
    ("swift", &["swiftui"]),
    ("objective-c", &["objc", "objective c"]),
    ("c", &["ansi c", "c99", "c11", "c language"]),
    ("cpp", &["c++", "cplusplus", "c++11", "c++17", "c++20"]),
    ("csharp", &["c#", "c sharp"]),
    ("ruby", &[]),
    ("php", &[]),
    ("perl", &[]),
    ("haskell", &[]),
    ("elixir", &[]),
    ("erlang", &[]),
    ("clojure", &[]),
    ("lua", &[]),
    ("dart", &[]),
    ("zig", &[]),
    ("julia", &[]),
    ("r", &["r language", "rstudio"]),
    ("bash", &["shell script", "zsh"]),
    ("powershell", &["pwsh"]),
    ("sql", &["t-sql", "tsql", "pl/sql", "plpgsql"]),
    ("html", &["html5"]),
    ("css", &["css3"]),
    ("sass", &["scss"]),
    ("webassembly", &["wasm", "wasi"]),
    // Data stores
    ("postgresql", &["postgres", "psql", "pgsql"]),
    ("mysql", &[]),
    ("mariadb", &[]),
    ("sqlite", &["sqlite3"]),
    ("mongodb", &["mongo", "mongoose"]),
    ("redis", &[]),
    ("cassandra", &[]),
    ("elasticsearch", &["elastic search", "opensearch"]),
    ("dynamodb", &["dynamo db"]),
    ("bigquery", &["big query"]),
    ("clickhouse", &[]),
    ("neo4j", &[]),
    ("supabase", &[]),
    ("firebase", &["firestore"]),
    ("snowflake", &[]),
    // Web and app frameworks
    ("react", &["reactjs", "react.js", "react native", "react-native"]),
    ("vue", &["vuejs", "vue.js", "vue3"]),
    ("angular", &["angularjs"]),
    ("svelte", &["sveltekit"]),
    ("next.js", &["nextjs"]),
    ("nuxt", &["nuxtjs", "nuxt.js"]),
    ("node.js", &["nodejs", "node js"]),
    ("deno", &[]),
    ("express", &["express.js", "expressjs"]),
    ("nestjs", &["nest.js"]),
    ("django", &[]),
    ("flask", &[]),
    ("fastapi", &[]),
    ("rails", &["ruby on rails", "ror"]),
    ("spring", &["spring boot", "springboot", "spring framework"]),
    ("laravel", &[]),
    ("dotnet", &[".net", ".net core", "asp.net", "asp.net core"]),
    ("jquery", &[]),
    ("tailwind", &["tailwindcss", "tailwind css"]),
    ("graphql", &[]),
    ("grpc", &["protobuf", "protocol buffers"]),
    ("websocket", &["websockets"]),
    ("tokio", &[]),
    ("serde", &[]),
    // Infrastructure and tooling
    ("docker", &["dockerfile", "docker-compose", "docker compose"]),
    ("kubernetes", &["k8s", "kubectl"]),
    ("helm", &[]),
    ("terraform", &[]),
    ("ansible", &[]),
    ("aws", &["amazon web services", "ec2", "aws lambda"]),
    ("amazon s3", &["s3"]),
    ("gcp", &["google cloud", "google cloud platform"]),
    ("azure", &["microsoft azure"]),
    ("nginx", &[]),
    ("kafka", &["apache kafka"]),
    ("rabbitmq", &[]),
    ("git", &[]),
    ("github", &["github actions"]),
    ("gitlab", &[]),
    ("jenkins", &[]),
    ("linux", &["ubuntu", "debian", "centos", "fedora"]),
    ("macos", &["mac os", "os x"]),
    ("windows", &["win32"]),
    ("webpack", &[]),
    ("vite", &[]),
    ("babel", &[]),
    ("eslint", &[]),
    ("prettier", &[]),
    ("npm", &[]),
    ("yarn", &[]),
    ("pnpm", &[]),
    ("pip", &["pypi"]),
    ("conda", &["anaconda", "miniconda"]),
    ("cargo", &["crates.io"]),
    ("maven", &[]),
    ("gradle", &[]),
    ("cmake", &[]),
    ("llvm", &["clang"]),
    ("gcc", &[]),
    ("jest", &[]),
    ("pytest", &[]),
    ("junit", &[]),
    ("prometheus", &[]),
    ("grafana", &[]),
    ("oauth", &["oauth2", "oauth 2.0"]),
    ("jwt", &["json web token", "json web tokens"]),
    ("json", &[]),
    ("yaml", &["yml"]),
    ("toml", &[]),
    ("xml", &[]),
    ("markdown", &[]),
    // Data and ML
    ("numpy", &[]),
    ("pandas", &[]),
    ("scikit-learn", &["sklearn", "scikit learn"]),
    ("tensorflow", &[]),
    ("pytorch", &["torch"]),
    ("keras", &[]),
    ("jupyter", &["jupyter notebook", "ipython"]),
    ("spark", &["apache spark", "pyspark"]),
    ("hadoop", &[]),
    ("airflow", &["apache airflow"]),
    ("cuda", &[]),
    ("opencv", &["cv2"]),
    ("onnx", &["onnx runtime", "onnxruntime"]),
    ("hugging face", &["huggingface"]),
    ("langchain", &[]),
    ("openai", &["chatgpt", "gpt-4", "gpt-3.5"]),
    ("llama", &["llama.cpp"]),
];

/// Built-in names that are ordinary English words (or one letter): they are
/// matched only through their aliases ("golang", "c++", "express.js"…).
pub const NOT_SELF_ALIASES: &[&str] = &["go", "c", "r", "express", "spring", "snowflake", "spark", "prettier"];

/// A compiled table.
pub struct TechMatcher {
    automaton: AhoCorasick,
    /// Pattern index → index into `names`.
    canonical: Vec<usize>,
    names: Vec<String>,
    aliases: FastSet<String>,
}

impl TechMatcher {
    /// The built-in table extended by `extra` (canonical name → aliases).
    pub fn new(extra: &BTreeMap<String, Vec<String>>) -> Result<Self, String> {
        let mut names: Vec<String> = Vec::new();
        let mut aliases: Vec<(String, usize)> = Vec::new();
        let mut add = |name: &str, self_alias: bool, alias_list: Vec<&str>| {
            let idx = match names.iter().position(|n| n.eq_ignore_ascii_case(name)) {
                Some(i) => i,
                None => {
                    names.push(name.to_string());
                    names.len() - 1
                }
            };
            let own = self_alias.then_some(name);
            for alias in own.into_iter().chain(alias_list) {
                let alias = alias.trim().to_ascii_lowercase();
                if alias.is_empty() {
                    continue;
                }
                // A later definition of an alias wins (the user's table over ours).
                if let Some(slot) = aliases.iter_mut().find(|(a, _)| *a == alias) {
                    slot.1 = idx;
                } else {
                    aliases.push((alias, idx));
                }
            }
        };
        for (name, list) in TECHNOLOGIES {
            add(name, !NOT_SELF_ALIASES.contains(name), list.to_vec());
        }
        for (name, list) in extra {
            add(name, true, list.iter().map(String::as_str).collect());
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(aliases.iter().map(|(a, _)| a.as_str()))
            .map_err(|e| e.to_string())?;
        let canonical = aliases.iter().map(|(_, i)| *i).collect();
        let aliases = aliases.into_iter().map(|(a, _)| a).collect();
        Ok(TechMatcher { automaton, canonical, names, aliases })
    }

    /// Canonical names of the technologies named in `texts`, in order of
    /// first appearance, each once, at most `max`.
    pub fn find(&self, texts: &[&str], max: usize) -> Vec<String> {
        let mut seen = vec![false; self.names.len()];
        let mut out = Vec::new();
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for text in texts {
            hits.clear();
            let bytes = text.as_bytes();
            for m in self.automaton.find_overlapping_iter(*text) {
                if is_boundary(bytes, m.start(), m.end()) {
                    hits.push((m.start(), m.end(), self.canonical[m.pattern().as_usize()]));
                }
            }
            // Leftmost, then longest; a hit inside an accepted one is dropped
            // ("node.js" is not also "js"). Overlapping matches let a shorter
            // alias stand when the longest is not a whole word ("react" in
            // "react.jsx").
            hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            let mut end = 0;
            for &(s, e, idx) in &hits {
                if s < end {
                    continue;
                }
                end = e;
                if !seen[idx] {
                    seen[idx] = true;
                    out.push(self.names[idx].clone());
                    if out.len() >= max {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// Whether `text` (any case) is an alias of a technology: keeps
    /// `node.js` out of the file list.
    pub fn is_alias(&self, text: &str) -> bool {
        self.aliases.contains(&text.to_ascii_lowercase())
    }
}

/// A byte that continues a word: ASCII alphanumerics, `_`, and any byte of
/// a non-ASCII character.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// `text[start..end]` stands alone: no word byte touches it on either side,
/// it does not go on with `+`/`#` ("c+++"), and it is not the tail of a
/// dotted name ("js" in "index.js", "net" in "example.net").
fn is_boundary(text: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || !is_word_byte(text[start - 1]);
    let after_ok = end == text.len() || !(is_word_byte(text[end]) || matches!(text[end], b'+' | b'#'));
    let dotted_tail = start >= 2 && text[start - 1] == b'.' && is_word_byte(text[start - 2]);
    before_ok && after_ok && !dotted_tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> TechMatcher {
        TechMatcher::new(&BTreeMap::new()).unwrap()
    }

    #[test]
    fn table_is_big_enough_and_clean() {
        assert!(TECHNOLOGIES.len() >= 60, "{}", TECHNOLOGIES.len());
        for (name, aliases) in TECHNOLOGIES {
            assert!(name.is_ascii() && aliases.iter().all(|a| a.is_ascii() && *a == a.to_ascii_lowercase()));
        }
    }

    #[test]
    fn aliases_word_boundaries_and_order() {
        let m = matcher();
        let found = m.find(&["Deploy the Postgres DB on k8s with Docker; React talks to it via Node.js."], 20);
        assert_eq!(found, ["postgresql", "kubernetes", "docker", "react", "node.js"]);
        // Substrings never match.
        assert!(m.find(&["the author wrote a javascriptish reactor and gopher rusty code"], 20).is_empty());
    }

    #[test]
    fn punctuation_aliases() {
        let m = matcher();
        assert_eq!(m.find(&["C++ and C# and .NET"], 20), ["cpp", "csharp", "dotnet"]);
        assert_eq!(m.find(&["use sklearn, then PyTorch"], 20), ["scikit-learn", "pytorch"]);
        // "index.js" is a file name, not a mention of JavaScript.
        assert!(m.find(&["open index.js"], 20).is_empty());
        // The longest alias is not a word here, a shorter one inside it is.
        assert_eq!(m.find(&["see react.jsx"], 20), ["react"]);
    }

    #[test]
    fn dedup_cap_and_several_texts() {
        let m = matcher();
        let found = m.find(&["python python PYTHON", "rust and python and go? golang"], 20);
        assert_eq!(found, ["python", "rust", "go"]);
        assert_eq!(m.find(&["python rust java"], 2), ["python", "rust"]);
    }

    #[test]
    fn extendable() {
        let mut extra = BTreeMap::new();
        extra.insert("logline".to_string(), vec!["log line".to_string()]);
        extra.insert("postgresql".to_string(), vec!["pg".to_string()]);
        let m = TechMatcher::new(&extra).unwrap();
        assert_eq!(m.find(&["pg and Log Line and LogLine"], 20), ["postgresql", "logline"]);
    }

    #[test]
    fn alias_lookup() {
        let m = matcher();
        assert!(m.is_alias("node.js"));
        assert!(m.is_alias("next.js"));
        assert!(!m.is_alias("main.rs"));
    }
}
