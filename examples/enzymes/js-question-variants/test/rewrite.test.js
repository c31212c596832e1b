// Unit tests of the rewrite logic (no wasm): `node --test` in this folder.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, paraphrases, process, rewriteSentence, sentences, splitHead } from '../rewrite.js';

const texts = (s, max = 2) => paraphrases(s, max).map((p) => p.text);

test('How do I X? -> What is the best way to X?', () => {
  assert.deepEqual(texts('How do I read a file line by line in Rust?'), [
    'What is the best way to read a file line by line in Rust?',
    "What's the recommended way to read a file line by line in Rust?",
  ]);
});

test('Can you explain X? -> Explain X.', () => {
  assert.deepEqual(texts('Can you explain closures?'), ['Explain closures.', 'What should I know about closures?']);
  assert.deepEqual(texts('Can you explain goroutines and channels in Go?', 3), [
    'Explain goroutines and channels in Go.',
    'What is the difference between goroutines and channels in Go?',
    'What should I know about goroutines and channels in Go?',
  ]);
});

test('one rule per kind of question', () => {
  const cases = [
    ['What is the best way to parse JSON in Go?', 'How do I parse JSON in Go?'],
    ['Could you explain CTEs in a bit more detail?', 'Explain CTEs in more depth.'],
    ['Can you give me a short explanation of CTEs, with a SQL example?', 'Briefly explain CTEs, with a SQL example.'],
    ['quick question: what does pipelining mean in Redis', 'Explain what pipelining means in Redis.'],
    ['quick question: what do keys in lists mean in React', 'Explain what keys in lists mean in React.'],
    ["What's the relationship between image layers and volumes in Docker?", 'How do image layers and volumes in Docker relate to each other?'],
    ['What is the difference between a process and a thread?', 'How do a process and a thread differ?'],
    ['What exactly is the DataLoader in PyTorch?', 'Explain the DataLoader in PyTorch.'],
    ['What are exit codes in Bash?', 'Explain exit codes in Bash.'],
    ['Why do they matter here?', 'Why are they important here?'],
    ['Why does it matter here?', 'Why is it important here?'],
    ['Are generics something I need to worry about in this code?', 'Do I need to worry about generics in this code?'],
    ['And how do optionals fit into this?', 'Where do optionals come into this?'],
    ['When should I use IAM roles in AWS, and when are they overkill?', 'In which situations should I use IAM roles in AWS, and when are they overkill?'],
    ['How would you explain coroutines to people who have never used them?', "What's a beginner-friendly way to explain coroutines?"],
    ['What problem do they actually solve?', 'What are they actually for?'],
    ['How does async/await work in Swift?', 'Explain how async/await works in Swift.'],
    ["Explain pipelining in Redis like I'm a junior developer.", 'Can you explain pipelining in Redis in simple terms?'],
    ['Explain the borrow checker.', 'Can you explain the borrow checker?'],
    ['Can you show me how to mock a class in Jest?', 'How do I mock a class in Jest?'],
    ['Is there a way to cancel a fetch request?', 'How can I cancel a fetch request?'],
  ];
  for (const [q, first] of cases) {
    assert.equal(texts(q, 1)[0], first, q);
  }
});

test('second templates keep grammar (pronouns, verbs)', () => {
  assert.equal(texts('Why do they matter here?')[1], 'What makes them important here?');
  assert.equal(texts('What problem do they actually solve?')[1], 'Why would I need them?');
  assert.equal(texts('How does the event loop fit into this?')[1], 'How is the event loop related to this?');
  assert.equal(texts("Explain sharding like I'm an intern.")[1], 'How would you explain sharding to an intern?');
});

test('only the question sentence changes; the rest is kept byte for byte', () => {
  const text = "Hmm. You mentioned eviction policies. Why do they matter here? We run it on Ubuntu 22.04.\n\n```sh\nredis-cli info\n```";
  const [v] = paraphrases(text, 1);
  assert.equal(v.text, "Hmm. You mentioned eviction policies. Why are they important here? We run it on Ubuntu 22.04.\n\n```sh\nredis-cli info\n```");
  assert.equal(v.before, 'Why do they matter here?');
  assert.equal(v.after, 'Why are they important here?');
});

test('run-on questions keep their tail', () => {
  assert.deepEqual(texts("quick question: what does XSS mean in Flask I'd prefer no new dependencies."), [
    "Explain what XSS means in Flask. I'd prefer no new dependencies.",
    "What is meant by XSS in Flask? I'd prefer no new dependencies.",
  ]);
});

