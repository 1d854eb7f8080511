// Long pre-tokenizer pieces: merged in JS in O(n log n), with tiktoken's own ids wherever tiktoken can
// encode the piece at all, and in bounded time where it cannot (a few MB, where its WASM core traps).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get_encoding, Tiktoken, type TiktokenEncoding } from 'tiktoken';
import { memoryLogger } from '../../lib/log.js';
import { Rng } from '../../lib/rng.js';
import { builtinDefinitionPath } from '../../tokenizer/builtin.js';
import { bytePairEncode } from '../../tokenizer/byte-pair-merge.js';
import { getEncoding, listEncodings } from '../../tokenizer/index.js';
import { builtinRanks, parseTiktokenRanks, type MergeableRanks } from '../../tokenizer/mergeable-ranks.js';
import { trainTokenizer } from '../../tokenizer/train/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'biglm-bpe-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A pattern that makes the whole text one piece: tiktoken's encode_ordinary is then its byte_pair_encode of
// exactly the bytes we merge (a plain regex, so fancy-regex hands it to the linear `regex` crate).
const ONE_PIECE = '[\\s\\S]+';

interface Vocabulary {
  name: string;
  ranks: MergeableRanks;
  tiktoken: Tiktoken;
}

const vocabularies: Vocabulary[] = [];
afterAll(() => vocabularies.forEach((v) => v.tiktoken.free()));
for (const name of listEncodings()) {
  const definition = JSON.parse(readFileSync(builtinDefinitionPath(name), 'utf8')) as { bpe_ranks: string };
  vocabularies.push({ name, ranks: builtinRanks(name), tiktoken: new Tiktoken(definition.bpe_ranks, {}, ONE_PIECE) });
}

/** The kinds of long pieces real crawls hold, each as a generator of one character (or unit) at a time. */
function pieceKinds(rng: Rng): Record<string, () => string> {
  const pick = (chars: string) => () => chars[rng.int(0, chars.length)];
  return {
    'random bytes': () => {
      // every UTF-8 length: ASCII (controls included), 2, 3 and 4 bytes; surrogates excluded (no UTF-8 form)
      const width = rng.int(0, 4);
      const cp = [rng.int(0, 0x80), rng.int(0x80, 0x800), rng.int(0x800, 0xd800), rng.int(0x10000, 0x110000)][width];
      return String.fromCodePoint(cp);
    },
    'one letter': () => 'a',
    'random letters': pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    DNA: pick('ACGT'),
    hex: pick('0123456789abcdef'),
    CJK: () => String.fromCodePoint(rng.int(0x4e00, 0x9fff)),
    'one CJK character': () => '漢',
    emoji: pick(['🎉', '🚀', '👩‍💻', '🇩🇪', '❤️', '😀'].join('')),
    spaces: () => ' ',
    whitespace: pick(' \t\n\r\u00a0\u3000'),
  };
}

/** Units of `next` until the piece has at least `bytes` bytes of UTF-8. */
function pieceOf(next: () => string, bytes: number): string {
  const units: string[] = [];
  for (let have = 0; have < bytes; ) {
    const unit = next();
    units.push(unit);
    have += Buffer.byteLength(unit);
  }
  return units.join('');
}

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 31, 64, 100, 127, 128, 129, 255, 256, 500, 1000, 2048, 4096];

function expectSameIds(v: Vocabulary, piece: string): void {
  const ours = Array.from(bytePairEncode(Buffer.from(piece, 'utf8'), v.ranks));
  const theirs = Array.from(v.tiktoken.encode_ordinary(piece));
  expect(ours.length, `${v.name}: ${JSON.stringify(piece.slice(0, 40))} (${piece.length} chars)`).toBe(theirs.length);
  expect(ours).toEqual(theirs);
}

// A trained vocabulary next to the five built-ins, from a corpus of the same kinds of runs, so that it holds
// long merged tokens of them.
let trained: { ranks: MergeableRanks; expectedRanks: number };
beforeAll(async () => {
  const rng = new Rng('bpe-merge-corpus');
  const kinds = pieceKinds(rng);
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const kind = Object.values(kinds)[i % 10];
    lines.push(JSON.stringify({ text: `word ${pieceOf(kind, rng.int(4, 200))} more words, ${i}.` }));
  }
  writeFileSync(path.join(dir, 'corpus.jsonl'), lines.join('\n') + '\n');
  const result = await trainTokenizer({ inputs: [path.join(dir, 'corpus.jsonl')], out: path.join(dir, 'vocab'), vocabSize: 2000 }, memoryLogger());
  const rankText = readFileSync(result.rankFile, 'utf8');
  const ranks = parseTiktokenRanks(rankText);
  trained = { ranks, expectedRanks: result.sidecar.ranks };
  vocabularies.push({ name: 'trained', ranks, tiktoken: new Tiktoken(rankText, {}, ONE_PIECE) });
});

