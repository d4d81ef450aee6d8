#!/usr/bin/env node
// Raw onnxruntime-node throughput on PRE-TOKENIZED input: the baseline that `llamadb bench embed`
// is compared against (same model, same token ids). No tokenization, pooling or normalisation here.
//
// Usage:
//   node bench/embed/ort-node-bench.mjs --model <model.onnx | model folder> --ids <ids.jsonl>
//        [--batch 1,8,32,128] [--threads 2] [--limit N] [--order length|input]
//        [--warmup 1] [--warmup-batches 3] [--repeat 1] [--info]
//
// ids file: JSON lines, one text per line, each a JSON array of int token ids that already
// includes [CLS]/[SEP], e.g. [101, 2023, 102]. Blank lines are skipped. No truncation is done.
//
// For every thread count (--threads takes a list too, e.g. 1,2,4) one session is created with
// intraOpNumThreads=K, interOpNumThreads=1, graphOptimizationLevel 'all', executionMode
// 'sequential'. For every batch size B: the first --limit texts (in file order) are ordered
// (--order length: stable sort by id count, the default; --order input: file order), cut into
// batches of B, and each batch is right-padded with 0 to its own longest sequence. Feeds are int64
// [B, seq]: input_ids, attention_mask (1 = real token) and token_type_ids (zeros) — each only if
// the model declares that input (session.inputNames).
//
// Timing: the padded int64 buffers are built before the clock starts; the clock (process.hrtime
// .bigint) covers only `new ort.Tensor(...)` + `session.run(...)` per batch, summed. Before the
// timed passes, --warmup passes (default 1) run the first --warmup-batches batches (default 3,
// the same ordering, so with --order length these are the shortest ones); they are not timed.
// --repeat R runs the timed pass R times; texts/tokens/seconds are then totals over the R passes.
//
// Output (stdout): one JSON object per (threads, batch), e.g.
//   {"engine":"onnxruntime-node","batch":8,"threads":2,"order":"length","texts":300,
//    "tokens":40123,"seconds":1.23,"texts_per_second":243.9,"tokens_per_second":32620.3,...}
// tokens counts real (unpadded) tokens; extra fields: repeat, padded_tokens, batches,
// ort_version. Progress and --info (model I/O) go to stderr.
//
// onnxruntime-node is resolved from <repo>/.cache/bench-node/node_modules (scripts/install-bench-node.sh),
// so this script runs from any working directory.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { readFileSync, statSync, existsSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const nodeModules = join(repoRoot, '.cache', 'bench-node', 'node_modules');

function die(msg) {
  process.stderr.write(`ort-node-bench: ${msg}\n`);
  process.exit(2);
}

function loadOrt() {
  const req = createRequire(join(nodeModules, 'noop.js'));
  try {
    const ort = req('onnxruntime-node');
    const version = req('onnxruntime-node/package.json').version;
    return { ort, version };
  } catch (e) {
    die(`cannot load onnxruntime-node from ${nodeModules} (run scripts/install-bench-node.sh): ${e.message}`);
  }
}

function parseArgs(argv) {
  const opts = {
    model: null, ids: null, batch: [1, 8, 32, 128], threads: [2], limit: 0,
    order: 'length', warmup: 1, warmupBatches: 3, repeat: 1, info: false,
  };
  const intList = (name, v) => {
    const xs = String(v).split(',').filter((s) => s.trim() !== '').map(Number);
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) die(`--${name} wants positive integers, got '${v}'`);
    return xs;
  };
  const nonNegInt = (name, v) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 0) die(`--${name} wants a non-negative integer, got '${v}'`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => {
      if (v !== undefined) return v;
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--model': opts.model = next(); break;
      case '--ids': opts.ids = next(); break;
      case '--batch': opts.batch = intList('batch', next()); break;
      case '--threads': opts.threads = intList('threads', next()); break;
      case '--limit': opts.limit = nonNegInt('limit', next()); break;
      case '--order': opts.order = next(); break;
      case '--warmup': opts.warmup = nonNegInt('warmup', next()); break;
      case '--warmup-batches': opts.warmupBatches = nonNegInt('warmup-batches', next()); break;
      case '--repeat': opts.repeat = nonNegInt('repeat', next()); break;
      case '--info': opts.info = true; break;
      case '-h': case '--help':
        process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
          .filter((l) => l.startsWith('//')).slice(0, 30).map((l) => l.slice(3)).join('\n') + '\n');
        process.exit(0);
      default: die(`unknown argument '${a}' (see --help)`);
    }
  }
  if (!opts.model) die('--model is required');
  if (!opts.ids && !opts.info) die('--ids is required');
  if (opts.order !== 'length' && opts.order !== 'input') die(`--order must be 'length' or 'input', got '${opts.order}'`);
  if (opts.repeat < 1) die('--repeat must be >= 1');
  if (existsSync(opts.model) && statSync(opts.model).isDirectory()) opts.model = join(opts.model, 'model.onnx');
  if (!existsSync(opts.model)) die(`model not found: ${opts.model}`);
  return opts;
}

