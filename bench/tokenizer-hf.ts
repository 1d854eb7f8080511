// Hugging Face `tokenizers` (native Rust) set up to match tiktoken exactly, for the benchmark:
// tiktoken's ranks converted to a byte-level BPE vocabulary + merges, the same split regex, and the
// trainer with the same pre-tokenization. The node binding only builds regex splits from JSON, so the
// tokenizers are assembled as tokenizer.json documents.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Tokenizer as HfTokenizer } from 'tokenizers';

const require = createRequire(import.meta.url);
export const { Tokenizer } = require('tokenizers') as typeof import('tokenizers');
export type { HfTokenizer };

/** GPT-2's byte → printable character table that byte-level BPE vocabularies are written in. */
function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const out: string[] = new Array(256);
  for (const b of printable) out[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (out[b] === undefined) out[b] = String.fromCodePoint(256 + n++);
  return out;
}
const B2U = byteToUnicode();
const toUnicode = (bytes: Uint8Array) => Array.from(bytes, (b) => B2U[b]).join('');

/** tokenizer.json with our split regex + byte-level mapping, and the given BPE vocabulary. */
export function tokenizerJson(pattern: string, vocab: Record<string, number>, merges: [string, string][]): string {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
    },
  });
}

/**
 * A tiktoken built-in as an HF tokenizer. Each multi-byte token's merge is recovered by running BPE on
 * its bytes with lower ranks only; it always ends in exactly two parts (how tiktoken vocabularies are
 * converted for HF).
 */
export function hfFromTiktoken(name: string, pattern: string): HfTokenizer {
  const def = JSON.parse(readFileSync(require.resolve(`tiktoken/encoders/${name}.json`), 'utf8')) as { bpe_ranks: string };
  const parts = def.bpe_ranks.split(' ');
  const first = Number(parts[1]);
  const tokens = parts.slice(2).map((b) => Buffer.from(b, 'base64'));
  const rank = new Map<string, number>();
  tokens.forEach((t, i) => rank.set(t.toString('latin1'), first + i));
  const vocab: Record<string, number> = {};
  const merges: [string, string][] = [];
  tokens.forEach((tok, i) => {
    const r = first + i;
    vocab[toUnicode(tok)] = r;
    if (tok.length < 2) return;
    let ps = Array.from(tok, (x) => String.fromCharCode(x));
    while (ps.length > 2) {
      let best = -1;
      let bestRank = Infinity;
      for (let j = 0; j < ps.length - 1; j++) {
        const rr = rank.get(ps[j] + ps[j + 1]);
        if (rr !== undefined && rr < r && rr < bestRank) {
          bestRank = rr;
          best = j;
        }
      }
      if (best < 0) break;
      ps = [...ps.slice(0, best), ps[best] + ps[best + 1], ...ps.slice(best + 2)];
    }
    if (ps.length !== 2) throw new Error(`${name}: no merge found for rank ${r}`);
    merges.push([toUnicode(Buffer.from(ps[0], 'latin1')), toUnicode(Buffer.from(ps[1], 'latin1'))]);
  });
  return Tokenizer.fromString(tokenizerJson(pattern, vocab, merges));
}

/** An untrained HF BPE tokenizer with the same pre-tokenization as ours. */
export function hfUntrained(pattern: string): HfTokenizer {
  return Tokenizer.fromString(tokenizerJson(pattern, {}, []));
}

/**
 * Keep the first `size` vocabulary entries of a trained HF tokenizer (its alphabet, then merges in
 * order): BPE's merge sequence does not depend on the target size, so this is what training with
 * vocab_size = size gives. (The node binding's `train` always uses the default trainer, 30000.)
 */
export function hfTruncated(trained: string, size: number): { tokenizer: HfTokenizer; alphabet: number; merges: number } {
  const doc = JSON.parse(trained) as { model: { vocab: Record<string, number>; merges: ([string, string] | string)[] } };
  const vocab = Object.fromEntries(Object.entries(doc.model.vocab).filter(([, id]) => id < size));
  const merges = doc.model.merges
    .map((m) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : m))
    .filter(([a, b]) => (vocab[a + b] ?? Infinity) < size);
  const alphabet = Object.keys(vocab).length - merges.length;
  const out = JSON.parse(trained);
  out.model.vocab = vocab;
  out.model.merges = merges;
  return { tokenizer: Tokenizer.fromString(JSON.stringify(out)), alphabet, merges: merges.length };
}
