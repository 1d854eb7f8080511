import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync, rmSync, readdirSync, statSync, truncateSync } from 'node:fs';
import * as path from 'node:path';
import { readDedupReport, CorruptTaskOutputError, minhashDedup } from '../../pipeline/dedup/index.js';
import { markerPath, runDedupLocally } from '../helpers/run-dedup-locally.js';
import { DedupLayout } from '../../pipeline/dedup/layout.js';
import { doc, tempRun, dealByFile, keptIds, brownTexts, sharedData } from './helpers.js';
import type { Doc } from '../../pipeline/core/doc.js';

const brown = brownTexts();
const para = (i: number) => brown[i].text.split('\n').slice(0, 6).join('\n');

/** 40 real documents: 0..29 distinct Brown excerpts, then near and exact copies and bad input. */
function corpus(): Doc[] {
  const docs: Doc[] = [];
  for (let i = 0; i < 30; i++) docs.push(doc(`orig-${i}`, para(i), i % 7, Math.floor(i / 7) * 3));
  const near = (i: number) => para(i).replace(/\bthe\b/, 'a').replace(/\./, ' indeed.');
  // orig-i sits at (i % 7, 3·⌊i/7⌋): the copies below come later, except early-copy-12
  docs.push(doc('near-3', near(3), 6, 100), doc('near-17', near(17), 6, 1));
  docs.push(doc('copy-5', para(5).toUpperCase(), 6, 200));
  docs.push(doc('early-copy-12', para(12), 0, 0)); // sorts before orig-12 (5, 3): this one is kept
  docs.push(doc('empty-a', '', 2, 300), doc('empty-b', '', 3, 300), doc('short-a', 'four words only here', 4, 300), doc('short-b', 'four words only here', 5, 300));
  return docs;
}