function readIds(path, limit) {
  let text;
  try { text = readFileSync(path, 'utf8'); } catch (e) { die(`cannot read --ids ${path}: ${e.message}`); }
  const seqs = [];
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    let arr;
    try { arr = JSON.parse(line); } catch (e) { die(`${path}:${ln + 1}: not JSON: ${e.message}`); }
    if (!Array.isArray(arr) || arr.length === 0 || arr.some((x) => !Number.isInteger(x) || x < 0)) {
      die(`${path}:${ln + 1}: expected a non-empty JSON array of non-negative integer token ids`);
    }
    seqs.push(arr);
    if (limit > 0 && seqs.length >= limit) break;
  }
  if (seqs.length === 0) die(`${path}: no texts`);
  return seqs;
}

function fmtMeta(m) {
  if (!m) return '?';
  if (m.isTensor === false) return `${m.name}: non-tensor`;
  return `${m.name}: ${m.type} [${(m.shape || []).join(', ')}]`;
}

// Padded int64 buffers for one batch; built outside the timed region.
function buildBatch(seqs, names) {
  const b = seqs.length;
  let seqLen = 0;
  let real = 0;
  for (const s of seqs) { if (s.length > seqLen) seqLen = s.length; real += s.length; }
  const n = b * seqLen;
  const ids = new BigInt64Array(n);
  const mask = names.has('attention_mask') ? new BigInt64Array(n) : null;
  const types = names.has('token_type_ids') ? new BigInt64Array(n) : null; // zeros
  for (let r = 0; r < b; r++) {
    const s = seqs[r];
    const off = r * seqLen;
    for (let j = 0; j < s.length; j++) {
      ids[off + j] = BigInt(s[j]);
      if (mask) mask[off + j] = 1n;
    }
  }
  return { b, seqLen, real, ids, mask, types };
}

async function runBatch(ort, session, batch) {
  const dims = [batch.b, batch.seqLen];
  const feeds = { input_ids: new ort.Tensor('int64', batch.ids, dims) };
  if (batch.mask) feeds.attention_mask = new ort.Tensor('int64', batch.mask, dims);
  if (batch.types) feeds.token_type_ids = new ort.Tensor('int64', batch.types, dims);
  return session.run(feeds);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { ort, version } = loadOrt();

  const seqs = opts.ids ? readIds(opts.ids, opts.limit) : [];
  // Array.prototype.sort is stable (ES2019), so equal lengths keep file order.
  const ordered = opts.order === 'length' ? seqs.slice().sort((a, b) => a.length - b.length) : seqs;

  for (const threads of opts.threads) {
    const session = await ort.InferenceSession.create(opts.model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    const names = new Set(session.inputNames);
    if (!names.has('input_ids')) die(`model has no 'input_ids' input (inputs: ${session.inputNames.join(', ')})`);
    const unknown = session.inputNames.filter((n) => !['input_ids', 'attention_mask', 'token_type_ids'].includes(n));
    if (unknown.length) die(`model needs inputs this bench does not feed: ${unknown.join(', ')}`);
    if (opts.info) {
      process.stderr.write(`onnxruntime-node ${version}, model ${opts.model}\n`);
      for (const m of session.inputMetadata ?? session.inputNames.map((name) => ({ name }))) process.stderr.write(`  input  ${fmtMeta(m)}\n`);
      for (const m of session.outputMetadata ?? session.outputNames.map((name) => ({ name }))) process.stderr.write(`  output ${fmtMeta(m)}\n`);
    }

    for (const bs of opts.batch) {
      if (seqs.length === 0) break;
      const batches = [];
      for (let i = 0; i < ordered.length; i += bs) batches.push(buildBatch(ordered.slice(i, i + bs), names));
      let realTokens = 0;
      let paddedTokens = 0;
      for (const bt of batches) { realTokens += bt.real; paddedTokens += bt.b * bt.seqLen; }

      const nw = Math.min(opts.warmupBatches, batches.length);
      for (let w = 0; w < opts.warmup; w++) {
        for (let i = 0; i < nw; i++) await runBatch(ort, session, batches[i]);
      }

      let elapsed = 0n;
      for (let r = 0; r < opts.repeat; r++) {
        for (const bt of batches) {
          const t0 = process.hrtime.bigint();
          await runBatch(ort, session, bt);
          elapsed += process.hrtime.bigint() - t0;
        }
      }
      const seconds = Number(elapsed) / 1e9;
      const texts = seqs.length * opts.repeat;
      const tokens = realTokens * opts.repeat;
      const round = (x, d) => Number(x.toFixed(d));
      process.stdout.write(JSON.stringify({
        engine: 'onnxruntime-node',
        batch: bs,
        threads,
        order: opts.order,
        texts,
        tokens,
        seconds: round(seconds, 6),
        texts_per_second: round(texts / seconds, 3),
        tokens_per_second: round(tokens / seconds, 1),
        repeat: opts.repeat,
        padded_tokens: paddedTokens * opts.repeat,
        batches: batches.length,
        ort_version: version,
      }) + '\n');
    }
    await session.release();
  }
}

main().catch((e) => { process.stderr.write(`ort-node-bench: ${e?.stack ?? e}\n`); process.exit(1); });
