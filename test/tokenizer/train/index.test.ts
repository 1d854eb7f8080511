import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Tiktoken } from 'tiktoken';
import { memoryLogger } from '../../../lib/log.js';
import { Rng } from '../../../lib/rng.js';
import { getEncoding } from '../../../tokenizer/index.js';
import { CL100K_PATTERN } from '../../../tokenizer/pattern.js';
import { readCorpus, resolveInputs } from '../../../tokenizer/train/corpus.js';
import { countPieces, trainTokenizer } from '../../../tokenizer/train/index.js';
import { tokenizerCommand } from '../../../cli/commands/tokenizer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'biglm-bpe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['the', 'tokenizer', 'learns', 'merges', 'from', 'text', 'and', 'a', 'model', 'reads', 'tokens', 'Überraschung', 'naïve', '東京', '2024', "it's", 'e-mail'];
function prose(rng: Rng, sentences: number): string {
  let s = '';
  for (let i = 0; i < sentences; i++) {
    const n = rng.int(3, 12);
    const words = Array.from({ length: n }, () => WORDS[rng.int(0, WORDS.length)]);
    s += words.join(' ') + (rng.next() < 0.2 ? '.\n\n' : '. ');
  }
  return s;
}

const rng = new Rng('bpe-corpus');
const jsonl = path.join(dir, 'docs.jsonl');
writeFileSync(
  jsonl,
  [
    ...Array.from({ length: 200 }, () => JSON.stringify({ id: 'x', text: prose(rng, 8) })),
    '{"text": broken',
    JSON.stringify({ id: 'no text' }),
  ].join('\n') + '\n',
);
const textFile = path.join(dir, 'notes.txt');
writeFileSync(textFile, prose(rng, 300));
const quiet = memoryLogger();

