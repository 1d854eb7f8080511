import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/log.js';
import { Rng } from '../../lib/rng.js';
import { ExampleLoader, readShard, tokenizerRef } from '../../model/data.js';
import { readExamplesManifest } from '../../formats/examples/manifest.js';
import { makeRow, writeExamplesDir, writeShard } from './fixtures.js';

const MASK_STREAM_FIRST = 0.6393544161692262;
const VALID_STREAM_FIRST = 0.1550252370070666;
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
    expect(a.position).toEqual({ epoch: 0, window: 0, row: 15 }); // advances lazily, on the next read
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

  it('mixes rows of every shard from the first batches on, and resumes bit-exactly in the middle of a window', async () => {
    const mixed = path.join(dir, 'mixed');
    writeExamplesDir(mixed, { T, trainShards: 4, rowsPerShard: 40, validRows: 2, seed: 9 });
    const manifest = await readExamplesManifest(mixed);
    // Which shard each row's content comes from (rows are random walks: distinct with overwhelming odds).
    const shardOf = new Map<string, number>();
    manifest.shards.forEach((s, k) => {
      const rows = readShard(path.join(mixed, s.path), T, memoryLogger(), new Map());
      for (let r = 0; r < rows.rows; r++) shardOf.set(Array.from(rows.inputIds.subarray(r * T, (r + 1) * T)).join(','), k);
    });
    const open = (windowShards?: number) => new ExampleLoader({ dir: mixed, manifest, split: 'train', seed: 5, shuffle: true, windowShards, log: memoryLogger() });
    const shardsIn = (l: ExampleLoader, batches: number, B: number) => {
      const seen: number[] = [];
      for (let i = 0; i < batches; i++) {
        const b = l.nextBatch(B);
        for (let r = 0; r < B; r++) seen.push(shardOf.get(Array.from(b.inputIds.subarray(r * T, (r + 1) * T)).join(','))!);
      }
      return seen;
    };
    // 10 batches of 4 rows: 40 rows, as many as one shard holds.
    const first = shardsIn(open(), 10, 4);
    expect(new Set(first).size).toBeGreaterThanOrEqual(2);
    expect(first.every((k) => k !== undefined)).toBe(true);
    // Streaming one shard at a time would give 10 one-shard batches; mixed, most batches hold two shards or more.
    const mixedBatches = Array.from({ length: 10 }, (_, i) => new Set(first.slice(4 * i, 4 * i + 4)).size).filter((n) => n >= 2).length;
    expect(mixedBatches).toBeGreaterThanOrEqual(5);
    // Windows of 2 shards: each window's rows come from exactly its 2 shards, both present in its first 10 batches.
    const paired = shardsIn(open(2), 20, 4);
    expect(new Set(paired.slice(0, 40)).size).toBe(2);
    expect(new Set(paired.slice(40, 80)).size).toBe(2);
    // A full epoch (160 rows) visits every row once.
    const epoch = open();
    const all = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const b = epoch.nextBatch(4);
      for (let r = 0; r < 4; r++) all.add(Array.from(b.inputIds.subarray(r * T, (r + 1) * T)).join(','));
    }
    expect(all.size).toBe(160);
    // Resume at a position saved mid-window gives the same bytes as reading on.
    const a = open(2);
    for (let i = 0; i < 13; i++) a.nextBatch(3);
    const saved = a.position;
    const next = [a.nextBatch(5), a.nextBatch(5), a.nextBatch(5)];
    const b = open(2);
    b.position = saved;
    expect([b.nextBatch(5), b.nextBatch(5), b.nextBatch(5)]).toEqual(next);
  });

  it('gives neighbouring epochs unrelated shard orders (independent seed streams)', () => {
    const orders = Array.from({ length: 64 }, (_, e) => Rng.independent(1234, 'shards', e).shuffle([0, 1, 2, 3, 4, 5, 6, 7]).join(''));
    // 8! orders: two neighbours agreeing by chance has odds 1/40320 per pair.
    for (let e = 1; e < orders.length; e++) expect(orders[e], `epoch ${e}`).not.toBe(orders[e - 1]);
    // The first draw of neighbouring streams is spread over [0, 1), not clustered.
    const firsts = Array.from({ length: 1000 }, (_, e) => Rng.independent(7, 'rows', e, 0).next());
    const deciles = new Array(10).fill(0);
    for (const x of firsts) deciles[Math.floor(x * 10)]++;
    for (const d of deciles) expect(d).toBeGreaterThan(60);
  });

  it('leaves the stream prepare and mask draw from unchanged (their outputs stay byte-identical)', () => {
    // Values of new Rng(...) before Rng.independent was added.
    expect(new Rng(0, 'mask', 0, 0).next()).toBe(MASK_STREAM_FIRST);
    expect(new Rng(0, 'valid', 1, 2).next()).toBe(VALID_STREAM_FIRST);
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
