#!/usr/bin/env bash
# Sets up GPU embeddings for LogLine (`--device cuda`), from PyPI wheels, pinned by sha256:
#   - the CUDA build of ONNX Runtime, from onnxruntime-gpu==1.31.1 (the CPU build's version)
#       -> $LOGLINE_MODEL_DIR/onnxruntime-gpu/{libonnxruntime.so*, libonnxruntime_providers_*.so}
#   - the CUDA 13 runtime, cuBLAS, cuFFT, cuRAND, NVRTC, nvJitLink and cuDNN 9 libraries that
#     onnxruntime-gpu's `cuda` and `cudnn` extras name
#       -> $LOGLINE_MODEL_DIR/cuda/nvidia/{cu13,cudnn}/lib/
# logline finds both beside the model; with --device cuda it loads the CUDA build and preloads
# these libraries, then falls back to the CPU, saying why, where no GPU or driver is there.
# The NVIDIA driver (libcuda.so.1) is the machine's own: no wheel ships it.
# About 1.3 GB of downloads and 2.4 GB unpacked. Idempotent: a second run only re-checks hashes.
#
# usage: scripts/setup-cuda.sh [--force] [-h]
#   --force   unpack again
# env: LOGLINE_MODEL_DIR (default <repo>/models), PYTHON (default python3)
set -euo pipefail

# ---- pins --------------------------------------------------------------------------------
ORT_VERSION=1.31.1
ORT_GPU_WHEEL=onnxruntime_gpu-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl
ORT_GPU_WHEEL_SHA256=e26c475fe361b2015f45b4b824bd13f0bb20204e59b62814e6f0acd5f3d491a6
# name==version wheel-file sha256: the versions pip resolved for onnxruntime-gpu[cuda,cudnn]
# 1.31.1 on 2026-12-05 (nvidia-cudnn-cu13 pulls in nvidia-cublas; nvidia-cufft nvJitLink).
CUDA_WHEELS=(
  "nvidia-cuda-runtime==13.5.37 nvidia_cuda_runtime-13.5.37-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl df2b79a8852f10d1fef8c848489c49eebb5754051bf870202a862831412b179d"
  "nvidia-cublas==13.10.0.20 nvidia_cublas-13.10.0.20-py3-none-manylinux1_x86_64.manylinux_2_5_x86_64.whl dcc6d63884c53d07e267ce7e6feac17b2538cebaafec5db865736c3e28e4dc84"
  "nvidia-cuda-nvrtc==13.5.37 nvidia_cuda_nvrtc-13.5.37-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.whl 86b4d68058807988b7d9af5b44917a0601e9c337f35ccd657bfb3c759ff8d8bc"
  "nvidia-nvjitlink==13.5.37 nvidia_nvjitlink-13.5.37-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.whl 280d7cb9649704145f074b8dbde500de04ce02d0872e066e20a83c17bcaa93eb"
  "nvidia-cufft==12.5.0.14 nvidia_cufft-12.5.0.14-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl b8be26837a5abad2b5b74f3e92dd29f622a42934b355be0961a48712cbba23ad"
  "nvidia-curand==10.4.5.25 nvidia_curand-10.4.5.25-py3-none-manylinux_2_27_x86_64.whl 22bb226a857e5888fe6b54ae465fc4371296bcff13a35f79e19691bcf454f529"
  "nvidia-cudnn-cu13==9.28.1.4 nvidia_cudnn_cu13-9.28.1.4-py3-none-manylinux_2_27_x86_64.whl a54f205b1db1f2895d99f398754db1369816f0569dd459731f925635cf7b65ec"
)
# -------------------------------------------------------------------------------------------

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "setup-cuda: unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL_DIR=${LOGLINE_MODEL_DIR:-$REPO/models}
mkdir -p "$MODEL_DIR"
MODEL_DIR=$(cd "$MODEL_DIR" && pwd)
STATE=$REPO/.logline
DL=$STATE/downloads
PY=${PYTHON:-python3}
GPU_DIR=$MODEL_DIR/onnxruntime-gpu
CUDA_DIR=$MODEL_DIR/cuda

say() { printf 'setup-cuda: %s\n' "$*" >&2; }
die() { printf 'setup-cuda: ERROR: %s\n' "$*" >&2; exit 1; }

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) die "the pinned CUDA wheels are for Linux x86_64; this is $(uname -s)/$(uname -m)" ;;
esac
command -v "$PY" >/dev/null || die "$PY not found (set PYTHON)"
mkdir -p "$STATE" "$DL"
if command -v flock >/dev/null; then
  exec 9>"$STATE/setup-cuda.lock"
  flock 9 || die "could not lock $STATE/setup-cuda.lock"
