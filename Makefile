# The two commands README.md promises, and a few helpers.
.PHONY: demo test setup lint bench fmt

setup:
	./scripts/setup.sh

# Set up, then run the whole pipeline on the bundled example spans.
demo: setup
	cargo run -- run -i examples/data/diamonds.ndjson -o out

# Set up, then run every test (the real model, real components).
test: setup
	cargo test --workspace

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
