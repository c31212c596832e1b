//! Build the test guests for wasm32-wasip2; export their paths to the tests.

const GUESTS: &[(&str, &str, &str)] = &[
    ("HOSTILE", "guest-hostile", "host/tests/guests/hostile"),
    ("LENGTH_FILTER", "enzyme-length-filter", "examples/enzymes/rust-length-filter"),
    ("WIT_010", "guest-wit-010", "host/tests/guests/wit010"),
    ("WIT_020", "guest-wit-020", "host/tests/guests/wit020"),
    ("OTHERWORLD", "guest-otherworld", "host/tests/guests/otherworld"),
    ("GREEDY", "guest-greedy", "host/tests/guests/greedy"),
];

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = logline_wasm_build::workspace_root(&dir, 3);
    let mut watch: Vec<_> = GUESTS.iter().map(|(_, _, d)| root.join(d)).collect();
    watch.push(root.join("sdk"));
    watch.push(root.join("wit"));
    let packages: Vec<&str> = GUESTS.iter().map(|(_, p, _)| *p).collect();
    let built = logline_wasm_build::build_components(&root, &packages, &watch);
    for ((var, _, _), b) in GUESTS.iter().zip(built) {
        println!("cargo:rustc-env=LOGLINE_GUEST_{var}={}", b.path.display());
    }
}