test('no rule, no variant; not every "what is" is a definition', () => {
  assert.deepEqual(texts('Write a function that reverses a list.'), []);
  assert.deepEqual(texts('What is wrong with my code?'), []);
  assert.deepEqual(texts('What is causing this error?'), []);
  assert.deepEqual(texts(''), []);
  assert.deepEqual(texts('How do I sort?', 0), []);
});

test('questions in code blocks are left alone', () => {
  assert.deepEqual(texts('Here is my code:\n\n```\n// How do I fix this?\n```'), []);
});

test('sentences: numbers, abbreviations and backticks do not end a sentence', () => {
  const s = sentences('We run Ubuntu 22.04, e.g. on `node.js?` hosts. Why? Because.').map((x) => x.text);
  assert.deepEqual(s, ['We run Ubuntu 22.04, e.g. on `node.js?` hosts.', 'Why?', 'Because.']);
  assert.deepEqual(splitHead('a\n\nb'), ['a', '\n\nb']);
});

test('deterministic', () => {
  const q = 'I have been stuck for a while. How do I speed up my Node API? It blocks on uploads.';
  assert.deepEqual(paraphrases(q, 5), paraphrases(q, 5));
});

test('rewriteSentence names its rule', () => {
  assert.deepEqual(rewriteSentence('How can I speed it up?')[0], {
    rule: 'how-do-i',
    text: 'What is the best way to speed it up?',
  });
});

// --- spans and config

const span = (over = {}) => ({
  id: 'span-1',
  who: 'user:ana',
  did: 'ask_question',
  this: 'How do I read a file in Rust?',
  when: '2024-09-29T00:00:00Z',
  status: 'completed',
  ifOk: 'Use std::fs::read_to_string.',
  context: '{"thread_id":"t1"}',
  extra: '{"source":"chat"}',
  ...over,
});

test('variants: the original first, then <id>#v1.. with variant_of', () => {
  const out = process(span(), parseConfig('{}'));
  assert.equal(out.outcome.tag, 'variants');
  const [orig, v1, v2] = out.outcome.val;
  assert.equal(out.outcome.val.length, 3);
  assert.deepEqual(orig, span());
  assert.equal(v1.id, 'span-1#v1');
  assert.equal(v2.id, 'span-1#v2');
  assert.equal(v1.this, 'What is the best way to read a file in Rust?');
  assert.deepEqual(JSON.parse(v1.extra), { source: 'chat', variant_of: 'span-1' });
  assert.equal(v1.ifOk, orig.ifOk);
  assert.equal(v1.context, orig.context);
  assert.equal(out.changes.length, 2);
  assert.deepEqual(out.changes[0], {
    kind: 'addition',
    location: 'this',
    description: 'variant span-1#v1 (rule how-do-i)',
    before: 'How do I read a file in Rust?',
    after: 'What is the best way to read a file in Rust?',
  });
});

test('max_variants and dids from config', () => {
  assert.equal(process(span(), parseConfig('{"max_variants": 1}')).outcome.val.length, 2);
  assert.equal(process(span(), parseConfig('{"max_variants": 0}')).outcome.tag, 'unchanged');
  assert.equal(process(span({ did: 'write_code' }), parseConfig('{}')).outcome.tag, 'unchanged');
  assert.equal(process(span({ did: 'write_code' }), parseConfig('{"dids": ["write_code"]}')).outcome.tag, 'variants');
});

test('variants are not varied again', () => {
  const out = process(span({ extra: '{"variant_of":"span-0"}' }), parseConfig('{}'));
  assert.equal(out.outcome.tag, 'unchanged');
});

test('config errors are invalid-config errors that name the key', () => {
  assert.throws(() => parseConfig('{"max_variant": 3}'), (e) => e.kind === 'invalid-config' && e.message.includes('`max_variant`'));
  for (const bad of ['{"max_variants": -1}', '{"max_variants": 2.5}', '{"max_variants": 99}', '{"dids": "ask_question"}', '{"dids": [""]}', '[]', '{oops']) {
    assert.throws(() => parseConfig(bad), (e) => e.kind === 'invalid-config', bad);
  }
  assert.deepEqual(parseConfig(''), { dids: ['ask_question', 'explain_concept'], maxVariants: 2 });
});
