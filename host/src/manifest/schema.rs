//! The manifest's shape. Unknown keys are errors (`deny_unknown_fields`), so a
//! typo is reported with its line instead of being silently ignored.

use super::Origin;
use super::error::{ManifestError, line_col};
use crate::score::QualitySettings;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use toml::Spanned;

/// What to do with a span whose enzyme failed (trap, timeout, limit, bad output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Pass the span on as it was before the failing enzyme; log the failure.
    #[default]
    Skip,
    /// Send the span to the rejects file with the failure as its reason.
    Reject,
    /// Stop the run with the failure (exit code 1).
    Abort,
}

impl OnError {
    pub fn as_str(self) -> &'static str {
        match self {
            OnError::Skip => "skip",
            OnError::Reject => "reject",
            OnError::Abort => "abort",
        }
    }
}

/// The built-in enzymes a manifest may name (`builtin = "…"`) and the role
/// each plays for the do-no-harm checks. The host embeds their components
/// (`enzyme::builtin`; a test keeps the two lists equal).
pub const BUILTINS: &[(&str, Role)] = &[
    ("security", Role::Redactor),
    ("syntax-optimizer", Role::Tidy),
    ("semantic-enricher", Role::Annotator),
    ("context-preserver", Role::Annotator),
    ("prompt-variants", Role::Transform),
];

/// What an enzyme is allowed to do to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Adds annotations; never changes `this`, `if_ok`, `if_not`.
    Annotator,
    /// Changes layout only: same tokens, idempotent.
    Tidy,
    /// Replaces literal secrets with placeholders.
    Redactor,
    /// Any change that keeps the universal invariants.
    #[default]
    Transform,
}

impl Role {
    /// The role of a built-in enzyme.
    pub fn of_builtin(name: &str) -> Role {
        BUILTINS.iter().find(|(n, _)| *n == name).map_or(Role::Transform, |(_, r)| *r)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Annotator => "annotator",
            Role::Tidy => "tidy",
            Role::Redactor => "redactor",
            Role::Transform => "transform",
        }
    }
}

/// `[pipeline] quality_gate` when the manifest has none.
pub const DEFAULT_QUALITY_GATE: f64 = 85.0;

/// A quality gate is a score: 0..=100. The one check, for the manifest,
/// `logline.toml` and `--quality-gate` alike.
pub fn check_gate(g: f64) -> Result<f64, String> {
    if (0.0..=100.0).contains(&g) { Ok(g) } else { Err(format!("must be within 0..=100, got {g}")) }
}

/// Per-enzyme resource limits. Unset values fall back to `[pipeline.limits]`,
/// then to [`Limits::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Deterministic instruction budget per call (turns on fuel metering).
    pub fuel: Option<u64>,
    /// Linear memory cap per instance, MiB.
    pub memory_mb: Option<u64>,
    /// Wall-clock deadline per call, ms (epoch interruption).
    pub timeout_ms: Option<u64>,
    /// Cap on the span handed to the enzyme, KiB of text.
    pub max_input_kb: Option<u64>,
    /// Cap on what one call may return, KiB of text.
    pub max_output_kb: Option<u64>,
    /// Cap on the number of spans a `variants` outcome may hold.
    pub max_variants: Option<u32>,
}

impl Limits {
    /// The built-in defaults.
    pub const DEFAULT: Limits = Limits {
        fuel: None,
        memory_mb: Some(64),
        timeout_ms: Some(1000),
        max_input_kb: Some(4096),
        max_output_kb: Some(8192),
        max_variants: Some(64),
    };

