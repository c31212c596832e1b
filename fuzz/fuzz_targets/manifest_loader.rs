//! Any text as a manifest: parsing never panics; errors carry a position;
//! an accepted manifest hands valid JSON objects to its enzymes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logline::manifest::{self, Origin};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match manifest::parse(text, Origin::File("fuzz.toml".into())) {
        Ok(m) => {
            assert!((0.0..=100.0).contains(&m.pipeline.quality_gate));
            for e in &m.enzymes {
                let v: serde_json::Value = serde_json::from_str(&e.config_json).expect("config is JSON");
                assert!(v.is_object());
                assert!(!e.name.is_empty());
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("fuzz.toml:"), "{msg}");
        }
    }
});
