//! `logline new`: enzyme project templates embedded in the binary.
//!
//! Every project gets a copy of the WIT contract in `wit/`; a Rust project
//! also gets a copy of the SDK in `logline-sdk/`, so it builds anywhere
//! without this repository. Placeholders: `{{name}}` (kebab-case),
//! `{{name_snake}}`, `{{name_camel}}`, `{{wit_version}}`.

use crate::cli::Lang;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};

type Files = &'static [(&'static str, &'static str)];

const WIT: Files = &[
    ("wit/types.wit", include_str!("../../wit/types.wit")),
    ("wit/host.wit", include_str!("../../wit/host.wit")),
    ("wit/world.wit", include_str!("../../wit/world.wit")),
];

const RUST: Files = &[
    ("Cargo.toml", include_str!("../templates/rust/Cargo.toml.tmpl")),
    ("src/lib.rs", include_str!("../templates/rust/src/lib.rs.tmpl")),
    ("build.sh", include_str!("../templates/rust/build.sh.tmpl")),
    ("manifest.toml", include_str!("../templates/rust/manifest.toml.tmpl")),
    ("README.md", include_str!("../templates/rust/README.md.tmpl")),
    ("spans.ndjson", include_str!("../templates/rust/spans.ndjson.tmpl")),
    (".gitignore", include_str!("../templates/rust/gitignore.tmpl")),
    ("logline-sdk/Cargo.toml", SDK_MANIFEST),
    ("logline-sdk/src/lib.rs", include_str!("../../sdk/src/lib.rs")),
    ("logline-sdk/src/span.rs", include_str!("../../sdk/src/span.rs")),
    ("logline-sdk/src/cx.rs", include_str!("../../sdk/src/cx.rs")),
    ("logline-sdk/src/rt.rs", include_str!("../../sdk/src/rt.rs")),
    ("logline-sdk/src/testing.rs", include_str!("../../sdk/src/testing.rs")),
];

const SDK_MANIFEST: &str = r#"[package]
name = "logline-sdk"
description = "Write LogLine enzymes in a few lines of Rust (vendored by `logline new`)"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
wit-bindgen = "0.61"
serde = { version = "1", features = ["derive"] }
serde_json = { version = "1", features = ["preserve_order"] }
"#;

const PYTHON: Files = &[
    ("app.py", include_str!("../templates/python/app.py.tmpl")),
    ("core.py", include_str!("../templates/python/core.py.tmpl")),
    ("test_core.py", include_str!("../templates/python/test_core.py.tmpl")),
    ("build.sh", include_str!("../templates/python/build.sh.tmpl")),
    ("manifest.toml", include_str!("../templates/python/manifest.toml.tmpl")),
    ("README.md", include_str!("../templates/python/README.md.tmpl")),
    ("spans.ndjson", include_str!("../templates/python/spans.ndjson.tmpl")),
    (".gitignore", include_str!("../templates/python/gitignore.tmpl")),
];

const JS: Files = &[
    ("enzyme.js", include_str!("../templates/js/enzyme.js.tmpl")),
    ("core.js", include_str!("../templates/js/core.js.tmpl")),
    ("test/core.test.js", include_str!("../templates/js/test/core.test.js.tmpl")),
    ("package.json", include_str!("../templates/js/package.json.tmpl")),
    ("bundle.config.js", include_str!("../templates/js/bundle.config.js.tmpl")),
    ("build.sh", include_str!("../templates/js/build.sh.tmpl")),
    ("manifest.toml", include_str!("../templates/js/manifest.toml.tmpl")),
    ("README.md", include_str!("../templates/js/README.md.tmpl")),
    ("spans.ndjson", include_str!("../templates/js/spans.ndjson.tmpl")),
    (".gitignore", include_str!("../templates/js/gitignore.tmpl")),
];

fn files(lang: Lang) -> Files {
    match lang {
        Lang::Rust => RUST,
        Lang::Python => PYTHON,
        Lang::Js => JS,
    }
}

/// Check an enzyme name: lowercase letters, digits and '-', starting with a letter.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--");
    if !ok {
        bail!(
            "`{name}` is not a valid enzyme name: use lowercase letters, digits and single '-', starting with a letter (e.g. pii-masker)"
        );
    }
    Ok(())
}

fn camel(name: &str) -> String {
    name.split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Fill a template's placeholders.
pub fn render(text: &str, name: &str) -> String {
    text.replace("{{name_snake}}", &name.replace('-', "_"))
        .replace("{{name_camel}}", &camel(name))
        .replace("{{wit_version}}", crate::enzyme::WIT_VERSION)
        .replace("{{name}}", name)
}

/// Write a new enzyme project `dir/name`; returns its folder.
pub fn write(name: &str, lang: Lang, dir: &Path) -> anyhow::Result<PathBuf> {
    check_name(name)?;
    let list = files(lang);
    let root = dir.join(name);
    if root.exists() && std::fs::read_dir(&root).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} already exists and is not empty", root.display());
    }
    for (path, text) in list.iter().chain(WIT) {
        let dest = root.join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&dest, render(text, name)).with_context(|| format!("writing {}", dest.display()))?;
        if path.ends_with(".sh") {
            make_executable(&dest)?;
        }
    }
    Ok(root)
}

#[cfg(unix)]
fn make_executable(p: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut perm = std::fs::metadata(p)?.permissions();
    perm.set_mode(0o755);
    std::fs::set_permissions(p, perm)?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// What to do next, printed after `logline new`.
pub fn next_steps(name: &str, lang: Lang, dir: &Path) -> String {
    let test = match lang {
        Lang::Rust => "cargo test",
        Lang::Python => "python3 -m unittest",
        Lang::Js => "node --test",
    };
    format!(
        "next:\n  cd {}\n  {test}\n  ./build.sh                 # -> {name}.wasm\n  logline enzymes check manifest.toml\n  logline enzymes run manifest.toml -i spans.ndjson -o out.ndjson\n",
        dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_placeholders() {
        assert!(check_name("pii-masker").is_ok());
        for bad in ["", "Pii", "1x", "a_b", "a-", "a--b", "a b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert_eq!(render("{{name}} {{name_snake}} {{name_camel}}", "pii-masker"), "pii-masker pii_masker PiiMasker");
    }

    #[test]
    fn every_language_renders_completely() {
        for lang in [Lang::Rust, Lang::Python, Lang::Js] {
            let dir = tempfile::tempdir().unwrap();
            let root = write("my-enzyme", lang, dir.path()).unwrap();
            for (path, _) in files(lang).iter().chain(WIT) {
                let text = std::fs::read_to_string(root.join(path)).unwrap();
                assert!(!text.contains("{{"), "{lang:?} {path} has an unfilled placeholder");
            }
            assert!(root.join("manifest.toml").is_file() && root.join("wit/world.wit").is_file());
        }
    }

    #[test]
    fn rust_project_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let root = write("word-counter", Lang::Rust, dir.path()).unwrap();
        for f in [
            "Cargo.toml",
            "src/lib.rs",
            "build.sh",
            "manifest.toml",
            "README.md",
            "wit/world.wit",
            "logline-sdk/src/lib.rs",
        ] {
            let text = std::fs::read_to_string(root.join(f)).unwrap();
            assert!(!text.contains("{{"), "{f} has an unfilled placeholder");
        }
        assert!(write("word-counter", Lang::Rust, dir.path()).is_err(), "refuses to overwrite");
        // The vendored SDK finds the contract at ../wit, as in this repository.
        let sdk = std::fs::read_to_string(root.join("logline-sdk/src/lib.rs")).unwrap();
        assert!(sdk.contains("path: \"../wit\""));
    }
}
