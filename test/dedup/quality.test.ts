// Quality of MinHash dedup on real text (the Brown corpus) with injected near-duplicates of known
// similarity, against brute-force exact Jaccard over all document pairs; and what it catches on the
// labelled plagiarism corpus. Prints an evaluation table.

import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MinHasher, jaccard, shingleSet } from '../../pipeline/dedup/index.js';
import { runDedupLocally } from '../helpers/run-dedup-locally.js';
import { minhashParams, minhashSchema } from '../../pipeline/dedup/minhash/minhash-options.js';
import { DedupLayout } from '../../pipeline/dedup/layout.js';
import { readRecords, RecordKind } from '../../pipeline/dedup/machinery/record-file.js';
import { Rng } from '../../lib/rng.js';
import { doc, tempRun, brownTexts, sharedData } from './helpers.js';
import type { Doc } from '../../pipeline/core/doc.js';

const BOILERPLATE = [
  'Subscribe to our newsletter for weekly updates and special offers delivered to your inbox',
  'Copyright all rights reserved reproduction without written permission is prohibited',
  'Share this article with your friends on social media and leave a comment below',
  'Click here to read more stories from our archive of past issues and special reports',
];

/** ~2,000 base documents: each Brown file cut into 4 parts of whole paragraphs. */
function baseDocs(): string[] {
  const out: string[] = [];
  for (const { text } of brownTexts()) {
    const paras = text.split('\n');
    const per = Math.ceil(paras.length / 4);
    for (let k = 0; k < 4; k++) {
      const part = paras.slice(k * per, (k + 1) * per).join('\n');
      if (part.split(' ').length >= 60) out.push(part);
    }
  }
  return out;
}

type Edit = (words: string[], rng: Rng, vocab: string[]) => string[];
const substitute = (rate: number): Edit => (w, rng, vocab) => w.map((x) => (rng.next() < rate ? vocab[rng.int(0, vocab.length)] : x));
const insert = (rate: number): Edit => (w, rng, vocab) => w.flatMap((x) => (rng.next() < rate ? [x, vocab[rng.int(0, vocab.length)]] : [x]));
const boilerplate: Edit = (w, rng) => [...BOILERPLATE[rng.int(0, 2)].split(' '), ...w, ...BOILERPLATE[2 + rng.int(0, 2)].split(' ')];
const EDITS: [string, Edit][] = [
  ['substitute 1%', substitute(0.01)], ['substitute 2%', substitute(0.02)], ['substitute 4%', substitute(0.04)],
  ['substitute 7%', substitute(0.07)], ['substitute 12%', substitute(0.12)], ['insert 2%', insert(0.02)],
  ['insert 5%', insert(0.05)], ['boilerplate swap', boilerplate],
];

/** Exact Jaccard of every pair sharing at least one shingle (all other pairs have Jaccard 0). */
function bruteForceJaccard(sets: Set<string>[]): Map<string, number> {
  const postings = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const sh of s) {
      let p = postings.get(sh);
      if (!p) postings.set(sh, (p = []));
      p.push(i);
    }
  });
  const inter = new Map<string, number>();
  for (const p of postings.values()) {
    if (p.length > 50) continue; // a shingle in > 50 docs is boilerplate; the pairs it links are counted below
    for (let a = 0; a < p.length; a++) for (let b = a + 1; b < p.length; b++) {
      const k = `${p[a]},${p[b]}`;
      inter.set(k, (inter.get(k) ?? 0) + 1);
    }
  }
  const out = new Map<string, number>();
  for (const k of inter.keys()) {
    const [a, b] = k.split(',').map(Number);
    out.set(k, jaccard(sets[a], sets[b])); // exact, recomputed on the full sets
  }
  return out;
}

