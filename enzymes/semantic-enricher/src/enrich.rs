//! Build the `enrichment` object of a span.
//!
//! ```json
//! {"intent": "implement",
//!  "key_entities": {"technologies": [...], "identifiers": [...], "files": [...]},
//!  "tags": [...],
//!  "related": [{"id": "s-9", "similarity": 0.8123}]}
//! ```
//!
//! Nothing is written into `this` or `if_ok`. The object is a pure function
//! of the span and the host's answers, so a second run leaves it as it is.

use crate::config::Config;
use crate::entities::Extractor;
use crate::tech::TechMatcher;
use logline_sdk::{ChangeKind, Cx, Error, Map, Neighbour, Span, Value};
use std::collections::HashMap;

/// The top-level key written (it lives in `span.extra`).
pub const KEY: &str = "enrichment";

/// The built-in `did` → intent table (SPEC §3.3).
pub const INTENTS: &[(&str, &str)] = &[
    ("ask_question", "explain"),
    ("write_code", "implement"),
    ("analyze_data", "verify"),
    ("debug_code", "debug"),
    ("optimize_code", "optimize"),
    ("refactor_code", "refactor"),
];

/// Everything built once from the configuration.
pub struct Enricher {
    intents: HashMap<String, String>,
    default_intent: String,
    tech: TechMatcher,
    extractor: Extractor,
    related_k: u32,
    min_similarity: f32,
    max_entities: usize,
}

impl Enricher {
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let mut intents: HashMap<String, String> =
            INTENTS.iter().map(|(d, i)| (d.to_string(), i.to_string())).collect();
        intents.extend(config.intents);
        let tech = TechMatcher::new(&config.technologies)
            .map_err(|e| Error::invalid_config(format!("semantic-enricher: `technologies`: {e}")))?;
        Ok(Enricher {
            intents,
            default_intent: config.default_intent,
            tech,
            extractor: Extractor::default(),
            related_k: config.related_k,
            min_similarity: config.min_similarity,
            max_entities: config.max_entities,
        })
    }

    /// The intent of an action.
    pub fn intent(&self, did: &str) -> &str {
        self.intents.get(did).unwrap_or(&self.default_intent)
    }

    /// The `enrichment` value for `span`, asking the host for tags and
    /// neighbours.
    pub fn enrichment(&self, span: &Span, cx: &Cx<'_>) -> Value {
        let texts = [span.this.as_str(), span.response()];
        let technologies = self.tech.find(&texts, self.max_entities);
        let identifiers = self.extractor.identifiers(&texts, self.max_entities);
        let files = self.extractor.files(&texts, self.max_entities, &|t| self.tech.is_alias(t));

        let mut entities = Map::new();
        entities.insert("technologies".into(), strings(technologies));
        entities.insert("identifiers".into(), strings(identifiers));
        entities.insert("files".into(), strings(files));

        let mut tags: Vec<String> = Vec::new();
        for tag in cx.tags() {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }

        let related = if self.related_k == 0 { Vec::new() } else { cx.neighbours(self.related_k) };
        let related: Vec<Value> = related
            .into_iter()
            .filter(|n| n.id != span.id && n.similarity.is_finite() && n.similarity >= self.min_similarity)
            .map(|n| related_entry(&n))
            .collect();

        let mut out = Map::new();
        out.insert("intent".into(), Value::String(self.intent(&span.did).to_string()));
        out.insert("key_entities".into(), Value::Object(entities));
        out.insert("tags".into(), strings(tags));
        out.insert("related".into(), Value::Array(related));
        Value::Object(out)
    }

    /// Write (or replace) `enrichment` and record it; unchanged when the
    /// span already carries the same value.
    pub fn process(&self, span: &mut Span, cx: &mut Cx<'_>) {
        let new = self.enrichment(span, cx);
        let old = span.extra.get(KEY);
        if old == Some(&new) {
            return;
        }
        let replaced = old.is_some();
        let after = serde_json::to_string(&new).unwrap_or_default();
        let description = describe(&new);
        span.extra.insert(KEY.to_string(), new);
        if replaced {
            cx.record(ChangeKind::Modification, KEY, &format!("replaced enrichment: {description}")).after(&after);
        } else {
            cx.record(ChangeKind::Addition, KEY, &format!("added enrichment: {description}")).after(&after);
        }
    }
}

fn strings(list: Vec<String>) -> Value {
    Value::Array(list.into_iter().map(Value::String).collect())
}