    /// The wall-clock deadline per call, ms (the default when unset).
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms.or(Self::DEFAULT.timeout_ms).expect("a default")
    }

    /// The linear-memory cap per instance, bytes.
    pub fn memory_bytes(&self) -> usize {
        (self.memory_mb.or(Self::DEFAULT.memory_mb).expect("a default") as usize) << 20
    }

    /// The cap on the span handed to the enzyme, bytes.
    pub fn max_input_bytes(&self) -> usize {
        (self.max_input_kb.or(Self::DEFAULT.max_input_kb).expect("a default") as usize) << 10
    }

    /// The cap on what one call may return, bytes.
    pub fn max_output_bytes(&self) -> usize {
        (self.max_output_kb.or(Self::DEFAULT.max_output_kb).expect("a default") as usize) << 10
    }

    /// The most spans one `variants` outcome may hold.
    pub fn max_variants(&self) -> usize {
        self.max_variants.or(Self::DEFAULT.max_variants).expect("a default") as usize
    }

    /// `self`, with unset values taken from `fallback`.
    pub fn or(self, fallback: Limits) -> Limits {
        Limits {
            fuel: self.fuel.or(fallback.fuel),
            memory_mb: self.memory_mb.or(fallback.memory_mb),
            timeout_ms: self.timeout_ms.or(fallback.timeout_ms),
            max_input_kb: self.max_input_kb.or(fallback.max_input_kb),
            max_output_kb: self.max_output_kb.or(fallback.max_output_kb),
            max_variants: self.max_variants.or(fallback.max_variants),
        }
    }
}

/// Which spans an enzyme sees. Keys given together must all match; `any`
/// matches when one of its alternatives does. No `when` (or
/// `always = true`) matches every span.
#[derive(Debug, Clone, PartialEq, Deserialize, Default, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub always: Option<bool>,
    /// `did` is one of these.
    pub did: Option<Vec<String>>,
    /// At least one of these semantic tags.
    pub tags: Option<Vec<String>>,
    /// `context.environment` is one of these.
    pub domain: Option<Vec<String>>,
    /// `status` is one of these.
    pub status: Option<Vec<String>>,
    /// `complexity_score` at least this.
    pub min_complexity: Option<f64>,
    /// The response holds code (a fence, `function`, `class`, `def `, `import `).
    pub has_code: Option<bool>,
    /// Alternatives: at least one must match.
    pub any: Option<Vec<When>>,
}

impl When {
    /// A `status` value (here or in `any`) no span can have.
    fn unknown_status(&self) -> Option<&str> {
        let own = self.status.iter().flatten().find(|s| crate::span::Status::parse(s).is_none());
        own.map(String::as_str).or_else(|| self.any.iter().flatten().find_map(When::unknown_status))
    }
}

/// The facts `when` filters look at.
pub struct WhenFacts<'a> {
    pub did: &'a str,
    pub status: &'a str,
    pub domain: Option<&'a str>,
    pub tags: &'a [String],
    pub complexity: f64,
    pub has_code: bool,
}

impl When {
    pub fn matches(&self, f: &WhenFacts<'_>) -> bool {
        if self.always == Some(false) {
            return false;
        }
        let one_of = |list: &Option<Vec<String>>, v: Option<&str>| match list {
            None => true,
            Some(list) => v.is_some_and(|v| list.iter().any(|x| x == v)),
        };
        one_of(&self.did, Some(f.did))
            && one_of(&self.status, Some(f.status))
            && one_of(&self.domain, f.domain)
            && self.tags.as_ref().is_none_or(|t| t.iter().any(|t| f.tags.contains(t)))
            && self.min_complexity.is_none_or(|m| f.complexity >= m)
            && self.has_code.is_none_or(|h| h == f.has_code)
            && self.any.as_ref().is_none_or(|alts| alts.iter().any(|w| w.matches(f)))
    }
}

/// Where an enzyme's component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `.wasm` file (already resolved against the manifest's folder).
    Path(PathBuf),
    /// One of the components built into the binary.
    Builtin(String),
}

