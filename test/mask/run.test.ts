import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMaskConfig } from '../../pipeline/mask/config.js';
import { IGNORE_LABEL } from '../../formats/examples/labels.js';
import { readExampleShard, type ExampleShard } from '../../formats/examples/shard.js';
import { runMask } from '../../pipeline/mask/run.js';
import type { ExamplesManifest } from '../../formats/examples/manifest.js';
import { rowSplitHash } from '../../pipeline/mask/shard.js';
import { memoryLogger } from '../../lib/log.js';
import { getEncoding } from '../../tokenizer/index.js';
import { brownParagraphs, gpt2Encoding, tokenizeDocs, writeTokenRun } from './fixtures.js';

const enc = gpt2Encoding();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'biglm-mask-'));
const runDir = path.join(tmp, 'run');
let shards: Uint32Array[][];

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(() => {
  const docs = tokenizeDocs(brownParagraphs(45));
  const third = Math.ceil(docs.length / 3);
  shards = [docs.slice(0, third), docs.slice(third, 2 * third), docs.slice(2 * third)];
  // Bad input in the last shard: no EOS at the end, and a token id outside the vocabulary.
  const noEos = docs[5].slice(0, -1);
  const outOfRange = docs[6].slice();
  outOfRange[3] = 60_000;
  shards[2] = [...shards[2].slice(0, 10), noEos, outOfRange, ...shards[2].slice(10)];
  writeTokenRun(runDir, shards, enc);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sharedData = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data');
const oscar = path.join(sharedData, 'jsonl/data.jsonl');

/** Original packed tokens of a row: labels where masked, inputs elsewhere. */
function originalRow(shard: ExampleShard, i: number): number[] {
  const out: number[] = [];
  for (let p = i * shard.seqLen; p < (i + 1) * shard.seqLen; p++) out.push(shard.labels[p] === IGNORE_LABEL ? shard.inputIds[p] : shard.labels[p]);
  return out;
}

describe('biglm mask on a prepared run (3 shards of real text)', () => {
  let manifest: ExamplesManifest;
  const out = path.join(tmp, 'biglm');
  const log = memoryLogger();
  beforeAll(async () => {
    manifest = await runMask({ run: runDir, out, config: resolveMaskConfig({ seed: 11 }), workers: 1, log });
  });

  it('writes a manifest with the objective, every masking parameter, tokenizer specials and the source hash', () => {
    expect(manifest.kind).toBe('biglm-examples');
    expect(manifest.objective).toBe('biglm');
    expect(manifest.seqLen).toBe(128);
    expect(manifest.seed).toBe(11);
    expect(manifest.masking).toEqual(resolveMaskConfig({ seed: 11 }));
    expect(manifest.masking.biglm).toMatchObject({ splitLow: 0.2, splitHigh: 0.8, sourceBase: 0.3, sourceSlope: 0.2, maxSpan: 3 });
    expect(manifest.tokenizer).toEqual({ name: 'gpt2', vocabSize: 50257, eosId: 50256, specials: { mask: 50257, bos: 50258, pad: 50259 }, embeddingSize: 50304 });
    expect(manifest.source.manifestSha256).toBe(sha256(path.join(runDir, 'manifest.json')));
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
  });

  it('lists every shard file with its rows, masked tokens and sha256', () => {
    expect(manifest.shards.map((s) => s.path)).toEqual(['examples/part-0.arrow', 'examples/part-1.arrow', 'examples/part-2.arrow']);
    for (const entry of [...manifest.shards, ...manifest.valid_shards]) {
      const file = path.join(out, entry.path);
      expect(sha256(file)).toBe(entry.sha256);
      const shard = readExampleShard(file);
      expect(shard.rows).toBe(entry.rows);
      expect(shard.seqLen).toBe(128);
      expect(shard.inputIds.length).toBe(entry.rows * 128);
      let masked = 0;
      for (const w of shard.lossWeights) if (w > 0) masked++;
      expect(masked).toBe(entry.maskedTokens);
    }
    const rows = [...manifest.shards, ...manifest.valid_shards].reduce((n, s) => n + s.rows, 0);
    expect(manifest.totals.rows).toBe(rows);
    expect(manifest.split.trainRows + manifest.split.validRows).toBe(rows);
  });

  it('counts every document: kept + dropped by reason = read, with short and bad documents named', () => {
    const t = manifest.totals;
    const all = shards.flat();
    expect(t.documents).toBe(all.length);
    expect(t.keptDocs + Object.values(t.dropped).reduce((a, b) => a + b, 0)).toBe(t.documents);
    const short = all.filter((d) => d[d.length - 1] === enc.eosId && d.length - 1 <= 20 && Math.max(...d) < enc.vocabSize).length;
    expect(short).toBeGreaterThan(50);
    expect(t.droppedShortDocs).toBe(short);
    expect(t.dropped).toEqual({ too_short: short, missing_eos: 1, token_out_of_range: 1 });
    expect(log.lines.filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(/part-0-2\.arrow: row 10: the token list does not end with EOS .*missing_eos/),
      expect.stringMatching(/part-0-2\.arrow: row 11: token id 60000 is outside the vocabulary .*token_out_of_range/),
    ]);
  });

  it('holds every kept document, in order, as [BOS] doc [EOS] across the train and validation rows', () => {
    const { bos, pad } = manifest.tokenizer.specials;
    for (let k = 0; k < 3; k++) {
      const train = readExampleShard(path.join(out, `examples/part-${k}.arrow`));
      const validFile = path.join(out, `valid/part-${k}.arrow`);
      const valid = existsSync(validFile) ? readExampleShard(validFile) : undefined;
      const stream: number[] = [];
      let ti = 0;
      let vi = 0;
      for (let row = 0; row < train.rows + (valid?.rows ?? 0); row++) {
        const toValid = rowSplitHash(11, k, row) < 0.01;
        const tokens = toValid ? originalRow(valid!, vi++) : originalRow(train, ti++);
        stream.push(...tokens.filter((t) => t !== pad));
      }
      expect([ti, vi]).toEqual([train.rows, valid?.rows ?? 0]);
      const expected = shards[k]
        .filter((d) => d[d.length - 1] === enc.eosId && d.length - 1 > 20 && Math.max(...d) < enc.vocabSize)
        .flatMap((d) => [bos, ...d]);
      expect(stream).toEqual(expected);
    }
  });

  it('holds out about 1 % of the rows for validation, and at least one', () => {
    expect(manifest.split.validRows).toBeGreaterThanOrEqual(1);
    expect(manifest.split.validRows / manifest.totals.rows).toBeLessThan(0.04);
    expect(manifest.valid_shards.every((s) => s.path.startsWith('valid/part-'))).toBe(true);
  });

  it('gives byte-identical output for the same seed, with any number of workers', async () => {
    const again = path.join(tmp, 'biglm-2-workers');
    const m2 = await runMask({ run: runDir, out: again, config: resolveMaskConfig({ seed: 11 }), workers: 2, log: memoryLogger() });
    for (const entry of [...manifest.shards, ...manifest.valid_shards]) {
      expect(readFileSync(path.join(again, entry.path)).equals(readFileSync(path.join(out, entry.path)))).toBe(true);
    }
    expect(readFileSync(path.join(again, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m2.shards.map((s) => s.sha256)).toEqual(manifest.shards.map((s) => s.sha256));
  });

  it('masks differently with another seed', async () => {
    const other = await runMask({ run: runDir, out: path.join(tmp, 'biglm-seed-12'), config: resolveMaskConfig({ seed: 12 }), log: memoryLogger() });
    expect(other.shards[0].sha256).not.toBe(manifest.shards[0].sha256);
    expect(other.totals.tokens).toBe(manifest.totals.tokens); // same packing, other masks
  });

  it('refuses to overwrite an output directory that already holds examples', async () => {
    await expect(runMask({ run: runDir, out, config: resolveMaskConfig({}), log: memoryLogger() })).rejects.toThrow(/already holds masked examples/);
  });
});

describe('biglm mask edge cases', () => {
  it('moves one row to validation when the hash picked none (a tiny run)', async () => {
    const tiny = path.join(tmp, 'tiny');
    const docs = tokenizeDocs(brownParagraphs(1)).filter((d) => d.length > 40).slice(0, 6);
    writeTokenRun(tiny, [docs], enc);
    const out = path.join(tmp, 'tiny-out');
    const m = await runMask({ run: tiny, out, config: resolveMaskConfig({ seqLen: 64 }), log: memoryLogger() });
    expect(m.totals.rows).toBeGreaterThanOrEqual(2);
    expect(m.split.validRows).toBe(1);
    expect(m.split.trainRows).toBe(m.totals.rows - 1);
    expect(m.split.movedToValid).not.toBeNull();
    const valid = readExampleShard(path.join(out, m.valid_shards[0].path));
    const train = readExampleShard(path.join(out, m.shards[0].path));
    expect([valid.rows, train.rows]).toEqual([1, m.totals.rows - 1]);
    expect(sha256(path.join(out, m.shards[0].path))).toBe(m.shards[0].sha256);
  });

  it('writes BERT and diffusion examples with full attention (role 2) and the objective in the manifest', async () => {
    for (const objective of ['bert', 'diffusion'] as const) {
      const out = path.join(tmp, objective);
      const m = await runMask({ run: runDir, out, config: resolveMaskConfig({ objective, seqLen: 256 }), log: memoryLogger() });
      expect([m.objective, m.seqLen]).toEqual([objective, 256]);
      const shard = readExampleShard(path.join(out, m.shards[0].path));
      let bad = 0;
      for (let p = 0; p < shard.roles.length; p++) if (shard.roles[p] !== (shard.segmentIds[p] === 0 ? 0 : 2)) bad++;
      expect(bad).toBe(0);
      expect(Array.from(shard.targetLengths).every((t) => t === 0)).toBe(true);
    }
  });

  it('fails with a clear message when the run has no manifest', async () => {
    await expect(runMask({ run: path.join(tmp, 'nowhere'), out: path.join(tmp, 'x'), config: resolveMaskConfig({}) })).rejects.toThrow(
      /manifest\.json does not exist: is .* a prepared run directory/,
    );
  });
});

describe('biglm mask on broken input', () => {
  it('names the shard that is not an Arrow file', async () => {
    const broken = path.join(tmp, 'broken');
    writeTokenRun(broken, [tokenizeDocs(brownParagraphs(1)).slice(0, 5)], enc);
    writeFileSync(path.join(broken, 'shards/part-0-0.arrow'), 'this is not arrow');
    await expect(runMask({ run: broken, out: path.join(tmp, 'broken-out'), config: resolveMaskConfig({}) })).rejects.toThrow(
      /part-0-0\.arrow: not a readable Arrow IPC file/,
    );
  });
});

/** Every non-pad token of a single-shard output, in row order (train and validation merged back). */
function unmaskedStream(out: string, m: ExamplesManifest): number[] {
  const train = readExampleShard(path.join(out, 'examples/part-0.arrow'));
  const valid = m.valid_shards.length ? readExampleShard(path.join(out, 'valid/part-0.arrow')) : undefined;
  const stream: number[] = [];
  let ti = 0;
  let vi = 0;
  for (let row = 0; row < m.totals.rows; row++) {
    const toValid = m.split.movedToValid ? row === m.split.movedToValid.row : rowSplitHash(m.seed, 0, row) < m.split.validFraction;
    stream.push(...(toValid ? originalRow(valid!, vi++) : originalRow(train, ti++)).filter((t) => t !== m.tokenizer.specials.pad));
  }
  return stream;
}

describe('biglm mask with a vocabulary over 65,536 ids', () => {
  it('reads List<Uint32> token shards (cl100k_base) and places the specials after the vocabulary', async () => {
    const cl = getEncoding('cl100k_base');
    try {
      const docs = tokenizeDocs(brownParagraphs(3), cl);
      const dir = path.join(tmp, 'cl100k');
      writeTokenRun(dir, [docs], cl);
      const out = path.join(tmp, 'cl100k-out');
      const m = await runMask({ run: dir, out, config: resolveMaskConfig({}), log: memoryLogger() });
      expect(m.tokenizer).toEqual({
        name: 'cl100k_base',
        vocabSize: 100277,
        eosId: 100257,
        specials: { mask: 100277, bos: 100278, pad: 100279 },
        embeddingSize: 100352,
      });
      const expected = docs.filter((d) => d.length - 1 > 20).flatMap((d) => [100278, ...d]);
      expect(unmaskedStream(out, m)).toEqual(expected);
    } finally {
      cl.free();
    }
  });
});

describe.skipIf(!existsSync(oscar))('biglm mask on multilingual web text (shared/data OSCAR sample)', () => {
  it('packs and masks English, Russian, French and Spanish web pages losing nothing', async () => {
    const cl = getEncoding('cl100k_base');
    try {
      const texts = readFileSync(oscar, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).content as string);
      expect(texts.length).toBe(63);
      const docs = tokenizeDocs(texts.slice(0, 30), cl); // the first 30 (en 12, ru 8, fr 7, es 3) keep the test quick
      const dir = path.join(tmp, 'oscar');
      writeTokenRun(dir, [docs], cl);
      const out = path.join(tmp, 'oscar-out');
      const m = await runMask({ run: dir, out, config: resolveMaskConfig({ seqLen: 512, seed: 2 }), log: memoryLogger() });
      const kept = docs.filter((d) => d.length - 1 > 20);
      expect(m.totals.keptDocs).toBe(kept.length);
      expect(m.totals.keptDocs + m.totals.droppedShortDocs).toBe(30);
      expect(unmaskedStream(out, m)).toEqual(kept.flatMap((d) => [m.tokenizer.specials.bos, ...d]));
      expect(m.totals.maskedTokens / m.totals.tokens).toBeGreaterThan(0.2);
      expect(m.totals.maskedTokens / m.totals.tokens).toBeLessThan(0.5);
    } finally {
      cl.free();
    }
  });
});