describe('minhash_dedup end to end', () => {
  it('removes near and exact copies, keeps the first by (file, position), leaves short documents alone', async () => {
    const run = tempRun();
    const res = await runDedupLocally(dealByFile(corpus(), 2), { type: 'minhash_dedup', dumpClusters: true }, run);
    const kept = keptIds(res.kept);
    for (const gone of ['near-3', 'near-17', 'copy-5', 'orig-12']) expect(kept).not.toContain(gone);
    for (const stays of ['orig-3', 'orig-17', 'orig-5', 'early-copy-12', 'empty-a', 'empty-b', 'short-a', 'short-b']) expect(kept).toContain(stays);
    expect(kept.length).toBe(38 - 4);
    const drops = res.stats.stages.minhash_dedup.dropped;
    expect(drops['minhash_dedup:near_duplicate']).toBe(4);
    expect(res.report.removed).toBe(4);
    expect(res.report.tooShort).toBe(4);
    expect(res.report.clusterSizes).toEqual({ '2': 4 });
    expect(res.stats.stages.minhash_dedup.counters['cluster_size:2']).toBe(4);
    expect(readDedupReport(run).minhash_dedup.documents).toBe(38);
    const clusters = readFileSync(path.join(run, 'dedup/minhash_dedup/clusters.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(clusters).toHaveLength(4);
    const c12 = clusters.find((c) => c.members.some((m: { id: string }) => m.id === 'orig-12'));
    expect(c12.members[0]).toMatchObject({ id: 'early-copy-12', kept: true });
    expect(c12.members[1]).toMatchObject({ id: 'orig-12', kept: false });
    expect(c12.members[0].firstLine.length).toBeGreaterThan(10);
  });

  it('keeps the same documents with 1, 2 and 4 ranks', async () => {
    const results = [];
    for (const ranks of [1, 2, 4]) results.push(keptIds((await runDedupLocally(dealByFile(corpus(), ranks), { type: 'minhash_dedup' }, tempRun())).kept));
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('plans one buckets task per band and one clustering task', () => {
    const steps = minhashDedup.barrier!.steps(minhashDedup.schema.parse({}), { runDir: '/r', stageName: 'mh', configDir: '/r', seed: 0, segmentWorldSize: 3 });
    expect(steps.map((s) => [s.name, s.worldSize])).toEqual([['buckets', 14], ['clusters', 1]]);
  });

  it('rejects misspelt options', () => {
    expect(() => minhashDedup.schema.parse({ band: 10 })).toThrow(/band/);
  });
});

describe('minhash_dedup after failures', () => {
  it('reruns a step killed mid-way (stale temp file, no marker) to the same result', async () => {
    const run = tempRun();
    const ranks = dealByFile(corpus(), 2);
    const first = keptIds((await runDedupLocally(ranks, { type: 'minhash_dedup' }, run)).kept);
    const layout = new DedupLayout(run, 'minhash_dedup');
    // the clustering task died after writing one removal list's temp file and before its marker
    rmSync(markerPath(run, 'minhash_dedup.clusters', 0));
    rmSync(layout.removals(1));
    writeFileSync(path.join(path.dirname(layout.removals(1)), `.${path.basename(layout.removals(1))}.999.x.tmp`), 'half');
    // and a buckets task died before its marker
    rmSync(markerPath(run, 'minhash_dedup.buckets', 5));
    const second = await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);
    expect(keptIds(second.kept)).toEqual(first);
    expect(readdirSync(path.dirname(layout.removals(1))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('detects a corrupted signature file by checksum and names the file and the producing task', async () => {
    const run = tempRun();
    const ranks = dealByFile(corpus(), 2);
    await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);
    const layout = new DedupLayout(run, 'minhash_dedup');
    const sig = layout.sig(3, 1);
    const bytes = readFileSync(sig);
    bytes[bytes.length - 5] ^= 0xff; // flip bits inside a record
    writeFileSync(sig, bytes);
    const step = minhashDedup.barrier!.steps(minhashDedup.schema.parse({}), { runDir: run, stageName: 'minhash_dedup', configDir: run, seed: 0, segmentWorldSize: 2 })[0];
    const err = await step.run(3, { runDir: run, stats: new (await import('../../pipeline/core/stats.js')).StatsRecorder(), log: console, signal: new AbortController().signal, seed: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(CorruptTaskOutputError);
    expect(err.file).toBe(sig);
    expect(err.producer).toEqual({ stageName: 'minhash_dedup', step: null, rank: 1 });
    expect(err.message).toMatch(/checksum mismatch/);
    // what an executor sees after the error crossed a worker thread: a plain Error with the message
    const rebuilt = CorruptTaskOutputError.from(structuredClone(err));
    expect(rebuilt).toMatchObject({ file: sig, producer: { stageName: 'minhash_dedup', step: null, rank: 1 } });
    expect(CorruptTaskOutputError.from(new Error('something else'))).toBeNull();
  });

  it('reruns the producing task when a signature file is truncated, instead of using bad data', async () => {
    const run = tempRun();
    const ranks = dealByFile(corpus(), 2);
    const clean = keptIds((await runDedupLocally(ranks, { type: 'minhash_dedup' }, tempRun())).kept);
    // finish collect, then truncate one signature file before the global steps run
    await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);
    const layout = new DedupLayout(run, 'minhash_dedup');
    truncateSync(layout.sig(0, 0), statSync(layout.sig(0, 0)).size - 7);
    for (const s of ['minhash_dedup.buckets', 'minhash_dedup.clusters']) rmSync(path.join(run, 'markers', s), { recursive: true, force: true });
    const res = await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);
    expect(res.reruns).toEqual(['minhash_dedup.collect/0']);
    expect(keptIds(res.kept)).toEqual(clean);
  });

  it('refuses a segment whose document count differs from what collect saw', async () => {
    const run = tempRun();
    const ranks = dealByFile(corpus(), 1);
    await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);
    const filter = minhashDedup.create(minhashDedup.schema.parse({}), { runDir: run, stageName: 'minhash_dedup', configDir: run, seed: 0 });
    const { StatsRecorder } = await import('../../pipeline/core/stats.js');
    async function* fewer() {
      yield* ranks[0].slice(1);
    }
    const ctx = { rank: 0, worldSize: 1, runDir: run, stageName: 'minhash_dedup', stats: new StatsRecorder(), log: console, signal: new AbortController().signal, seed: 0 };
    await expect(async () => {
      for await (const _ of filter(fewer(), ctx)) void _;
    }).rejects.toThrow(/segment holds 37 documents but the dedup collect stage saw 38/);
  });
});

describe('minhash_dedup against an earlier run (index)', () => {
  it('removes new documents that match the index and never outputs index documents', async () => {
    const old = tempRun();
    const oldDocs = [0, 1, 2, 3].map((i) => doc(`old-${i}`, para(i), 0, i));
    await runDedupLocally([oldDocs], { type: 'minhash_dedup' }, old);
    const fresh = [
      doc('new-copy-of-old-1', para(1).replace(/\./, ' again.'), 0, 0),
      doc('new-unique-40', para(40), 0, 1),
      doc('new-copy-of-old-3', para(3), 1, 0),
      doc('new-unique-41', para(41), 1, 1),
      doc('new-dup-of-41', para(41), 1, 2),
    ];
    const res = await runDedupLocally(dealByFile(fresh, 2), { type: 'minhash_dedup', index: [old] }, tempRun());
    expect(keptIds(res.kept)).toEqual(['new-unique-40', 'new-unique-41']);
    expect(res.report.removedByIndex).toBe(2);
    expect(res.stats.stages.minhash_dedup.dropped).toEqual({ 'minhash_dedup:matches_index': 2, 'minhash_dedup:near_duplicate': 1 });
  });

  it('refuses an index built with other hashing options', async () => {
    const old = tempRun();
    await runDedupLocally([[doc('a', para(0), 0, 0)]], { type: 'minhash_dedup', seed: 7 }, old);
    await expect(runDedupLocally([[doc('b', para(1), 0, 0)]], { type: 'minhash_dedup', index: [old] }, tempRun())).rejects.toThrow(/hashing options differ/);
  });
});

describe.skipIf(!existsSync(path.join(sharedData, 'dedup/cs336-fuzzy-duplicates')))('CS336 fuzzy duplicates (shared data)', () => {
  it('keeps one of the two MIT licences and the BSD-style PyTorch licence', async () => {
    const dir = path.join(sharedData, 'dedup/cs336-fuzzy-duplicates');
    const files = readdirSync(dir).sort();
    const docs = files.map((f, i) => doc(f, readFileSync(path.join(dir, f), 'utf8'), i, 0));
    const res = await runDedupLocally([docs], { type: 'minhash_dedup' }, tempRun());
    expect(keptIds(res.kept)).toEqual(['pytorch_license.txt', 'rails_mit_license.txt']);
  });
});

describe('minhash_dedup candidate verification', () => {
  it('names the minima file and its producer when a record fails its check word', async () => {
    const run = tempRun();
    const ranks = dealByFile(corpus(), 2);
    await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);
    const layout = new DedupLayout(run, 'minhash_dedup');
    const res = await runDedupLocally(ranks, { type: 'minhash_dedup' }, tempRun());
    // corrupt every minima record of rank 0 (any candidate pair touching rank 0 must notice)
    const f = layout.minima(0);
    const bytes = readFileSync(f);
    for (let i = 64; i < bytes.length; i += 4 * 113) bytes[i] ^= 0x55;
    writeFileSync(f, bytes);
    const step = minhashDedup.barrier!.steps(minhashDedup.schema.parse({}), { runDir: run, stageName: 'minhash_dedup', configDir: run, seed: 0, segmentWorldSize: 2 })[0];
    const { StatsRecorder } = await import('../../pipeline/core/stats.js');
    const errors = [];
    for (let b = 0; b < 14; b++) {
      errors.push(await step.run(b, { runDir: run, stats: new StatsRecorder(), log: console, signal: new AbortController().signal, seed: 0 }).catch((e) => e));
    }
    const err = errors.find((e) => e instanceof CorruptTaskOutputError);
    expect(err?.file).toBe(f);
    expect(err?.message).toMatch(/fails its check word/);
    expect(res.report.removed).toBe(4);
  });

  it('lets plain LSH (verifyThreshold 0) report at least the verified pairs', async () => {
    const verified = await runDedupLocally(dealByFile(corpus(), 2), { type: 'minhash_dedup' }, tempRun());
    const plain = await runDedupLocally(dealByFile(corpus(), 2), { type: 'minhash_dedup', verifyThreshold: 0 }, tempRun());
    expect(plain.report.removed).toBeGreaterThanOrEqual(verified.report.removed);
    expect(plain.stats.stages.minhash_dedup.counters.minhash_pairs_rejected ?? 0).toBe(0);
  });
});
