#!/usr/bin/env python3
"""Question–answer pairs for the relevance model, from permissively licensed public data.

Reads git snapshots of these repositories (a bare clone or a checkout's .git each;
the search tool's `fetch` or `git clone --mirror` makes them):

  Open-Assistant/oasst-model-eval  Apache-2.0  sampling reports: Open-Assistant prompts
                                               answered by chat models
  teknium1/GPTeacher               MIT         GPT-4 answers: code and role-play requests
  yizhongw/self-instruct           Apache-2.0  user-oriented requests answered by GPT-3 models
  openai/grade-school-math         MIT         word problems with worked answers

plus this repository's registry corpus (bench/corpus/registry, crate texts under their
own permissive licences). Writes one JSON object per line: {src, q, a}.

usage: build_pairs.py --repos DIR -o pairs.jsonl
  DIR holds one git directory per repository, named owner+name (as the fetch tool names
  them: DIR/Open-Assistant+oasst-model-eval/repo) or owner+name.git.
"""
import argparse, collections, json, os, random, re, subprocess

# Open-Assistant sampling reports: the chat-tuned models (base models continue the
# prompt instead of answering it).
OA_MODELS = ['sft-v10', 'llama-30b-sft-v8', 'oasst-sft-7', 'oasst-rlhf', 'falcon-40b-sft', 'llama-65b-sft',
             'deepseek', 'gpt-3.5', 'gpt-4', 'claude', 'vicuna', 'orca', 'megacode2-oasst', 'oasst-baseline',
             'oasst-pythia-12b-6000', 'oasst-1_12b', 'falcon-40b-sft-mix']
OA_PER_PROMPT = 4
SELF_INSTRUCT = ['text-davinci-003', 'text-davinci-002', 'text-davinci-001', 'davinci-self-instruct',
                 'davinci-self-instruct-and-superni-ft', 'davinci-superni-ft']


def git_dir(root, repo):
    for cand in (os.path.join(root, repo.replace('/', '+'), 'repo'), os.path.join(root, repo.replace('/', '+') + '.git'),
                 os.path.join(root, repo.split('/')[1], '.git')):
        if os.path.isdir(cand):
            return cand
    raise SystemExit(f'build_pairs: no git directory for {repo} under {root}')


def show(root, repo, path):
    return subprocess.check_output(['git', '--git-dir', git_dir(root, repo), 'show', 'HEAD:' + path])


def ls(root, repo, under):
    out = subprocess.check_output(['git', '--git-dir', git_dir(root, repo), 'ls-tree', '-r', '-l', 'HEAD', under])
    for line in out.decode().splitlines():
        meta, path = line.split('\t')
        yield meta.split()[3], path


def oa_reports(root):
    """(prompt, output, model) from every readable sampling report."""
    for size, path in ls(root, 'Open-Assistant/oasst-model-eval', 'sampling_reports'):
        if not size.isdigit():
            continue  # a file the snapshot holds as a pointer only
        raw = show(root, 'Open-Assistant/oasst-model-eval', path).decode('utf-8', 'replace')
        try:
            d = json.loads(raw)
        except json.JSONDecodeError:
            for line in raw.splitlines():
                try:
                    x = json.loads(line)
                except json.JSONDecodeError:
                    continue
                q = x.get('prompt') if isinstance(x, dict) else None
                a = x.get('output') or x.get('outputs') or x.get('response') or x.get('completion') if q else None
                for o in ([a] if isinstance(a, str) else a or []):
                    if isinstance(q, str) and isinstance(o, str):
                        yield q, o, path
            continue
        name = d.get('model_name', path) if isinstance(d, dict) else path
        for p in (d.get('prompts', []) if isinstance(d, dict) else []):
            for r in p.get('results', []):
                for o in r.get('outputs', []):
                    if isinstance(o, str):
                        yield p['prompt'], o, name


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--repos', required=True)
    ap.add_argument('--registry', default=os.path.join(os.path.dirname(__file__), '..', 'corpus', 'registry', 'spans.ndjson'))
    ap.add_argument('-o', '--out', required=True)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    pairs = []

    def add(src, q, ans):
        q, ans = q.strip(), ans.strip()
        if len(q) >= 8 and len(ans) >= 2:
            pairs.append({'src': src, 'q': q, 'a': ans})

    def with_input(d):
        return d['instruction'] + ('\n\n' + d['input'] if d.get('input') else '')

    code = json.loads(show(a.repos, 'teknium1/GPTeacher', 'Codegen/codegen-instruct.json'))
    rnd.shuffle(code)
    for d in code[:2000]:
        add('gpteacher-code', with_input(d), d['response'])
    for d in json.loads(show(a.repos, 'teknium1/GPTeacher', 'Roleplay/roleplay-simple-deduped-roleplay-instruct.json')):
        add('gpteacher-roleplay', with_input(d), d['response'])
    for m in SELF_INSTRUCT:
        text = show(a.repos, 'yizhongw/self-instruct', f'human_eval/predictions/{m}_predictions.jsonl').decode()
        for line in text.splitlines():
            d = json.loads(line)
            add('self-instruct-' + m, with_input(d), d['response'])
    gsm = [json.loads(l) for l in show(a.repos, 'openai/grade-school-math', 'grade_school_math/data/train.jsonl').decode().splitlines()]
    rnd.shuffle(gsm)
    for d in gsm[:1200]:
        ans = re.sub(r'<<[^>]*>>', '', d['answer'])  # calculator annotations
        add('gsm8k', d['question'], re.sub(r'\n#### (.*)$', r'\nThe answer is \1.', ans))
    rows = [json.loads(l) for l in open(a.registry)]
    rnd.shuffle(rows)
    for d in rows[:500]:
        if d.get('if_ok'):
            add('corpus-registry', d['this'], d['if_ok'])
    by_prompt = collections.defaultdict(set)
    for q, o, model in oa_reports(a.repos):
        o = o.strip()
        if any(k in model for k in OA_MODELS) and len(o.split()) >= 3 and not o.startswith('<'):
            by_prompt[q].add(o)
    for q in sorted(by_prompt):
        outs = sorted(by_prompt[q])
        rnd.shuffle(outs)
        for o in outs[:OA_PER_PROMPT]:
            add('oasst-model-eval', q, o)
    seen, out = set(), []
    for p in pairs:
        if (p['q'], p['a']) not in seen:
            seen.add((p['q'], p['a']))
            out.append(p)
    with open(a.out, 'w') as f:
        for p in out:
            f.write(json.dumps(p) + '\n')
    print(len(out), dict(collections.Counter(p['src'].split('-text')[0].split('-davinci')[0] for p in out)))


if __name__ == '__main__':
    main()