/// `{"id", "similarity"}` with the similarity rounded to 4 decimals.
fn related_entry(n: &Neighbour) -> Value {
    let rounded = (f64::from(n.similarity) * 10_000.0).round() / 10_000.0;
    let mut obj = Map::new();
    obj.insert("id".into(), Value::String(n.id.clone()));
    obj.insert("similarity".into(), serde_json::Number::from_f64(rounded).map_or(Value::Null, Value::Number));
    Value::Object(obj)
}

/// "intent implement, 3 technologies, 2 identifiers, 1 file, 2 tags, 5 related".
fn describe(v: &Value) -> String {
    // Plain look-ups: `Value::pointer` unescapes every path segment.
    let len = |p: &str| {
        let (outer, inner) = p.trim_start_matches('/').split_once('/').unwrap_or((p.trim_start_matches('/'), ""));
        let mut node = v.get(outer);
        if !inner.is_empty() {
            node = node.and_then(|n| n.get(inner));
        }
        node.and_then(Value::as_array).map_or(0, Vec::len)
    };
    let n = |count: usize, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
    format!(
        "intent {}, {}, {}, {}, {}, {} related",
        v["intent"].as_str().unwrap_or(""),
        n(len("/key_entities/technologies"), "technology", "technologies"),
        n(len("/key_entities/identifiers"), "identifier", "identifiers"),
        n(len("/key_entities/files"), "file", "files"),
        n(len("/tags"), "tag", "tags"),
        len("/related"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SemanticEnricher;
    use logline_sdk::testing::{MockHost, build, run, span};
    use logline_sdk::{ErrorKind, Outcome, json};

    const RESPONSE: &str = "You can read it with `serde_json` in Rust. Put this in src/config.rs:\n\n\
        ```rust\nuse std::collections::HashMap;\n\npub fn parse_config(text: &str) -> HashMap<String, String> {\n    \
        let mut settings = HashMap::new();\n    for line in text.lines() {\n        if let Some((k, v)) = line.split_once('=') {\n            \
        settings.insert(k.trim().to_string(), v.trim().to_string());\n        }\n    }\n    settings\n}\n```\n\n\
        Then add `serde_json = \"1\"` to Cargo.toml and run it on Postgres data from k8s.\n";

    fn host(config: &str) -> MockHost {
        MockHost::default()
            .with_config(config)
            .with_tags("s1", &["programming", "rust", "programming"])
            .with_neighbours("s1", &[("s7", 0.912_345_6), ("s1", 0.99), ("s3", 0.5), ("s9", -0.2)])
    }

    fn the_span() -> Span {
        span("s1").did("write_code").this("How do I parse a config file in Rust?").if_ok(RESPONSE).build()
    }

    fn enrich(config: &str, s: Span) -> (Option<Span>, Vec<logline_sdk::Change>) {
        let host = host(config);
        let enzyme: SemanticEnricher = build(&host).unwrap();
        let out = run(&enzyme, s, &host).unwrap();
        assert_eq!(out.outcome, Outcome::Keep);
        (out.changed, out.changes)
    }

    #[test]
    fn full_shape() {
        let (changed, changes) = enrich("{}", the_span());
        let span = changed.unwrap();
        assert_eq!(
            span.extra[KEY],
            json!({
                "intent": "implement",
                "key_entities": {
                    "technologies": ["rust", "cargo", "postgresql", "kubernetes"],
                    "identifiers": ["serde_json", "HashMap", "parse_config", "settings", "lines", "split_once", "trim"],
                    "files": ["src/config.rs", "Cargo.toml"]
                },
                "tags": ["programming", "rust"],
                "related": [{"id": "s7", "similarity": 0.9123}, {"id": "s3", "similarity": 0.5}]
            })
        );
        // Key order is part of the output.
        let keys: Vec<&str> = span.extra[KEY].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["intent", "key_entities", "tags", "related"]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::Addition);
        assert_eq!(changes[0].location, "enrichment");
        assert_eq!(
            changes[0].description,
            "added enrichment: intent implement, 4 technologies, 7 identifiers, 2 files, 2 tags, 2 related"
        );
    }

    #[test]
    fn text_is_never_touched() {
        let before = the_span();
        let (changed, _) = enrich("{}", before.clone());
        let after = changed.unwrap();
        assert_eq!((after.this.as_str(), after.if_ok.as_deref()), (before.this.as_str(), before.if_ok.as_deref()));
        assert_eq!(after.context, before.context);
        assert_eq!(after.metadata, before.metadata);
    }

    #[test]
    fn intents_built_in_and_configured() {
        let host = MockHost::default().with_config(r#"{"intents": {"write_code": "build", "translate": "translate"}}"#);
        let e: SemanticEnricher = build(&host).unwrap();
        assert_eq!(e.enricher.intent("write_code"), "build");
        assert_eq!(e.enricher.intent("translate"), "translate");
        assert_eq!(e.enricher.intent("debug_code"), "debug");
        assert_eq!(e.enricher.intent("analyze_data"), "verify");
        assert_eq!(e.enricher.intent("something_else"), "explain");
        let host = MockHost::default().with_config(r#"{"default_intent": "other"}"#);
        let e: SemanticEnricher = build(&host).unwrap();
        assert_eq!(e.enricher.intent("something_else"), "other");
        for (did, intent) in INTENTS {
            let e: SemanticEnricher = build(&MockHost::default()).unwrap();
            assert_eq!(e.enricher.intent(did), *intent);
        }
    }

    #[test]
    fn related_k_and_min_similarity() {
        let (changed, _) = enrich(r#"{"related_k": 1}"#, the_span());
        assert_eq!(changed.unwrap().extra[KEY]["related"], json!([{"id": "s7", "similarity": 0.9123}]));
        let (changed, _) = enrich(r#"{"min_similarity": 0.6}"#, the_span());
        assert_eq!(changed.unwrap().extra[KEY]["related"], json!([{"id": "s7", "similarity": 0.9123}]));
        let (changed, _) = enrich(r#"{"min_similarity": -1.0}"#, the_span());
        assert_eq!(changed.unwrap().extra[KEY]["related"].as_array().unwrap().len(), 3);
        let (changed, _) = enrich(r#"{"related_k": 0}"#, the_span());
        assert_eq!(changed.unwrap().extra[KEY]["related"], json!([]));
    }

    #[test]
    fn max_entities_caps_each_list() {
        let (changed, _) = enrich(r#"{"max_entities": 1}"#, the_span());
        let e = &changed.unwrap().extra[KEY]["key_entities"];
        assert_eq!(e["technologies"], json!(["rust"]));
        assert_eq!(e["identifiers"], json!(["serde_json"]));
        assert_eq!(e["files"], json!(["src/config.rs"]));
    }

    #[test]
    fn technologies_are_extendable() {
        let cfg = r#"{"technologies": {"logline": ["log-line"], "rust": ["ferris"]}}"#;
        let s = span("s1").this("Ferris and log-line and LogLine").build();
        let (changed, _) = enrich(cfg, s);
        assert_eq!(changed.unwrap().extra[KEY]["key_entities"]["technologies"], json!(["rust", "logline"]));
    }

    #[test]
    fn idempotent_and_replacing() {
        let (changed, _) = enrich("{}", the_span());
        let once = changed.unwrap();
        let (again, changes) = enrich("{}", once.clone());
        assert!(again.is_none(), "second run must not change the span");
        assert!(changes.is_empty());

        let mut stale = the_span();
        stale.extra.insert(KEY.into(), json!({"intent": "old"}));
        stale.extra.insert("other".into(), json!(1));
        let (changed, changes) = enrich("{}", stale);
        let span = changed.unwrap();
        assert_eq!(span.extra[KEY], once.extra[KEY]);
        assert_eq!(span.extra["other"], 1);
        assert_eq!(changes[0].kind, ChangeKind::Modification);
    }

    #[test]
    fn empty_span_gets_empty_lists() {
        let s = span("s2").this("hi").build();
        let (changed, _) = enrich("{}", s);
        assert_eq!(
            changed.unwrap().extra[KEY],
            json!({"intent": "explain", "key_entities": {"technologies": [], "identifiers": [], "files": []}, "tags": [], "related": []})
        );
    }

    #[test]
    fn unknown_config_key_is_an_error_naming_it() {
        let err = build::<SemanticEnricher>(&MockHost::default().with_config(r#"{"related": 3}"#)).err().unwrap();
        assert_eq!(err.kind, ErrorKind::InvalidConfig);
        assert!(err.message.contains("related"), "{}", err.message);
    }

    #[test]
    fn bad_values_are_rejected() {
        for cfg in [
            r#"{"related_k": 101}"#,
            r#"{"min_similarity": 1.5}"#,
            r#"{"default_intent": " "}"#,
            r#"{"intents": {"x": ""}}"#,
            r#"{"technologies": {"x": [""]}}"#,
            r#"{"technologies": {"x": "y"}}"#,
        ] {
            let err = build::<SemanticEnricher>(&MockHost::default().with_config(cfg)).err().expect(cfg);
            assert_eq!(err.kind, ErrorKind::InvalidConfig, "{cfg}");
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        const FRAGMENTS: &[&str] = &[
            "```",
            "```py",
            "~~~",
            "`",
            "``",
            "\n",
            "é",
            "日本語",
            "🦀",
            "c++",
            "C#",
            ".NET",
            "node.js",
            "src/",
            "a.rs",
            "/*",
            "*/",
            "//",
            "#",
            "# ",
            "--",
            "'",
            "\"",
            "\\",
            "def ",
            "fn ",
            "class ",
            "FROM ",
            "x(",
            ")",
            "::",
            ".",
            "https://x.io/a.js",
            "@",
            "k8s",
            "postgres",
            "Dockerfile",
            ".env.local",
            "snake_case",
            "camelCase",
            " ",
            "\t",
            "\r",
            "$",
            "a.json()",
            "r#\"",
            "'a",
            "0x1F",
            "10usize",
        ];
        let host = MockHost::default();
        let enzyme: SemanticEnricher = build(&host).unwrap();
        let mut state = 42u64;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..30 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(FRAGMENTS[(state >> 33) as usize % FRAGMENTS.len()]);
            }
            let s = span("z").this(&text).if_ok(&text).build();
            let out = run(&enzyme, s, &host).unwrap();
            let span = out.changed.unwrap();
            assert_eq!(span.if_ok.as_deref(), Some(text.as_str()));
        }
    }

    #[test]
    fn info_is_stable() {
        use logline_sdk::Enzyme;
        let info = SemanticEnricher::info();
        assert_eq!((info.name.as_str(), info.version.as_str()), ("semantic-enricher", "0.1.0"));
    }

    use logline_sdk::testing::thread_cpu_seconds as cpu_seconds;

    /// For instruction counts: `valgrind --tool=callgrind` this with
    /// `IR_N=100` and `IR_N=600`; the difference over 500 is per span.
    #[test]
    #[ignore]
    fn ir_probe() {
        let n: usize = std::env::var("IR_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
        let host = host("{}");
        let enzyme: SemanticEnricher = build(&host).unwrap();
        let text = match std::env::var("IR_SHORT") {
            Ok(_) => "Short answer.".to_string(),
            Err(_) => format!("{RESPONSE}\n{RESPONSE}"),
        };
        let s = Span { if_ok: Some(text), ..the_span() };
        for _ in 0..n {
            let mut sp = s.clone();
            let mut cx = Cx::new(&host, "s1");
            enzyme.enricher.process(&mut sp, &mut cx);
            std::hint::black_box(&sp);
        }
    }

    /// `cargo test --release -p enzyme-semantic-enricher -- --ignored --nocapture speed`
    #[test]
    #[ignore]
    fn speed() {
        let host = host("{}");
        let enzyme: SemanticEnricher = build(&host).unwrap();
        let s = the_span();
        let text = format!("{RESPONSE}\n{RESPONSE}");
        let s = Span { if_ok: Some(text.clone()), ..s };
        let n = 20_000;
        let texts = [s.this.as_str(), text.as_str()];
        let e = &enzyme.enricher;
        let time = |name: &str, f: &dyn Fn()| {
            let t = cpu_seconds();
            for _ in 0..n {
                f();
            }
            println!("  {name}: {:.1} µs (cpu)", (cpu_seconds() - t) * 1e6 / n as f64);
        };
        println!("semantic-enricher, {} bytes of text:", text.len() + s.this.len());
        time("whole span (testing::run)", &|| drop(std::hint::black_box(run(&enzyme, s.clone(), &host).unwrap())));
        time("technologies", &|| drop(std::hint::black_box(e.tech.find(&texts, 20))));
        time("identifiers", &|| drop(std::hint::black_box(e.extractor.identifiers(&texts, 20))));
        time("files", &|| drop(std::hint::black_box(e.extractor.files(&texts, 20, &|t| e.tech.is_alias(t)))));
    }
}
