//! Build the test guests for wasm32-wasip2; export their paths to the tests.

const GUESTS: &[(&str, &str)] = &[
    ("HOSTILE", "guest-hostile"),
    ("LENGTH_FILTER", "enzyme-length-filter"),
];

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = logline_wasm_build::workspace_root(&dir, 3);
    let watch = vec![
        root.join("host/tests/guests/hostile"),
        root.join("examples/enzymes/rust-length-filter"),
        root.join("sdk"),
        root.join("wit"),
    ];
    let packages: Vec<&str> = GUESTS.iter().map(|(_, p)| *p).collect();
    let built = logline_wasm_build::build_components(&root, &packages, &watch);
    for ((var, _), b) in GUESTS.iter().zip(built) {
        println!("cargo:rustc-env=LOGLINE_GUEST_{var}={}", b.path.display());
    }
}
