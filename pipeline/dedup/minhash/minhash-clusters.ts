// MinHash clusters step (one task): union-find over the candidate pairs of every band, keeping the
// smallest (fileIndex, position) of each cluster. All index documents collapse into one virtual node
// that sorts first: a new document is removed iff its cluster holds an index document or a document
// before it — the same answer as with one node per index document, at no memory cost for the index.
// Resident index: order keys (8 B) + parent (4 B) + cluster size (4 B) = 16 bytes per document.

import { writeJsonAtomic } from '../../../lib/atomic.js';
import type { StatsRecorder } from '../../core/stats.js';
import { DedupLayout } from '../layout.js';
import { RecordKind, RecordStream, readHeader, readRecords, writeRecords, CorruptTaskOutputError } from '../machinery/record-file.js';
import { KeepOrderUnionFind } from '../machinery/union-find.js';
import { addToHistogram, countReport, dumpClusters, type ClusterToDump, type DedupReport } from '../report.js';
import { removeOwnTemps } from '../files.js';
import { REMOVED_BY_INDEX, REMOVED_DUPLICATE } from '../filter.js';
import type { MinHashOptions } from './minhash-options.js';
import { hashingOptions } from './minhash-options.js';


export async function runClusters(
  layout: DedupLayout,
  options: MinHashOptions,
  worldSize: number,
  bucketsStep: string,
  stats: StatsRecorder,
  indexDirs: string[],
): Promise<DedupReport> {
  // order keys of every document, rank-major: global id = offset[rank] + index
  const offsets = new Float64Array(worldSize + 1);
  const parts: Uint32Array[] = [];
  for (let r = 0; r < worldSize; r++) {
    const { header, data } = readRecords(layout.keys(r), { stageName: layout.stageName, step: null, rank: r }, RecordKind.Keys);
    parts.push(data);
    offsets[r + 1] = offsets[r] + header.docCount;
  }
  const n = offsets[worldSize];
  if (n + 1 > 0xffffffff) throw new Error(`${layout.stageName}: ${n} documents exceed the 2^32 − 2 a clustering task supports; split the run`);
  const keys = new Uint32Array(2 * n);
  parts.forEach((p, r) => keys.set(p, 2 * offsets[r]));
  parts.length = 0;
  const INDEX = n;
  const less = (a: number, b: number): boolean => {
    if (a === INDEX) return true;
    if (b === INDEX) return false;
    const d = keys[2 * a] - keys[2 * b] || keys[2 * a + 1] - keys[2 * b + 1];
    return d !== 0 ? d < 0 : a < b;
  };
  const uf = new KeepOrderUnionFind(n + 1, less);

  let candidatePairs = 0;
  for (let b = 0; b < options.bands; b++) {
    const file = layout.pairs(b);
    const producer = { stageName: layout.stageName, step: bucketsStep, rank: b };
    const s = new RecordStream(file, producer, RecordKind.Pairs);
    const globalId = (src: number, idx: number): number => {
      if (src >= worldSize) return INDEX;
      if (idx >= offsets[src + 1] - offsets[src]) throw new CorruptTaskOutputError(file, producer, `pair names document ${idx} of rank ${src}, which has ${offsets[src + 1] - offsets[src]}`);
      return offsets[src] + idx;
    };
    while (s.refill()) {
      const d = s.data;
      for (let i = 0; i < s.end; i += 4) uf.union(globalId(d[i], d[i + 1]), globalId(d[i + 2], d[i + 3]));
      candidatePairs += s.end / 4;
    }
  }

  const size = new Uint32Array(n + 1);
  for (let g = 0; g <= n; g++) {
    const root = uf.find(g);
    uf.parent[g] = root; // full compression: later passes read parent[g] as the root
    size[root]++;
  }
  const indexBytesPerDoc = n > 0 ? (keys.byteLength + uf.parent.byteLength + size.byteLength) / n : 0;

  const clusterSizes: Record<string, number> = {};
  let clusters = 0, largest = 0, removed = 0;
  for (let g = 0; g < n; g++) {
    if (uf.parent[g] === g && size[g] >= 2) {
      clusters++;
      addToHistogram(clusterSizes, size[g]);
      largest = Math.max(largest, size[g]);
    }
  }
  const removedByIndex = size[INDEX] - 1;
  const dump = new Map<number, ClusterToDump>();
  for (let r = 0; r < worldSize; r++) {
    const list: number[] = [];
    for (let g = offsets[r]; g < offsets[r + 1]; g++) {
      const root = uf.parent[g];
      if (options.dumpClusters && size[root] >= 2) {
        let c = dump.get(root);
        if (!c) dump.set(root, (c = { members: [], matchesIndex: root === INDEX }));
        c.members.push({ rank: r, idx: g - offsets[r] });
      }
      if (root !== g) list.push(g - offsets[r], root === INDEX ? REMOVED_BY_INDEX : REMOVED_DUPLICATE);
    }
    removed += list.length / 2;
    const target = layout.removals(r);
    removeOwnTemps(target);
    writeRecords(target, RecordKind.Removals, 2, Uint32Array.from(list), { docCount: offsets[r + 1] - offsets[r], part: 0, rank: r });
  }

  let tooShort = 0;
  for (let r = 0; r < worldSize; r++) {
    const h = readHeader(layout.sig(0, r), { stageName: layout.stageName, step: null, rank: r }, RecordKind.Signatures);
    tooShort += h.docCount - h.count;
  }
  const report: DedupReport = {
    stage: layout.stageName,
    type: 'minhash_dedup',
    documents: n,
    tooShort,
    removed,
    removedByIndex,
    clusters,
    clusterSizes,
    largestCluster: largest,
    candidatePairs,
    index: indexDirs,
    indexBytesPerDoc,
    params: hashingOptions(options),
  };
  if (options.dumpClusters) {
    const global = (m: { rank: number; idx: number }) => offsets[m.rank] + m.idx;
    const list = [...dump.values()].filter((c) => c.members.length >= 2 || c.matchesIndex);
    for (const c of list) c.members.sort((a, b) => (less(global(a), global(b)) ? -1 : 1));
    list.sort((a, b) => (a.matchesIndex !== b.matchesIndex ? (a.matchesIndex ? -1 : 1) : less(global(a.members[0]), global(b.members[0])) ? -1 : 1));
    await dumpClusters(layout, list);
  }
  await writeJsonAtomic(layout.report(), report);
  countReport(stats, report);
  return report;
}
