//! Manifest errors, Spin-style: every `host/tests/manifest/NAME.toml` must
//! fail to load with exactly the message in `NAME.err` (file, line, column,
//! key, reason). `LOGLINE_BLESS=1` writes the `.err` files from the current
//! messages (read them before committing).

use logline::manifest::{self, Origin};
use std::path::{Path, PathBuf};

#[test]
fn every_bad_manifest_fails_with_its_recorded_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manifest");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "{} cases", cases.len());
    let bless = std::env::var_os("LOGLINE_BLESS").is_some();
    let mut failures = Vec::new();
    for toml in &cases {
        let name = toml.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(toml).unwrap();
        // A relative origin keeps the messages the same on every machine.
        let got = match manifest::parse(&text, Origin::File(PathBuf::from(&name))) {
            Ok(_) => "(loaded without an error)".to_string(),
            Err(e) => e.to_string(),
        };
        let err = toml.with_extension("err");
        if bless {
            std::fs::write(&err, format!("{got}\n")).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&err).unwrap_or_else(|_| panic!("{} is missing", err.display()));
        if got.trim_end() != want.trim_end() {
            failures.push(format!("{name}:\n  want: {}\n  got:  {got}", want.trim_end()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