/// One `[[enzyme]]` entry, validated.
#[derive(Debug, Clone)]
pub struct EnzymeEntry {
    pub name: String,
    pub source: Source,
    /// Expected sha256 of the component (lowercase hex), if pinned.
    pub sha256: Option<String>,
    pub when: When,
    pub limits: Limits,
    /// The `config` table as JSON object text.
    pub config_json: String,
    pub on_error: Option<OnError>,
    /// What the enzyme may do to the text, for the do-no-harm checks
    /// (`role = "annotator" | "tidy" | "redactor" | "transform"`; built-ins
    /// have their own, others default to `transform`).
    pub role: Role,
    /// Line of the entry in the manifest, for messages.
    pub line: usize,
}

/// `[pipeline]`.
#[derive(Debug, Clone)]
pub struct PipelineSection {
    pub quality_gate: f64,
    pub on_enzyme_error: OnError,
    /// Spans per batch handed to a worker.
    pub batch_size: usize,
    /// Write a checkpoint every this many batches.
    pub checkpoint_every: usize,
    /// Worker threads (0 = one per core).
    pub workers: usize,
    /// Limits every enzyme gets unless its own entry says otherwise.
    pub limits: Limits,
}

/// A validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub origin: Origin,
    pub pipeline: PipelineSection,
    pub quality: QualitySettings,
    /// Extra keyword families for semantic tags (`[tags]`), in order.
    pub tags: IndexMap<String, Vec<String>>,
    pub enzymes: Vec<EnzymeEntry>,
}

