// Long pre-tokenizer pieces (one run of a letter, of CJK, of random letters, of spaces): biglm's encode against
// tiktoken's encode_ordinary on the same piece in the same run, alternating, as the piece doubles. tiktoken's
// merge is quadratic (hours for a million characters), but its WASM core traps first, within a second, on pieces
// of 1 M characters: those rows show the trap.
//
//   node dist/bench/tokenizer-long-pieces.js [--encoding cl100k_base]

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { Rng } from '../lib/rng.js';
import { getEncoding } from '../tokenizer/index.js';

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({ options: { encoding: { type: 'string', default: 'cl100k_base' } } });
const name = args.encoding as TiktokenEncoding;

const rng = new Rng('bench-long-pieces');
const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const kinds: Record<string, (chars: number) => string> = {
  'a…': (n) => 'a'.repeat(n),
  '漢…': (n) => '漢'.repeat(n),
  'random letters': (n) => Array.from({ length: n }, () => letters[rng.int(0, letters.length)]).join(''),
  spaces: (n) => ' '.repeat(n),
};

/** CPU seconds of `fn` (user + system): the machine is shared, wall time is not ours alone. */
function cpuSeconds(fn: () => unknown): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/**
 * What tiktoken does with a piece of a million characters or more, in a child process: a trap leaves the WASM
 * module (shared by every tiktoken instance of a process, ours included) unusable.
 */
function tiktokenOutcome(kind: string, chars: number): string {
  const child = `
    const { get_encoding } = require(${JSON.stringify(require.resolve('tiktoken'))});
    const letters = ${JSON.stringify(letters)};
    const make = { 'a…': (n) => 'a'.repeat(n), '漢…': (n) => '漢'.repeat(n), spaces: (n) => ' '.repeat(n),
      'random letters': (n) => { let x = 1, s = []; for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; s.push(letters[(x >>> 8) % 52]); } return s.join(''); } };
    const text = make[${JSON.stringify(kind)}](${chars});
    const enc = get_encoding(${JSON.stringify(name)});
    const before = process.cpuUsage();
    try { enc.encode_ordinary(text); const u = process.cpuUsage(before); console.log(((u.user + u.system) / 1e6).toFixed(3)); }
    catch (e) { const u = process.cpuUsage(before); console.log('traps (' + e.message + ') after ' + ((u.user + u.system) / 1e6).toFixed(1) + ' s'); }`;
  const r = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8', timeout: 120_000 });
  return r.error ? `no answer in 120 s` : r.stdout.trim() || `exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`;
}

const ours = getEncoding(name);
const raw = get_encoding(name);
// Load the JS ranks outside the timings (once per thread, on the first long piece: ~50–400 ms).
ours.encode('x'.repeat(200));

console.log(`## Long pieces, ${name}: CPU seconds per piece (biglm merges pieces over 128 characters in O(n log n))`);
console.log('| piece | characters | biglm s | tiktoken s | tiktoken / biglm |');
console.log('|---|---|---|---|---|');
for (const [kind, make] of Object.entries(kinds)) {
  for (const chars of [5_000, 10_000, 20_000, 40_000]) {
    const text = make(chars);
    const a = cpuSeconds(() => ours.encode(text));
    const b = cpuSeconds(() => raw.encode_ordinary(text));
    const a2 = cpuSeconds(() => ours.encode(text));
    const mine = (a + a2) / 2;
    console.log(`| ${kind} | ${chars.toLocaleString('en-US')} | ${mine.toFixed(3)} | ${b.toFixed(3)} | ${(b / mine).toFixed(1)}× |`);
  }
  for (const chars of [1 << 20, 4 << 20]) {
    const text = make(chars);
    console.log(`| ${kind} | ${chars.toLocaleString('en-US')} | ${cpuSeconds(() => ours.encode(text)).toFixed(3)} | ${tiktokenOutcome(kind, chars)} | |`);
  }
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
ours.free();
raw.free();
