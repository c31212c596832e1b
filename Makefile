# The two commands README.md promises, and a few helpers.
.PHONY: demo test setup lint bench fmt

setup:
	./scripts/setup.sh --polyglot --test-tools --ray

# Set up, then run the whole pipeline on the bundled example spans.
demo:
	./scripts/setup.sh
	cargo run -- run -i examples/data/diamonds.ndjson -o out

# Set up, then run every test: the workspace (the real model, real
# components), then enzymes in Python and JavaScript end to end.
test: setup
	cargo test --workspace
	cargo build -p logline
	./scripts/check-polyglot.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
