// The logic of the question-variants enzyme: plain JavaScript with no host
// imports, so that `node --test` can exercise it without wasm.
//
// `paraphrases(text, max)` finds the question in the first paragraph of a
// span's `this` and rewrites it with fixed, rule-based patterns
// ("How do I X?" -> "What is the best way to X?"); everything else in the
// text (other sentences, code blocks) is kept as it is. `makeVariants`
// turns those into new spans. No model, no randomness: the same input always
// gives the same variants, in the same order.

export const NAME = 'js-question-variants';
export const VERSION = '0.1.0';
export const DESCRIPTION =
  'Adds rule-based paraphrases of questions (ask_question, explain_concept) as variant spans';

export const DEFAULT_DIDS = ['ask_question', 'explain_concept'];
export const DEFAULT_MAX_VARIANTS = 2;
const MAX_VARIANTS_CAP = 16;
const CONFIG_KEYS = ['dids', 'max_variants'];

/** An error the host understands: `{ kind, message }` is the WIT `enzyme-error`. */
export function enzymeError(kind, message) {
  return { kind, message };
}

/** Parse the manifest's `config` (JSON object text); throws an `invalid-config` error. */
export function parseConfig(text) {
  const bad = (msg) => enzymeError('invalid-config', `${NAME}: ${msg}`);
  let raw;
  try {
    raw = JSON.parse(text && text.trim() ? text : '{}');
  } catch (e) {
    throw bad(`config is not valid JSON: ${e.message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw bad('config must be a table (a JSON object)');
  }
  for (const key of Object.keys(raw)) {
    if (!CONFIG_KEYS.includes(key)) {
      throw bad(`unknown config key \`${key}\` (known: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  const config = { dids: [...DEFAULT_DIDS], maxVariants: DEFAULT_MAX_VARIANTS };
  if ('dids' in raw) {
    const d = raw.dids;
    if (!Array.isArray(d) || !d.every((x) => typeof x === 'string' && x.trim() !== '')) {
      throw bad('`dids` must be a list of action names, e.g. ["ask_question"]');
    }
    config.dids = d.map((x) => x.trim());
  }
  if ('max_variants' in raw) {
    const m = raw.max_variants;
    if (!Number.isInteger(m) || m < 0 || m > MAX_VARIANTS_CAP) {
      throw bad(`\`max_variants\` must be a whole number from 0 to ${MAX_VARIANTS_CAP}`);
    }
    config.maxVariants = m;
  }
  return config;
}

// ---------------------------------------------------------------------------
// Sentences

/** The first paragraph (what gets rewritten) and the rest (kept as is). */
export function splitHead(text) {
  const cuts = [text.indexOf('\n\n'), text.indexOf('```'), text.indexOf('\n')]
    .filter((i) => i >= 0);
  const cut = cuts.length ? Math.min(...cuts) : text.length;
  return [text.slice(0, cut), text.slice(cut)];
}

const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|etc|vs|approx|cf|Mr|Ms|Dr|St|No)\.)$/i;

/**
 * Split a paragraph into sentences: `[{ text, start, end }]` with `text`
 * trimmed. A sentence ends at `.`, `?` or `!` followed by a space (or the
 * end), never inside `backticks`, after `e.g.`, or inside a number (`22.04`).
 */
export function sentences(par) {
  const out = [];
  let start = 0;
  let inCode = false;
  for (let i = 0; i < par.length; i++) {
    const c = par[i];
    if (c === '`') inCode = !inCode;
    if (inCode || !'.?!'.includes(c)) continue;
    let j = i;
    while (j + 1 < par.length && '.?!'.includes(par[j + 1])) j++;
    const atEnd = j + 1 >= par.length;
    if (!atEnd && !/\s/.test(par[j + 1])) continue;
    if (c === '.' && ABBREVIATIONS.test(par.slice(start, j + 1))) continue;
    push(start, j + 1);
    start = j + 1;
    i = j;
  }
  push(start, par.length);
  return out;

  function push(a, b) {
    const raw = par.slice(a, b);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text) out.push({ text, start: a + lead, end: a + lead + text.length });
  }
}

// ---------------------------------------------------------------------------
// Rules

// Discourse openers dropped from a rewritten question ("quick question: what
// is X" -> "Explain X."). Only inside the question's own sentence.
const FILLER = /^(?:(?:quick question|one more question|another question|question|so|and|also|ok(?:ay)?|hmm|btw)\s*[:,]?\s+)+/i;

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const objectPronoun = (x) => ({ they: 'them', it: 'it', he: 'him', she: 'her', we: 'us' })[x.toLowerCase()] ?? x;
const beVerb = (v) => (/^(do|are)$/i.test(v) ? 'are' : 'is');
const doVerb = (v) => (/^(do|are)$/i.test(v) ? 'do' : 'does');
const third = (v, plain) => (/^(do|are)$/i.test(v) ? plain : `${plain}s`);
const article = (w) => (/^[aeiou]/i.test(w) ? 'an' : 'a');