fi

# fetch SPEC FILE SHA: the wheel FILE in $DL with that hash, downloaded when it is not.
fetch() {
  local spec=$1 file=$2 want=$3
  if [[ -f "$DL/$file" && "$(sha256sum "$DL/$file" | cut -d' ' -f1)" == "$want" ]]; then return 0; fi
  rm -f "$DL/$file"
  say "downloading $spec"
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.11 --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64 \
    --dest "$DL" "$spec" || die "pip download $spec failed"
  [[ -f "$DL/$file" ]] || die "pip download $spec did not produce $DL/$file"
  local got
  got=$(sha256sum "$DL/$file" | cut -d' ' -f1)
  [[ "$got" == "$want" ]] || die "sha256 mismatch for $spec ($DL/$file)
    expected: $want
    actual:   $got"
}

# The stamp names every pinned wheel: a changed pin unpacks again.
STAMP="$ORT_GPU_WHEEL_SHA256 ${CUDA_WHEELS[*]}"
if [[ $FORCE == 0 && -f "$GPU_DIR/.logline-stamp" && -f "$CUDA_DIR/.logline-stamp" \
      && "$(cat "$GPU_DIR/.logline-stamp")" == "$STAMP" && "$(cat "$CUDA_DIR/.logline-stamp")" == "$STAMP" ]]; then
  say "already set up in $GPU_DIR and $CUDA_DIR"
  exit 0
fi

fetch "onnxruntime-gpu==$ORT_VERSION" "$ORT_GPU_WHEEL" "$ORT_GPU_WHEEL_SHA256"
for w in "${CUDA_WHEELS[@]}"; do
  read -r spec file sha <<<"$w"
  fetch "$spec" "$file" "$sha"
done

# Unpack into a fresh folder beside the final one, then swap it in.
unpack() {  # unpack DEST PREFIX WHEEL...: members under PREFIX of each wheel into DEST
  local dest=$1 prefix=$2; shift 2
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  "$PY" - "$dest.tmp" "$prefix" "$@" <<'EOF'
import os, shutil, sys, zipfile
dest, prefix, wheels = sys.argv[1], sys.argv[2], sys.argv[3:]
for wheel in wheels:
    with zipfile.ZipFile(wheel) as z:
        for m in z.infolist():
            if m.is_dir() or not m.filename.startswith(prefix) or ".so" not in m.filename:
                continue
            out = os.path.join(dest, m.filename[len(prefix):])
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with z.open(m) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            os.chmod(out, 0o755)
EOF
}

say "unpacking ONNX Runtime (CUDA) into $GPU_DIR"
unpack "$GPU_DIR" "onnxruntime/capi/" "$DL/$ORT_GPU_WHEEL"
rm -f "$GPU_DIR.tmp"/onnxruntime_pybind11_state*.so
ln -sf "libonnxruntime.so.$ORT_VERSION" "$GPU_DIR.tmp/libonnxruntime.so.1"
ln -sf "libonnxruntime.so.$ORT_VERSION" "$GPU_DIR.tmp/libonnxruntime.so"
echo "$STAMP" >"$GPU_DIR.tmp/.logline-stamp"
rm -rf "$GPU_DIR" && mv "$GPU_DIR.tmp" "$GPU_DIR"

say "unpacking the CUDA libraries into $CUDA_DIR"
wheels=()
for w in "${CUDA_WHEELS[@]}"; do
  read -r _ file _ <<<"$w"
  wheels+=("$DL/$file")
done
unpack "$CUDA_DIR" "" "${wheels[@]}"
echo "$STAMP" >"$CUDA_DIR.tmp/.logline-stamp"
rm -rf "$CUDA_DIR" && mv "$CUDA_DIR.tmp" "$CUDA_DIR"

for f in "$GPU_DIR/libonnxruntime.so" "$GPU_DIR/libonnxruntime_providers_cuda.so" "$CUDA_DIR/nvidia/cu13/lib/libcudart.so.13" \
         "$CUDA_DIR/nvidia/cudnn/lib/libcudnn.so.9"; do
  [[ -f $f ]] || die "missing $f after unpacking"
done
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  say "GPU: $(nvidia-smi -L | head -1)"
else
  say "no NVIDIA driver here (nvidia-smi): --device cuda will fall back to the CPU on this machine"
fi
say "done: run logline with --device cuda"