impl Manifest {
    /// Keep only the named enzymes (in manifest order); unknown names are an error.
    pub fn select(&mut self, names: &[String]) -> Result<(), String> {
        for n in names {
            if !self.enzymes.iter().any(|e| &e.name == n) {
                let known: Vec<_> = self.enzymes.iter().map(|e| e.name.as_str()).collect();
                return Err(format!(
                    "--enzymes: no enzyme named `{n}` in {} (it has: {})",
                    self.origin.display_name(),
                    known.join(", ")
                ));
            }
        }
        self.enzymes.retain(|e| names.contains(&e.name));
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    pipeline: RawPipeline,
    #[serde(default)]
    quality: Option<Spanned<QualitySettings>>,
    #[serde(default)]
    tags: Option<IndexMap<String, Vec<String>>>,
    #[serde(default, rename = "enzyme")]
    enzymes: Vec<Spanned<RawEnzyme>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPipeline {
    quality_gate: Option<Spanned<f64>>,
    #[serde(default)]
    on_enzyme_error: OnError,
    batch_size: Option<Spanned<usize>>,
    checkpoint_every: Option<Spanned<usize>>,
    workers: Option<usize>,
    #[serde(default)]
    limits: Limits,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnzyme {
    name: Spanned<String>,
    path: Option<Spanned<String>>,
    builtin: Option<Spanned<String>>,
    sha256: Option<Spanned<String>>,
    #[serde(default)]
    when: When,
    limits: Option<Spanned<Limits>>,
    #[serde(default)]
    config: toml::Table,
    #[serde(default = "yes")]
    enabled: bool,
    on_error: Option<OnError>,
    role: Option<Role>,
}

fn yes() -> bool {
    true
}

pub(super) fn parse(text: &str, origin: Origin) -> Result<Manifest, ManifestError> {
    let file = origin.display_name();
    let at = |offset: usize, key: &str, message: String| {
        let (line, column) = line_col(text, offset);
        ManifestError::Invalid { file: file.clone(), line, column, key: key.to_string(), message }
    };
    let raw: RawManifest = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        ManifestError::Syntax { file: file.clone(), line, column, message: e.message().trim().to_string() }
    })?;

    let p = raw.pipeline;
    let quality_gate = match p.quality_gate {
        None => DEFAULT_QUALITY_GATE,
        Some(g) => check_gate(*g.get_ref()).map_err(|m| at(g.span().start, "pipeline.quality_gate", m))?,
    };
    let positive = |v: Option<Spanned<usize>>, key: &str, default: usize| match v {
        None => Ok(default),
        Some(v) if *v.get_ref() > 0 => Ok(*v.get_ref()),
        Some(v) => Err(at(v.span().start, key, "must be at least 1".into())),
    };
    let pipeline = PipelineSection {
        quality_gate,
        on_enzyme_error: p.on_enzyme_error,
        batch_size: positive(p.batch_size, "pipeline.batch_size", 256)?,
        checkpoint_every: positive(p.checkpoint_every, "pipeline.checkpoint_every", 4)?,
        workers: p.workers.unwrap_or(0),
        limits: p.limits.or(Limits::DEFAULT),
    };

    let quality = match raw.quality {
        None => QualitySettings::default(),
        Some(q) => {
            let span = q.span();
            let mut q = q.into_inner();
            if let Err((key, message)) = q.check() {
                return Err(at(span.start, &key, message));
            }
            // A trained scorer's folder, like an enzyme's path, is relative to the manifest.
            if let Some(m) = &q.model {
                let rel = std::path::Path::new(m);
                if !rel.is_absolute() {
                    q.model = Some(origin.base_dir().join(rel).display().to_string());
                }
            }
            q
        }
    };

    let mut enzymes: Vec<EnzymeEntry> = Vec::new();
    for entry in raw.enzymes {
        let span = entry.span();
        let e = entry.into_inner();
        let name_at = e.name.span().start;
        let name = e.name.into_inner();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(at(name_at, "enzyme.name", format!("`{name}`: use letters, digits, '-' and '_'")));
        }
        if !e.enabled {
            continue;
        }
        if enzymes.iter().any(|x| x.name == name) {
            return Err(at(name_at, "enzyme.name", format!("`{name}` is listed twice")));
        }
        let source = match (e.path, e.builtin) {
            (Some(p), None) => {
                let rel = PathBuf::from(p.get_ref());
                Source::Path(if rel.is_absolute() { rel } else { origin.base_dir().join(rel) })
            }
            (None, Some(b)) => {
                if !BUILTINS.iter().any(|(n, _)| n == b.get_ref()) {
                    return Err(at(
                        b.span().start,
                        "enzyme.builtin",
                        format!(
                            "no built-in enzyme `{}` (built-ins: {})",
                            b.get_ref(),
                            BUILTINS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
                Source::Builtin(b.into_inner())
            }
            (Some(p), Some(_)) => {
                return Err(at(p.span().start, "enzyme.path", format!("`{name}`: give `path` or `builtin`, not both")));
            }
            (None, None) => {
                return Err(at(
                    span.start,
                    "enzyme",
                    format!("`{name}`: needs `path = \"….wasm\"` or `builtin = \"…\"`"),
                ));
            }
        };
        let sha256 = match e.sha256 {
            None => None,
            Some(s) => {
                let v = s.get_ref().trim().trim_start_matches("sha256:").to_ascii_lowercase();
                if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(at(
                        s.span().start,
                        "enzyme.sha256",
                        format!("`{name}`: expected 64 hex digits, got `{}`", s.get_ref()),
                    ));
                }
                Some(v)
            }
        };
        let (limits_at, limits) = match e.limits {
            Some(l) => (l.span().start, l.into_inner()),
            None => (span.start, Limits::default()),
        };
        if limits.memory_mb == Some(0) || limits.timeout_ms == Some(0) || limits.fuel == Some(0) {
            return Err(at(limits_at, "enzyme.limits", format!("`{name}`: limits must be > 0")));
        }
        if let Some(bad) = e.when.unknown_status() {
            return Err(at(
                span.start,
                "enzyme.when.status",
                format!("`{name}`: `{bad}` is not pending, completed or failed"),
            ));
        }
        let role = e.role.unwrap_or(match &source {
            Source::Builtin(b) => Role::of_builtin(b),
            Source::Path(_) => Role::Transform,
        });
        enzymes.push(EnzymeEntry {
            name,
            role,
            source,
            sha256,
            when: e.when,
            limits: limits.or(pipeline.limits),
            config_json: toml_table_to_json(&e.config),
            on_error: e.on_error,
            line: line_col(text, span.start).0,
        });
    }

    Ok(Manifest { origin, pipeline, quality, tags: raw.tags.unwrap_or_default(), enzymes })
}

/// A TOML table as JSON object text (datetimes become strings).
fn toml_table_to_json(t: &toml::Table) -> String {
    fn conv(v: &toml::Value) -> serde_json::Value {
        match v {
            toml::Value::String(s) => serde_json::Value::String(s.clone()),
            toml::Value::Integer(i) => serde_json::Value::from(*i),
            toml::Value::Float(f) => {
                serde_json::Number::from_f64(*f).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
            }
            toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
            toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
            toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(conv).collect()),
            toml::Value::Table(t) => serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), conv(v))).collect()),
        }
    }
    serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), conv(v))).collect()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Manifest, ManifestError> {
        parse(text, Origin::File(PathBuf::from("m.toml")))
    }

    #[test]
    fn defaults_apply() {
        let m = parse_str("[[enzyme]]\nname = \"a\"\npath = \"a.wasm\"\n").unwrap();
        assert_eq!(m.pipeline.quality_gate, 85.0);
        assert_eq!(m.pipeline.on_enzyme_error, OnError::Skip);
        assert_eq!(m.enzymes[0].limits.memory_mb, Some(64));
        assert_eq!(m.enzymes[0].source, Source::Path(PathBuf::from("a.wasm")));
        assert_eq!(m.enzymes[0].config_json, "{}");
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err =
            parse_str("[pipeline]\nquality_gate = 80\n\n[[enzyme]]\nname = \"a\"\npath = \"a.wasm\"\ntimeout = 5\n")
                .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("m.toml:7:"), "{msg}");
        assert!(msg.contains("unknown field `timeout`"), "{msg}");
    }

    #[test]
    fn bad_sha_names_line() {
        let err = parse_str("[[enzyme]]\nname = \"a\"\npath = \"a.wasm\"\nsha256 = \"abc\"\n").unwrap_err();
        assert!(err.to_string().starts_with("m.toml:4:"), "{err}");
        assert!(err.to_string().contains("enzyme.sha256"), "{err}");
    }

    #[test]
    fn gate_out_of_range() {
        let err = parse_str("[pipeline]\nquality_gate = 120\n").unwrap_err();
        assert!(err.to_string().contains("m.toml:2:"), "{err}");
    }

    #[test]
    fn config_table_becomes_json() {
        let m = parse_str(
            "[[enzyme]]\nname = \"a\"\npath = \"a.wasm\"\nconfig = { k = 3, list = [\"x\"], nested = { f = 1.5 } }\n",
        )
        .unwrap();
        assert_eq!(m.enzymes[0].config_json, r#"{"k":3,"list":["x"],"nested":{"f":1.5}}"#);
    }

    #[test]
    fn when_any_and_all() {
        let w: When =
            toml::from_str("did = [\"write_code\"]\nany = [{ has_code = true }, { tags = [\"python\"] }]").unwrap();
        let tags = vec!["python".to_string()];
        let facts =
            |did, has_code, tags| WhenFacts { did, status: "completed", domain: None, tags, complexity: 0.0, has_code };
        assert!(w.matches(&facts("write_code", true, &[])));
        assert!(w.matches(&facts("write_code", false, &tags)));
        assert!(!w.matches(&facts("write_code", false, &[])));
        assert!(!w.matches(&facts("ask_question", true, &tags)));
    }

    #[test]
    fn duplicate_names_refused() {
        let err =
            parse_str("[[enzyme]]\nname = \"a\"\npath = \"a.wasm\"\n[[enzyme]]\nname = \"a\"\npath = \"b.wasm\"\n")
                .unwrap_err();
        assert!(err.to_string().contains("listed twice"), "{err}");
    }

    #[test]
    fn bundled_manifest_is_valid() {
        let m = super::super::bundled();
        let names: Vec<_> = m.enzymes.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["security", "syntax-optimizer", "semantic-enricher", "context-preserver"]);
    }
}