describe('training a tokenizer', () => {
  it('writes the same rank file twice for the same input (byte for byte)', async () => {
    const a = await trainTokenizer({ inputs: [jsonl, textFile], out: path.join(dir, 'a'), vocabSize: 320 }, quiet);
    const b = await trainTokenizer({ inputs: [jsonl, textFile], out: path.join(dir, 'b'), vocabSize: 320 }, quiet);
    expect(readFileSync(a.rankFile).equals(readFileSync(b.rankFile))).toBe(true);
    expect(a.sidecar.ranks).toBe(319);
    expect(a.sidecar.specialTokens).toEqual({ '<|endoftext|>': 319 });
    expect(a.sidecar.training).toMatchObject({ documents: 201, vocabSize: 320, skipped: { invalid_json: 1, missing_text: 1 } });
  });

  it('warns about bad JSONL lines with file and line number', () => {
    expect(quiet.lines).toContain(`warning: ${jsonl}:202: no string \`text\` field; skipped (missing_text)`);
    expect(quiet.lines.some((l) => l.startsWith(`warning: ${jsonl}:201: not JSON`))).toBe(true);
  });

  it('loads through tiktoken: round trips, EOS after the ranks, checksum of the rank file', () => {
    const enc = getEncoding(path.join(dir, 'a'));
    try {
      const rankFile = path.join(dir, 'a', 'tokenizer.tiktoken');
      expect(enc.name).toBe('a');
      expect(enc.source).toBe('trained');
      expect(enc.vocabSize).toBe(320);
      expect(enc.eosId).toBe(319);
      expect(enc.specials).toEqual({ mask: 320, bos: 321, pad: 322 });
      expect(enc.embeddingSize).toBe(384);
      expect(enc.checksum).toBe(createHash('sha256').update(readFileSync(rankFile)).digest('hex'));
      const again = getEncoding(rankFile);
      expect(again.checksum).toBe(enc.checksum);
      again.free();
      const s = "The tokenizer learns merges. it's 東京 🙂 <|endoftext|>";
      expect(enc.decode(enc.encode(s))).toBe(s);
      expect([...enc.encode(' tokenizer')]).toHaveLength(1); // a frequent word became one token
      expect(enc.decode([enc.eosId])).toBe('<|endoftext|>');
    } finally {
      enc.free();
    }
  });

  it('encodes a trained vocabulary exactly as tiktoken does with the same files', () => {
    const sidecar = JSON.parse(readFileSync(path.join(dir, 'a', 'tokenizer.json'), 'utf8'));
    const raw = new Tiktoken(readFileSync(path.join(dir, 'a', 'tokenizer.tiktoken'), 'utf8'), sidecar.specialTokens, sidecar.pattern);
    const enc = getEncoding(path.join(dir, 'a'));
    try {
      const text = readFileSync(textFile, 'utf8') + " Überraschung!! it'S 12345 \r\n\t 🙂";
      expect([...enc.encode(text)]).toEqual([...raw.encode_ordinary(text)]);
    } finally {
      enc.free();
      raw.free();
    }
  });

  it('splits the o200k way when asked', async () => {
    const r = await trainTokenizer({ inputs: [textFile], out: path.join(dir, 'o'), vocabSize: 300, pattern: 'o200k_base', name: 'tiny-o200k' }, quiet);
    expect(r.sidecar.patternName).toBe('o200k_base');
    const enc = getEncoding(path.join(dir, 'o'));
    expect(enc.name).toBe('tiny-o200k');
    expect(enc.decode(enc.encode('Überraschung 2024')).toString()).toBe('Überraschung 2024');
    enc.free();
  });

  it('reads a run directory’s text/*.jsonl, gzipped or not', async () => {
    const run = path.join(dir, 'run');
    mkdirSync(path.join(run, 'text'), { recursive: true });
    writeFileSync(path.join(run, 'text', 'part-1.jsonl.gz'), gzipSync(JSON.stringify({ text: 'gzipped words' }) + '\n'));
    writeFileSync(path.join(run, 'text', 'part-0.jsonl'), JSON.stringify({ text: 'plain words' }) + '\n');
    writeFileSync(path.join(run, 'manifest.json'), '{}');
    expect(resolveInputs([run])).toEqual([path.join(run, 'text', 'part-0.jsonl'), path.join(run, 'text', 'part-1.jsonl.gz')]);
    const texts: string[] = [];
    for await (const t of readCorpus(resolveInputs([run]), { documents: 0, bytes: 0, skipped: {} }, quiet)) texts.push(t);
    expect(texts).toEqual(['plain words', 'gzipped words']);
  });

  it('cuts large text files only where the pieces come out the same as for the whole file', async () => {
    const big = path.join(dir, 'big.txt');
    const content = prose(new Rng('big'), 40_000);
    writeFileSync(big, content);
    const chunks: string[] = [];
    for await (const t of readCorpus([big], { documents: 0, bytes: 0, skipped: {} }, quiet)) chunks.push(t);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(content);
    const streamed = await countPieces(chunks, CL100K_PATTERN);
    const whole = await countPieces([content], CL100K_PATTERN);
    expect(streamed.pieces).toBe(whole.pieces);
    expect([...streamed.counts].sort()).toEqual([...whole.counts].sort());
  });

  it('bounds memory by pruning the rarest pieces, keeping frequent ones exact', async () => {
    const letters = (i: number) => [i % 26, Math.floor(i / 26) % 26, Math.floor(i / 676)].map((d) => String.fromCharCode(97 + d)).join('');
    const texts = Array.from({ length: 3000 }, (_, i) => `the model reads tok${letters(i)} `);
    const { counts, pieces, pruned } = await countPieces(texts, CL100K_PATTERN, 256, 1000);
    expect(counts.size).toBeLessThanOrEqual(1000);
    expect(counts.get(' model')).toBe(3000);
    expect(counts.get('the')).toBe(3000);
    expect(pruned.distinct).toBeGreaterThan(1500);
    // Every counted occurrence is either still held or accounted for as pruned.
    expect([...counts.values()].reduce((a, b) => a + b, 0) + pruned.occurrences).toBe(pieces);
  });

  it('is reachable as `biglm tokenizer train`', async () => {
    const out = path.join(dir, 'cli');
    expect(await tokenizerCommand(['train', textFile, '--out', out, '--vocab-size', '300'])).toBe(0);
    expect(readFileSync(path.join(out, 'tokenizer.tiktoken'), 'utf8').split('\n')[256]).toMatch(/^\S+ 256$/);
    expect(await tokenizerCommand(['train', textFile])).toBe(2);
    expect(await tokenizerCommand(['train', textFile, '--out', out, '--vocab-size', 'many'])).toBe(1);
    expect(await tokenizerCommand(['nope'])).toBe(2);
  });
});
