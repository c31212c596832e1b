#!/usr/bin/env python3
"""Ship a delta made by train.py: copy it into the repository's assets, build the graph the
host runs from it (scripts/model/build_relevance.py, as scripts/setup-model.sh does) and
write model.json (the pair layout train.py used, from its pair.json, and the graph's hash).

  export.py TRAINED_DIR BASE.safetensors ASSETS_DIR [MODEL_DIR]

ASSETS_DIR gets delta.safetensors and model.json (assets/relevance-minilm-l6); MODEL_DIR,
when given, the built model.onnx (int8) and model.json beside them (models/relevance-minilm-l6).
Prints the two sha256 that scripts/setup-model.sh pins (RELEVANCE_DELTA_SHA256,
RELEVANCE_SHA256). Needs onnx, numpy, safetensors and onnxruntime (the setup venv has them).
"""
import hashlib, json, os, shutil, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'scripts' / 'model'))
import build_relevance  # noqa: E402

src, base, assets = sys.argv[1:4]
model_dir = sys.argv[4] if len(sys.argv) > 4 else None
os.makedirs(assets, exist_ok=True)
delta = os.path.join(assets, 'delta.safetensors')
shutil.copyfile(os.path.join(src, 'delta.safetensors'), delta)
sha = lambda p: hashlib.sha256(open(p, 'rb').read()).hexdigest()
with tempfile.TemporaryDirectory() as tmp:
    onnx_path = os.path.join(tmp, 'model.onnx')
    build_relevance.main([base, delta, onnx_path])
    graph_sha = sha(onnx_path)
    info = {
        'id': 'relevance-minilm-l6', 'variant': 'int8-dynamic-fused', 'onnx': 'model.onnx', 'tokenizer': 'tokenizer.json',
        'sha256': graph_sha, 'dims': 1, 'max_tokens': 128,
        'pair': json.load(open(os.path.join(src, 'pair.json'))),
        'source': 'all-MiniLM-L6-v2 (Apache-2.0) + delta.safetensors, trained by bench/relevance/train.py '
                  'on bench/relevance/build_pairs.py; built by scripts/model/build_relevance.py',
        'output': 'logits [batch, 1]: above 0, the answer answers the question',
    }
    text = json.dumps(info, indent=2) + '\n'
    Path(assets, 'model.json').write_text(text)
    if model_dir:
        os.makedirs(model_dir, exist_ok=True)
        shutil.copyfile(onnx_path, os.path.join(model_dir, 'model.onnx'))
        Path(model_dir, 'model.json').write_text(text)
print('RELEVANCE_DELTA_SHA256=' + sha(delta))
print('RELEVANCE_SHA256=' + graph_sha)