describe('MinHash quality on the Brown corpus with injected near-duplicates', () => {
  it('has recall ≥ 0.90 on pairs with Jaccard ≥ 0.85 and precision ≥ 0.95 on reported pairs', async () => {
    const base = baseDocs();
    expect(base.length).toBeGreaterThanOrEqual(1900);
    const rng = new Rng('dedup-quality', 1);
    const vocab = [...new Set(base.join(' ').split(/\s+/))];
    const texts = [...base];
    const editOf: string[] = base.map(() => 'original');
    for (let i = 0; i < 480; i++) {
      const [name, edit] = EDITS[i % EDITS.length];
      const src = rng.int(0, base.length);
      texts.push(edit(base[src].split(/(?<=\S)\s+/), rng, vocab).join(' '));
      editOf.push(name);
    }
    expect(texts.length).toBeGreaterThanOrEqual(2000);
    // documents interleaved over 3 ranks like 3 input files
    const docs: Doc[] = texts.map((t, i) => doc(`d${i}`, t, i % 3, Math.floor(i / 3)));
    const ranks: Doc[][] = [0, 1, 2].map((r) => docs.filter((d) => d.fileIndex === r));
    const run = tempRun();
    const res = await runDedupLocally(ranks, { type: 'minhash_dedup' }, run);

    const hasher = new MinHasher(minhashParams(minhashSchema.parse({})));
    const truth = bruteForceJaccard(texts.map((t) => shingleSet(hasher, t)));

    // reported pairs: the candidate pairs the buckets step wrote (deduplicated across bands)
    const layout = new DedupLayout(run, 'minhash_dedup');
    const global = (src: number, idx: number) => Number(ranks[src][idx].id.slice(1));
    const reported = new Set<string>();
    for (let b = 0; b < 14; b++) {
      const { data } = readRecords(layout.pairs(b), { stageName: 'minhash_dedup', step: 'buckets', rank: b }, RecordKind.Pairs);
      for (let i = 0; i < data.length; i += 4) {
        const [x, y] = [global(data[i], data[i + 1]), global(data[i + 2], data[i + 3])].sort((p, q) => p - q);
        reported.add(`${x},${y}`);
      }
    }
    const correct = [...reported].filter((k) => (truth.get(k) ?? 0) >= 0.7).length;
    const precision = correct / reported.size;

    // recall: a pair with Jaccard ≥ 0.85 is found when both documents end in one cluster
    const keptIds = new Set(res.kept.flat().map((d) => d.id));
    const parent = new Map<number, number>();
    const find = (x: number): number => (parent.has(x) && parent.get(x) !== x ? find(parent.get(x)!) : x);
    for (const k of reported) {
      const [a, b] = k.split(',').map(Number);
      const [ra, rb] = [find(a), find(b)];
      if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
    }
    const bins = [[0.5, 0.6], [0.6, 0.7], [0.7, 0.75], [0.75, 0.8], [0.8, 0.85], [0.85, 0.9], [0.9, 1.01]];
    const lines: string[] = [];
    let hi = 0, hiFound = 0;
    for (const [lo, up] of bins) {
      const pairs = [...truth].filter(([, j]) => j >= lo && j < up);
      const found = pairs.filter(([k]) => {
        const [a, b] = k.split(',').map(Number);
        return find(a) === find(b);
      }).length;
      if (lo >= 0.85) {
        hi += pairs.length;
        hiFound += found;
      }
      lines.push(`  Jaccard [${lo.toFixed(2)}, ${Math.min(up, 1).toFixed(2)}): ${String(pairs.length).padStart(4)} pairs, found ${found} (${pairs.length ? ((100 * found) / pairs.length).toFixed(1) : '-'} %)`);
    }
    const recall = hiFound / hi;
    const byEdit = new Map<string, [number, number]>();
    texts.forEach((_, i) => {
      const e = byEdit.get(editOf[i]) ?? [0, 0];
      e[0]++;
      if (!keptIds.has(`d${i}`)) e[1]++;
      byEdit.set(editOf[i], e);
    });
    console.log(
      [
        `MinHash dedup evaluation: ${texts.length} documents (${base.length} Brown parts + ${texts.length - base.length} injected copies), 14×8 bands, 5-word shingles`,
        ...lines,
        `  recall (Jaccard ≥ 0.85): ${recall.toFixed(3)}   precision of ${reported.size} reported pairs (true Jaccard ≥ 0.7): ${precision.toFixed(3)}`,
        `  removed: ${res.report.removed}; by edit kind (documents, removed): ${[...byEdit].map(([k, [n, r]]) => `${k} ${r}/${n}`).join(', ')}`,
      ].join('\n'),
    );
    expect(hi).toBeGreaterThan(100);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });
});

const plagiarism = path.join(sharedData, 'dedup/plagiarised-short-answers');
describe.skipIf(!existsSync(plagiarism))('the labelled plagiarised short answers corpus (shared data)', () => {
  it('flags near-verbatim copies of the source text and never independent answers', async () => {
    const rows = readFileSync(path.join(plagiarism, 'file_information.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const originals = ['a', 'b', 'c', 'd', 'e'].map((t, i) => doc(`orig_task${t}.txt`, readFileSync(path.join(plagiarism, `orig_task${t}.txt`), 'latin1'), 0, i));
    const answers = rows.map(([file], i) => doc(file, readFileSync(path.join(plagiarism, file), 'latin1'), 1, i));
    const run = tempRun();
    await runDedupLocally([originals, answers], { type: 'minhash_dedup', dumpClusters: true }, run);
    const clusters = readFileSync(path.join(run, 'dedup/minhash_dedup/clusters.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const clusterOf = new Map<string, number>();
    clusters.forEach((c, k) => c.members.forEach((m: { id: string }) => clusterOf.set(m.id, k)));
    const hasher = new MinHasher(minhashParams(minhashSchema.parse({})));
    const table: Record<string, { n: number; caught: number; jaccard: number[] }> = {};
    for (const [file, task, category] of rows) {
      const orig = `orig_task${task}.txt`;
      const caught = clusterOf.has(file) && clusterOf.get(file) === clusterOf.get(orig);
      const j = jaccard(shingleSet(hasher, answers.find((d) => d.id === file)!.text), shingleSet(hasher, originals.find((d) => d.id === orig)!.text));
      const t = (table[category] ??= { n: 0, caught: 0, jaccard: [] });
      t.n++;
      if (caught) t.caught++;
      t.jaccard.push(j);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      'Plagiarised short answers (Clough & Stevenson): answer clustered with its source text\n' +
        Object.entries(table)
          .map(([c, t]) => `  ${c.padEnd(6)} ${t.caught}/${t.n} caught; 5-shingle Jaccard to source: median ${median(t.jaccard).toFixed(2)}, max ${Math.max(...t.jaccard).toFixed(2)}`)
          .join('\n'),
    );
    expect(table.non.caught).toBe(0);
    expect(table.heavy.caught).toBeLessThanOrEqual(table.light.caught);
    expect(table.cut.caught).toBeGreaterThan(table.heavy.caught);
  });
});