describe('bytePairEncode', () => {
  it('reads a trained rank file whole, with merged tokens of the long runs it was trained on', () => {
    expect(trained.ranks.size).toBe(trained.expectedRanks);
    expect(trained.ranks.ranksAreUnique).toBe(true);
    expect(trained.ranks.maxTokenBytes).toBeGreaterThan(8);
  });

  it('gives every single byte of ASCII, and sampled characters of every UTF-8 length, tiktoken’s id', () => {
    const rng = new Rng('bpe-merge-chars');
    for (const v of vocabularies) {
      for (let c = 0; c < 128; c++) expectSameIds(v, String.fromCharCode(c));
      for (let i = 0; i < 100; i++) expectSameIds(v, pieceKinds(rng)['random bytes']());
    }
  });

  it('gives tiktoken’s ids on pieces of every kind from 1 byte to 4 KB, for all five encodings and a trained one', () => {
    expect(vocabularies.map((v) => v.name)).toEqual(['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base', 'trained']);
    for (const v of vocabularies) {
      const kinds = pieceKinds(new Rng('bpe-merge-pieces', v.name));
      for (const [, next] of Object.entries(kinds)) for (const bytes of LENGTHS) expectSameIds(v, pieceOf(next, bytes));
    }
  });

  // tiktoken's own merge is quadratic: a 16 KB piece takes it ~0.1–0.3 s, a 64 KB one 1–5 s, so the
  // biggest sizes are sampled rather than crossed with every kind.
  it('gives tiktoken’s ids on 16 KB pieces, a different kind for each encoding', () => {
    vocabularies.forEach((v, i) => {
      const kinds = Object.values(pieceKinds(new Rng('bpe-merge-16k', v.name)));
      expectSameIds(v, pieceOf(kinds[(i * 3) % kinds.length], 16 << 10));
    });
  });

  it('gives tiktoken’s ids on 64 KB pieces of random bytes (cl100k_base and the trained vocabulary)', () => {
    for (const name of ['cl100k_base', 'trained']) {
      const v = vocabularies.find((x) => x.name === name)!;
      expectSameIds(v, pieceOf(pieceKinds(new Rng('bpe-merge-64k', name))['random bytes'], 64 << 10));
    }
  });

  it('breaks ties between pairs of the same rank leftmost first, like tiktoken', () => {
    // "aaa" has two "aa" pairs of equal rank: tiktoken merges the left one, giving [aa][a], not [a][aa].
    for (const v of vocabularies.slice(0, 5)) {
      expectSameIds(v, 'aaa');
      const aa = v.ranks.rank('aa');
      const a = v.ranks.rank('a');
      expect(Array.from(bytePairEncode(Buffer.from('aaa'), v.ranks))).toEqual(v.ranks.rank('aaa') >= 0 ? [v.ranks.rank('aaa')] : [aa, a]);
    }
  });
});

describe('encoding text with long pieces', () => {
  it('gives tiktoken’s ids and counts for text with pieces of up to 8 KB, in every built-in', () => {
    const rng = new Rng('long-pieces-in-text');
    const kinds = pieceKinds(rng);
    const text = [
      'Ordinary words first, then',
      pieceOf(kinds['random letters'], 8000),
      'and a DNA read',
      pieceOf(kinds.DNA, 3000),
      '\n',
      pieceOf(kinds.spaces, 3000),
      'x',
      pieceOf(kinds.hex, 700),
      pieceOf(kinds.CJK, 2000),
      pieceOf(kinds.emoji, 1000),
      pieceOf(() => '=', 600),
      'the end.',
    ].join(' ');
    for (const name of listEncodings()) {
      const ours = getEncoding(name);
      const raw = get_encoding(name as TiktokenEncoding);
      const expected = Array.from(raw.encode_ordinary(text));
      expect(Array.from(ours.encode(text)), name).toEqual(expected);
      expect(ours.count(text)).toBe(expected.length);
      ours.free();
      raw.free();
    }
  });

  it('encodes pieces of 1 MB of `a`, 4 MB of random letters and 4 MB of spaces in bounded time, decoding back to the text', () => {
    const enc = getEncoding('cl100k_base');
    const rng = new Rng('four-mb');
    const letters = pieceKinds(rng)['random letters'];
    // The curly quote makes the letters a string beyond Latin-1, where V8's regex itself would overflow on the
    // piece (bmp-twin.ts): both failures are covered.
    for (const text of ['a'.repeat(1 << 20), `“${pieceOf(letters, 4 << 20)}`, ' '.repeat(4 << 20)]) {
      // CPU time, not wall time: other work on a shared machine stretches the latter.
      const before = process.cpuUsage();
      const ids = enc.encode(text);
      const used = process.cpuUsage(before);
      // tiktoken traps on these; its quadratic merge would take hours. Ours: 0.5–4.5 s of CPU each.
      expect((used.user + used.system) / 1e6).toBeLessThan(60);
      // no token is longer than 128 bytes, and every one of these pieces merges somewhere
      expect(ids.length).toBeGreaterThanOrEqual(text.length / 128);
      expect(ids.length).toBeLessThan(text.length);
      expect(enc.decode(ids)).toBe(text);
    }
    enc.free();
  }, 240_000);
});
