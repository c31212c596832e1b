//! Build the built-in enzymes for wasm32-wasip2 and embed them.

use std::fmt::Write as _;
use std::path::PathBuf;

const BUILTINS: &[(&str, &str)] = &[
    ("security", "enzyme-security"),
    ("syntax-optimizer", "enzyme-syntax-optimizer"),
    ("semantic-enricher", "enzyme-semantic-enricher"),
    ("context-preserver", "enzyme-context-preserver"),
    ("prompt-variants", "enzyme-prompt-variants"),
];

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = logline_wasm_build::workspace_root(&manifest_dir, 1);
    let mut watch: Vec<PathBuf> = BUILTINS.iter().map(|(n, _)| root.join("enzymes").join(n)).collect();
    watch.push(root.join("sdk"));
    watch.push(root.join("wit"));
    let packages: Vec<&str> = BUILTINS.iter().map(|(_, p)| *p).collect();
    let built = logline_wasm_build::build_components(&root, &packages, &watch);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut code = String::from(
        "/// (name, component bytes) of each built-in enzyme.\npub static BUILTINS: &[(&str, &[u8])] = &[\n",
    );
    for ((name, _), b) in BUILTINS.iter().zip(&built) {
        let dest = out.join(format!("{name}.wasm"));
        std::fs::copy(&b.path, &dest).unwrap();
        writeln!(code, "    ({name:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.wasm\"))),").unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("builtins.rs"), code).unwrap();
}
