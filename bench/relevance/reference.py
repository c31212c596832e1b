#!/usr/bin/env python3
"""Write host/tests/fixtures/relevance_reference.json: the logits ONNX Runtime gives in Python
for 38 question–answer pairs, laid out as the host lays them out (embed::relevance), so that
`relevance_logits_match_the_python_reference` can check the host against them.

  reference.py MODEL_DIR OUT.json      # MODEL_DIR: models/relevance-minilm-l6 (setup built it)

Needs numpy, onnxruntime and tokenizers (the setup venv, .logline/setup-venv, has them).
Six questions, each with its own answer and the other five (swaps), then a long question
(clipped to its head and tail) with a long answer (clipped to what fits) and a swap.
"""
import hashlib, json, os, sys

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model_dir, out = sys.argv[1:3]
info = json.load(open(os.path.join(model_dir, 'model.json')))
P = info['pair']
MAXLEN, MAXQ, QTAIL = P['max_tokens'], P['max_query_tokens'], P['query_tail_tokens']
ANSWER_CHARS = 4000  # what the host hands the tokenizer of an answer
onnx_path = os.path.join(model_dir, info['onnx'])
sha = hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()
if sha != info['sha256']:
    sys.exit(f'{onnx_path}: sha256 {sha} is not model.json\'s {info["sha256"]}')
tok = Tokenizer.from_file(os.path.join(model_dir, info['tokenizer']))
tok.no_padding(); tok.no_truncation()
CLS, SEP = tok.token_to_id('[CLS]'), tok.token_to_id('[SEP]')
so = ort.SessionOptions(); so.intra_op_num_threads = 1
sess = ort.InferenceSession(onnx_path, so, providers=['CPUExecutionProvider'])


def encode(q, a):
    qi = tok.encode(q, add_special_tokens=False).ids
    if len(qi) > MAXQ:
        qi = qi[:MAXQ - QTAIL] + qi[-QTAIL:]
    ai = tok.encode(a[:ANSWER_CHARS], add_special_tokens=False).ids[:MAXLEN - 3 - len(qi)]
    return [CLS] + qi + [SEP] + ai + [SEP], [0] * (len(qi) + 2) + [1] * (len(ai) + 1)


def score(q, a):
    ids, seg = encode(q, a)
    n = len(ids)
    r = sess.run(None, {'input_ids': np.array([ids], dtype=np.int64), 'attention_mask': np.ones((1, n), dtype=np.int64),
                        'token_type_ids': np.array([seg], dtype=np.int64)})
    return float(r[0].reshape(-1)[0]), n


ANSWERS = {
    'PC': "Start by choosing a CPU and a motherboard with the same socket, then add RAM, a power supply, storage and a case. Mount the CPU and its cooler on the motherboard, fit the RAM, put the board in the case, connect the power supply cables, install the graphics card and the SSD, and boot into the BIOS to check that everything is detected.",
    'BREAD': "Mix 500 g of flour, 10 g of salt, 7 g of dried yeast and 350 ml of warm water. Knead for ten minutes until smooth, let it rise for an hour, shape the loaf, let it rise again, and bake at 220 °C for about 35 minutes until it sounds hollow when tapped.",
    'TAXES': "A Roth IRA is funded with money you have already paid income tax on, so qualified withdrawals in retirement are tax-free. A traditional IRA may give you a deduction now, but withdrawals are taxed as income later.",
    'SLEEP': "Keep a regular schedule, even at weekends. Avoid caffeine after lunch, keep the bedroom dark, cool and quiet, put screens away an hour before bed, and get some daylight and exercise during the day.",
    'RUST': "In Rust, a value has exactly one owner. When you pass a String to a function it is moved, and the caller can no longer use it; borrow it with & instead, or clone it if both sides need their own copy.",
    'GUITAR': "Learning guitar can be a fun and rewarding experience, but it takes practice. Start with a few basic open chords, practise switching between them slowly, build up finger strength a little every day, and learn simple songs you love so that you stay motivated.",
}
QUESTIONS = {
    'PC': "How do I build a PC?",
    'BREAD': "How do I bake a simple loaf of bread at home?",
    'TAXES': "What is the difference between a Roth IRA and a traditional IRA?",
    'SLEEP': "What can I do to fall asleep more easily?",
    'RUST': "Why can't I use my String after passing it to a function in Rust?",
    'GUITAR': "How should a beginner start learning the guitar?",
}
pairs = [(q, a, k == k2) for k, q in QUESTIONS.items() for k2, a in ANSWERS.items()]
long_q = ("I am planning a small dinner party next Saturday for eight friends, two of whom are vegetarian and one of "
          "whom cannot eat gluten, and I would like a menu that I can mostly prepare the day before so that I can "
          "spend the evening with my guests rather than in the kitchen. ") * 2 + "What would you suggest?"
long_a = ("For a make-ahead dinner for eight with vegetarian and gluten-free guests, serve a roasted vegetable and "
          "chickpea tagine with quinoa, a big green salad, and a flourless chocolate cake. ") * 12
pairs += [(long_q, long_a, True), (long_q, ANSWERS['GUITAR'], False)]
rows = []
for q, a, on in pairs:
    logit, n = score(q, a)
    rows.append({'query': q, 'answer': a, 'on_topic': on, 'logit': round(logit, 5), 'tokens': n})
with open(out, 'w') as f:
    json.dump({'model_sha256': sha, 'pairs': rows}, f, indent=1)
    f.write('\n')
print(f'wrote {out}: {len(rows)} pairs')
