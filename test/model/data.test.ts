import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../pipeline/core/log.js';
import { Rng } from '../../pipeline/core/rng.js';
import { ExampleLoader, readExamplesManifest, tokenizerRef } from '../../model/data.js';
import { makeRow, writeExamplesDir, writeShard } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'biglm-data-'));
const T = 16;

describe('reading masked example shards', () => {
  beforeAll(() => writeExamplesDir(dir, { T, trainShards: 3, rowsPerShard: 5, validRows: 3, seed: 1 }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const loader = async (seed: number) =>
    new ExampleLoader({ dir, manifest: await readExamplesManifest(dir), split: 'train', seed, shuffle: true, log: memoryLogger() });

  it('visits every row once per epoch, in an order fixed by the seed', async () => {
    const a = await loader(7);
    const firstOfRow = (b: { inputIds: Int32Array }) => Array.from({ length: b.inputIds.length / T }, (_, r) => Array.from(b.inputIds.subarray(r * T, (r + 1) * T)).join(','));
    const epoch = firstOfRow(a.nextBatch(15));
    expect(new Set(epoch).size).toBe(15);
    expect(a.position).toEqual({ epoch: 0, shard: 2, row: 5 }); // advances lazily, on the next read
    expect(firstOfRow(a.nextBatch(15)).sort()).toEqual([...epoch].sort());
    expect(a.position.epoch).toBe(1);
    const b = await loader(7);
    expect(firstOfRow(b.nextBatch(15))).toEqual(epoch);
    const c = await loader(8);
    expect(firstOfRow(c.nextBatch(15))).not.toEqual(epoch);
  });

  it('continues from a saved position exactly as an uninterrupted reader', async () => {
    const a = await loader(3);
    a.nextBatch(4);
    a.nextBatch(4);
    const saved = a.position;
    const next = [a.nextBatch(4), a.nextBatch(4)];
    const b = await loader(3);
    b.position = saved;
    expect([b.nextBatch(4), b.nextBatch(4)]).toEqual(next);
  });

  it('warns about a row of the wrong length, naming file and row, and skips it', async () => {
    const bad = makeRow(new Rng(2), T, 2);
    bad.input_ids.pop();
    writeShard(path.join(dir, 'train-0.arrow'), [makeRow(new Rng(1), T, 2), bad, makeRow(new Rng(3), T, 2)]);
    const log = memoryLogger();
    const manifest = await readExamplesManifest(dir);
    const l = new ExampleLoader({ dir, manifest, split: 'train', seed: 1, shuffle: false, log });
    l.nextBatch(3);
    expect(log.lines).toEqual([`warning: ${path.join(dir, 'train-0.arrow')}: row 1: input_ids has ${T - 1} values, expected seqLen ${T}; row skipped`]);
    expect(l.dropped.get('data:bad_row_length')).toBe(1);
  });

  it('finds the tokenizer to load: a trained vocabulary through the source run, else the name', async () => {
    const manifest = await readExamplesManifest(dir);
    expect(await tokenizerRef(dir, manifest)).toBe('toy');
    const run = path.join(dir, 'run');
    mkdirSync(run, { recursive: true });
    writeFileSync(path.join(run, 'manifest.json'), JSON.stringify({ tokenizer: { name: 'toy', path: 'tokenizer' } }));
    expect(await tokenizerRef(dir, { ...manifest, source: { run } } as typeof manifest)).toBe(path.join(run, 'tokenizer'));
    expect(await tokenizerRef(dir, { ...manifest, tokenizer: { ...manifest.tokenizer, path: 'vocab' } } as typeof manifest)).toBe(path.join(dir, 'vocab'));
  });

  it('refuses a directory whose manifest is not an examples manifest', async () => {
    const other = path.join(dir, 'other');
    await expect(readExamplesManifest(other)).rejects.toThrow(/cannot read examples manifest/);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ kind: 'biglm-tokens' }));
    await expect(readExamplesManifest(dir)).rejects.toThrow(/kind/);
  });
});
