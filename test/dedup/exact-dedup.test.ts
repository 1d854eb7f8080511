import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exactDedup } from '../../pipeline/dedup/index.js';
import { runDedupLocally } from '../helpers/run-dedup-locally.js';
import { DedupLayout } from '../../pipeline/dedup/layout.js';
import { doc, tempRun, dealByFile, keptIds, brownTexts } from './helpers.js';
import type { Doc } from '../../pipeline/core/doc.js';

const brown = brownTexts();
const para = (i: number) => brown[i].text.split('\n').slice(0, 3).join('\n');

function corpus(): Doc[] {
  const docs = Array.from({ length: 12 }, (_, i) => doc(`orig-${i}`, para(i), i % 5, i));
  docs.push(
    doc('same-2-other-case', para(2).toUpperCase() + '  \n', 4, 50), // normalization makes it identical
    doc('same-2-earlier', para(2), 0, 0), // orig-2 is (2, 2): this one is kept
    doc('same-7-twice-a', para(7), 3, 60),
    doc('same-7-twice-b', para(7), 3, 61), // orig-7 is (2, 7): kept
    doc('near-9', para(9) + ' one more word', 4, 70), // near, not exact: stays
    doc('empty-a', '', 3, 80),
    doc('empty-b', '   ', 1, 80),
  );
  return docs;
}

describe('exact_dedup', () => {
  it('removes identical normalized texts, keeping the smallest (file, position)', async () => {
    const res = await runDedupLocally(dealByFile(corpus(), 2), { type: 'exact_dedup', partitions: 4, dumpClusters: true }, tempRun());
    const kept = keptIds(res.kept);
    for (const gone of ['same-2-other-case', 'orig-2', 'same-7-twice-a', 'same-7-twice-b', 'empty-a']) expect(kept).not.toContain(gone);
    for (const stays of ['same-2-earlier', 'orig-7', 'near-9', 'empty-b']) expect(kept).toContain(stays);
    expect(kept).toHaveLength(19 - 5);
    expect(res.stats.stages.exact_dedup.dropped).toEqual({ 'exact_dedup:duplicate': 5 });
    expect(res.report).toMatchObject({ documents: 19, removed: 5, clusters: 3, clusterSizes: { '2': 1, '3-4': 2 }, largestCluster: 3 });
    expect(res.steps).toEqual([{ name: 'exact_dedup.groups', worldSize: 4 }, { name: 'exact_dedup.report', worldSize: 1 }]);
  });

  it('dumps each group with the kept document first', async () => {
    const run = tempRun();
    await runDedupLocally(dealByFile(corpus(), 3), { type: 'exact_dedup', partitions: 2, dumpClusters: true }, run);
    const groups = readFileSync(path.join(run, 'dedup/exact_dedup/clusters.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const g2 = groups.find((g) => g.members.some((m: { id: string }) => m.id === 'orig-2'));
    expect(g2.members.map((m: { id: string }) => m.id)).toEqual(['same-2-earlier', 'orig-2', 'same-2-other-case']);
    expect(g2.members[0].kept).toBe(true);
  });

  it('keeps the same documents with 1, 2 and 4 ranks and any partition count', async () => {
    const base = keptIds((await runDedupLocally(dealByFile(corpus(), 1), { type: 'exact_dedup', partitions: 1 }, tempRun())).kept);
    for (const [ranks, partitions] of [[2, 3], [4, 16]]) {
      expect(keptIds((await runDedupLocally(dealByFile(corpus(), ranks), { type: 'exact_dedup', partitions }, tempRun())).kept)).toEqual(base);
    }
  });

  it('reruns the groups task when a hash file is corrupted', async () => {
    const run = tempRun();
    const ranks = dealByFile(corpus(), 2);
    const clean = keptIds((await runDedupLocally(ranks, { type: 'exact_dedup', partitions: 2 }, tempRun())).kept);
    // collect ran; corrupt one hash file before the global steps
    const layout = new DedupLayout(run, 'exact_dedup');
    await runDedupLocally(ranks, { type: 'exact_dedup', partitions: 2 }, run);
    const f = layout.hashes(1, 1);
    const bytes = readFileSync(f);
    bytes[70] ^= 1;
    writeFileSync(f, bytes);
    const { rmSync } = await import('node:fs');
    rmSync(path.join(run, 'markers/exact_dedup.groups'), { recursive: true });
    rmSync(path.join(run, 'markers/exact_dedup.report'), { recursive: true });
    const res = await runDedupLocally(ranks, { type: 'exact_dedup', partitions: 2 }, run);
    expect(res.reruns).toEqual(['exact_dedup.collect/1']);
    expect(keptIds(res.kept)).toEqual(clean);
  });

  it('dedups against an earlier run given as index', async () => {
    const old = tempRun();
    await runDedupLocally([[doc('old-0', para(0), 0, 0), doc('old-1', para(1), 0, 1)]], { type: 'exact_dedup' }, old);
    const res = await runDedupLocally(
      [[doc('new-1', para(1), 0, 0), doc('new-5', para(5), 0, 1), doc('new-5-again', para(5), 0, 2)]],
      { type: 'exact_dedup', index: [old] },
      tempRun(),
    );
    expect(keptIds(res.kept)).toEqual(['new-5']);
    expect(res.stats.stages.exact_dedup.dropped).toEqual({ 'exact_dedup:matches_index': 1, 'exact_dedup:duplicate': 1 });
  });

  it('has a strict schema with defaults', () => {
    expect(exactDedup.schema.parse({})).toMatchObject({ partitions: 16, index: [], dumpClusters: false });
    expect(() => exactDedup.schema.parse({ partition: 3 })).toThrow();
  });
});
