#!/usr/bin/env python3
"""Export a cross-encoder made by train.py to the ONNX graph the host runs, int8.

Writes OUT/model.onnx (weights int8 per channel, dynamic quantisation; activations
float) and OUT/model.json (what the host reads: the pair layout train.py used, from
its pair.json, and the hash). The host
supplies tokenizer.json (all-MiniLM-L6-v2's: the same vocabulary).

usage: export.py TRAINED_DIR OUT
"""
import hashlib, json, os, sys, tempfile
import torch
from transformers import BertForSequenceClassification
from onnxruntime.quantization import QuantType, quantize_dynamic

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
model = BertForSequenceClassification.from_pretrained(src).eval()


class Logit(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits


names = ['input_ids', 'attention_mask', 'token_type_ids']
x = torch.ones(1, 16, dtype=torch.long)
with tempfile.TemporaryDirectory() as tmp:
    fp32 = os.path.join(tmp, 'model-fp32.onnx')
    torch.onnx.export(Logit(model), (x, x, torch.zeros_like(x)), fp32, input_names=names, output_names=['logits'],
                      dynamic_axes={**{k: {0: 'batch', 1: 'seq'} for k in names}, 'logits': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    quantize_dynamic(fp32, os.path.join(out, 'model.onnx'), weight_type=QuantType.QInt8, per_channel=True)
sha = hashlib.sha256(open(os.path.join(out, 'model.onnx'), 'rb').read()).hexdigest()
info = {
    'id': 'relevance-minilm-l6', 'variant': 'int8-dynamic', 'onnx': 'model.onnx', 'tokenizer': 'tokenizer.json',
    'sha256': sha, 'dims': 1, 'max_tokens': 128,
    'pair': json.load(open(os.path.join(src, 'pair.json'))),
    'source': 'all-MiniLM-L6-v2 (Apache-2.0) fine-tuned by bench/relevance/train.py on bench/relevance/build_pairs.py',
    'output': 'logits [batch, 1]: above 0, the answer answers the question',
}
with open(os.path.join(out, 'model.json'), 'w') as f:
    f.write(json.dumps(info, indent=2) + '\n')
print(sha)