/**
 * Each rule: a name, a pattern matched against a whole question sentence
 * (fillers dropped), and templates from its named groups. Order matters:
 * the first rule that matches a sentence is used.
 */
export const RULES = [
  {
    name: 'how-do-i',
    re: /^how (?:do|can|should) i (?<x>.+?)\?$/i,
    out: ({ x }) => [`What is the best way to ${x}?`, `What's the recommended way to ${x}?`],
  },
  {
    name: 'best-way',
    re: /^what(?:'s| is) the (?:best|right|recommended) way to (?<x>.+?)\?$/i,
    out: ({ x }) => [`How do I ${x}?`, `How should I ${x}?`],
  },
  {
    name: 'show-me-how',
    re: /^(?:can|could) you show me how to (?<x>.+?)\?$/i,
    out: ({ x }) => [`How do I ${x}?`, `What is the best way to ${x}?`],
  },
  {
    name: 'is-there-a-way',
    re: /^is there (?:a|any) way to (?<x>.+?)\?$/i,
    out: ({ x }) => [`How can I ${x}?`, `What is the best way to ${x}?`],
  },
  {
    name: 'explain-in-detail',
    re: /^(?:can|could|would) you explain (?<x>.+?) in (?:a bit |a little |some )?more detail\?$/i,
    out: ({ x }) => [`Explain ${x} in more depth.`, `Can you go deeper into ${x}?`],
  },
  {
    name: 'short-explanation',
    re: /^(?:can|could) you give me an? (?:short|brief|quick) explanation of (?<x>.+?)\?$/i,
    out: ({ x }) => [`Briefly explain ${x}.`, `Give me a quick overview of ${x}.`],
  },
  {
    name: 'can-you-explain',
    re: /^(?:can|could|would) you (?:please )?explain (?<x>.+?)\?$/i,
    out: ({ x }) =>
      / and /.test(x)
        ? [`Explain ${x}.`, `What is the difference between ${x}?`, `What should I know about ${x}?`]
        : [`Explain ${x}.`, `What should I know about ${x}?`],
  },
  {
    name: 'what-does-x-mean',
    // "what does pipelining mean in Redis" (often with no `?`, run into the
    // next sentence: the part after the one-word Y is kept as it is).
    re: /^what (?<v>does|do) (?<x>.+?) mean in (?<y>[^\s?.,]+)(?<q>\??)(?<rest>\s+.*)?$/i,
    out: ({ v, x, y, rest = '' }) => [
      `Explain what ${x} ${third(v, 'mean')} in ${y}.${rest}`,
      `What is meant by ${x} in ${y}?${rest}`,
    ],
  },
  {
    name: 'relationship-between',
    re: /^what(?:'s| is) the relationship between (?<x>.+?)\?$/i,
    out: ({ x }) => [`How do ${x} relate to each other?`, `Explain the relationship between ${x}.`],
  },
  {
    name: 'difference-between',
    re: /^what(?:'s| is) the difference between (?<x>.+?)\?$/i,
    out: ({ x }) => [`How do ${x} differ?`, `Explain the difference between ${x}.`],
  },
  {
    name: 'what-is',
    // Not "what is wrong with…", "what is causing this": those are no definitions.
    re: /^what(?:'s|'re| (?:exactly )?(?<v>is|are)) (?!(?:wrong|happening|going|causing|this|that|it|my|your|the (?:problem|issue|error|cause|output|result))\b)(?<x>.+?)\?$/i,
    out: ({ v = 'is', x }) => [`Explain ${x}.`, `Can you explain what ${x} ${beVerb(v)}?`],
  },
  {
    name: 'why-does-it-matter',
    re: /^why (?<v>does|do) (?<x>.+?) matter(?<here> here| to me| in this case)?\?$/i,
    out: ({ v, x, here = '' }) => [
      `Why ${beVerb(v)} ${x} important${here}?`,
      `What makes ${objectPronoun(x)} important${here}?`,
    ],
  },
  {
    name: 'need-to-worry',
    re: /^(?<v>is|are) (?<x>.+?) something (?:that )?i (?:need to|should) worry about(?<rest> in this code| here)?\?$/i,
    out: ({ x, rest = '' }) => [
      `Do I need to worry about ${objectPronoun(x)}${rest}?`,
      `Should I care about ${objectPronoun(x)}${rest}?`,
    ],
  },
  {
    name: 'fit-into-this',
    re: /^how (?<v>does|do) (?<x>.+?) fit into this\?$/i,
    out: ({ v, x }) => [`Where ${doVerb(v)} ${x} come into this?`, `How ${beVerb(v)} ${x} related to this?`],
  },
  {
    name: 'when-should-i-use',
    re: /^when should i use (?<x>.+?)\?$/i,
    out: ({ x }) => [`In which situations should I use ${x}?`, `When is it worth using ${x}?`],
  },
  {
    name: 'explain-to-newcomers',
    re: /^how would you explain (?<x>.+?) to (?:people who have never used (?:it|them)|(?:a )?beginners?|newcomers)\?$/i,
    out: ({ x }) => [`What's a beginner-friendly way to explain ${x}?`, `How can I explain ${x} to newcomers?`],
  },
  {
    name: 'what-problem',
    re: /^what problems? (?<v>does|do) (?<x>.+?) (?:actually |really )?solve\?$/i,
    out: ({ v, x }) => [`What ${beVerb(v)} ${x} actually for?`, `Why would I need ${objectPronoun(x)}?`],
  },
  {
    name: 'how-does-x-work',
    re: /^how (?<v>does|do) (?<x>.+?) work(?<rest> in [^?]+| with [^?]+)?\?$/i,
    out: ({ v, x, rest = '' }) => [
      `Explain how ${x} ${third(v, 'work')}${rest}.`,
      `What happens under the hood with ${x}${rest}?`,
    ],
  },
  {
    name: 'explain-like',
    re: /^explain (?<x>.+?) like i'?m (?:a |an )?(?<who>[^.!?]+?)[.!]?$/i,
    out: ({ x, who }) => [
      `Can you explain ${x} in simple terms?`,
      `How would you explain ${x} to ${article(who)} ${who}?`,
    ],
  },
  {
    name: 'explain',
    re: /^explain (?<x>[^?]+?)[.!]?$/i,
    out: ({ x }) => [`Can you explain ${x}?`, `What should I know about ${x}?`],
  },
];

/** The rewrites of one sentence: `[{ rule, text }]`, or [] when no rule fits. */
export function rewriteSentence(sentence) {
  const core = sentence.replace(FILLER, '');
  if (!core) return [];
  for (const rule of RULES) {
    const m = rule.re.exec(core);
    if (!m) continue;
    const groups = Object.fromEntries(
      Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined),
    );
    return rule.out(groups).map((t) => ({ rule: rule.name, text: cap(t) }));
  }
  return [];
}

/**
 * Up to `max` rewritten versions of `text`, each different from it and from
 * each other: `[{ text, rule, before, after }]` where `before`/`after` are the
 * question sentence as it was and as rewritten.
 */
export function paraphrases(text, max = DEFAULT_MAX_VARIANTS) {
  const out = [];
  if (max <= 0 || typeof text !== 'string') return out;
  const [head, tail] = splitHead(text);
  const seen = new Set([text]);
  for (const s of sentences(head)) {
    for (const r of rewriteSentence(s.text)) {
      if (out.length >= max) return out;
      const candidate = head.slice(0, s.start) + r.text + head.slice(s.end) + tail;
      if (seen.has(candidate)) continue;
      seen.add(candidate);
      out.push({ text: candidate, rule: r.rule, before: s.text, after: r.text });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Spans

/** Parse the span's `extra` (JSON object text). */
function extraOf(span) {
  try {
    const v = JSON.parse(span.extra || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The WIT `processed` record for one span (as componentize-js sees it: camel
 * case fields, `{ tag, val }` variants). Spans whose `did` is not in
 * `config.dids`, spans that are variants already (`extra.variant_of`), and
 * questions no rule fits come back `unchanged`.
 */
export function process(span, config) {
  const unchanged = { outcome: { tag: 'unchanged' }, changes: [] };
  if (!config.dids.includes(span.did)) return unchanged;
  const extra = extraOf(span);
  if (extra === null) throw enzymeError('unsupported-input', '`extra` is not a JSON object');
  if ('variant_of' in extra) return unchanged;
  const found = paraphrases(span.this, config.maxVariants);
  if (found.length === 0) return unchanged;
  const spans = [span];
  const changes = [];
  found.forEach((p, i) => {
    const id = `${span.id}#v${i + 1}`;
    spans.push({ ...span, id, this: p.text, extra: JSON.stringify({ ...extra, variant_of: span.id }) });
    changes.push({
      kind: 'addition',
      location: 'this',
      description: `variant ${id} (rule ${p.rule})`,
      before: p.before,
      after: p.after,
    });
  });
  return { outcome: { tag: 'variants', val: spans }, changes };
}
