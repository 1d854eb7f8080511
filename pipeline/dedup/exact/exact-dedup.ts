// The `exact_dedup` stage type: removes documents whose normalized text is identical, keeping the
// smallest (fileIndex, position) of each group. Files-linked tasks, partitioned by hash:
//   collect (segment task r)           → hashes/part-<p>/<r>.hash  (96-bit hash, key, index; sorted)
//   <stage>.groups (one task per partition) → remove/part-<p>/<r>.rm, reports/part-<p>.json
//   <stage>.report (one task)          → report.json [, clusters.jsonl]
//   filter (this stage, segment task r) drops the listed documents.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Stage, StageDefinition, StageSetup } from '../../core/stage.js';
import type { StatsRecorder } from '../../core/stats.js';
import { writeFileAtomic, writeJsonAtomic } from '../../../lib/atomic.js';
import { DedupLayout } from '../layout.js';
import { normalizationSchema, normalizeText } from '../normalize.js';
import { radixSortRecords, U32Buffer } from '../machinery/radix-sort.js';
import { RecordKind, RecordStream, writeRecords } from '../machinery/record-file.js';
import { RecordMerger, type RecordOrder } from '../machinery/merge.js';
import { removalFilter, REMOVED_BY_INDEX, REMOVED_DUPLICATE } from '../filter.js';
import { resolveIndexSources, type IndexSource } from '../index-runs.js';
import { addToHistogram, countReport, dumpClusters, firstLine, type ClusterMember, type DedupReport } from '../report.js';
import { removeOwnTemps } from '../files.js';

export const exactSchema = z
  .object({
    normalization: normalizationSchema.prefault({}).describe('Text normalization before hashing (whitespace is always collapsed).'),
    partitions: z.number().int().min(1).max(4096).default(16).describe('Hash partitions = tasks of the groups step.'),
    index: z.array(z.string()).default([]).describe('Finished earlier runs (run dirs or dedup/<stage> folders) whose texts count as already seen.'),
    dumpClusters: z.boolean().default(false).describe('Write dedup/<stage>/clusters.jsonl with every group of identical documents.'),
  })
  .strict();
export type ExactOptions = z.output<typeof exactSchema>;

const WIDTH = 6; // h0, h1, h2, fileIndex, position, index

function hashing(o: ExactOptions): Record<string, unknown> {
  return { normalization: o.normalization, partitions: o.partitions, hash: 'sha256/96', version: 1 };
}

function exactCollect(options: ExactOptions, setup: StageSetup): Stage {
  return async function* collect(docs, ctx) {
    const layout = new DedupLayout(setup.runDir, setup.stageName);
    const P = options.partitions;
    const parts = Array.from({ length: P }, () => new U32Buffer(1024));
    const meta: string[] = [];
    let idx = 0;
    for await (const doc of docs) {
      const d = createHash('sha256').update(normalizeText(doc.text, options.normalization)).digest();
      const h0 = d.readUInt32LE(0), h1 = d.readUInt32LE(4), h2 = d.readUInt32LE(8);
      parts[h0 % P].push(h0, h1, h2, doc.fileIndex, doc.position, idx);
      if (options.dumpClusters) meta.push(JSON.stringify({ id: doc.id, first: firstLine(doc.text) }));
      idx++;
      yield doc;
    }
    for (let p = 0; p < P; p++) {
      const sorted = radixSortRecords(parts[p].view(), WIDTH, [0, 1, 2, 3, 4]);
      writeRecords(layout.hashes(p, ctx.rank), RecordKind.Hashes, WIDTH, sorted, { docCount: idx, part: p, rank: ctx.rank });
    }
    if (options.dumpClusters) await writeFileAtomic(layout.meta(ctx.rank), meta.join('\n') + (meta.length ? '\n' : ''));
    await writeJsonAtomic(layout.params(), { type: 'exact_dedup', worldSize: ctx.worldSize, hashing: hashing(options) });
  };
}

interface PartReport {
  documents: number;
  removed: number;
  removedByIndex: number;
  clusters: number;
  clusterSizes: Record<string, number>;
  largestCluster: number;
  dump?: { members: ClusterMember[]; matchesIndex: boolean }[];
}

function runGroups(layout: DedupLayout, options: ExactOptions, p: number, worldSize: number, index: IndexSource[]): PartReport {
  const sources: { file: string; producer: { stageName: string; step: null; rank: number }; isIndex: boolean }[] = [];
  for (let r = 0; r < worldSize; r++) sources.push({ file: layout.hashes(p, r), producer: { stageName: layout.stageName, step: null, rank: r }, isIndex: false });
  for (const ix of index) for (let r = 0; r < ix.worldSize; r++) sources.push({ file: ix.layout.hashes(p, r), producer: { stageName: `${ix.dir} (index)`, step: null, rank: r }, isIndex: true });
  // within a hash group: index documents first, then by (fileIndex, position): the first is the keeper
  const order: RecordOrder = (a, ai, as, b, bi, bs) =>
    a[ai] - b[bi] || a[ai + 1] - b[bi + 1] || a[ai + 2] - b[bi + 2] ||
    Number(sources[bs].isIndex) - Number(sources[as].isIndex) || a[ai + 3] - b[bi + 3] || a[ai + 4] - b[bi + 4] || as - bs;
  const chunk = Math.max(1024, Math.min(1 << 15, Math.floor((1 << 24) / sources.length)));
  const streams: RecordStream[] = [];
  const removals: number[][] = Array.from({ length: worldSize }, () => []);
  const docCounts = new Array<number>(worldSize).fill(0);
  const rep: PartReport = { documents: 0, removed: 0, removedByIndex: 0, clusters: 0, clusterSizes: {}, largestCluster: 0 };
  if (options.dumpClusters) rep.dump = [];
  try {
    for (const s of sources) streams.push(new RecordStream(s.file, s.producer, RecordKind.Hashes, chunk));
    streams.forEach((s, i) => {
      if (i < worldSize) docCounts[i] = s.header.docCount;
    });
    const merger = new RecordMerger(streams, order);
    let have = false, h0 = 0, h1 = 0, h2 = 0, groupIsIndex = false, members = 0;
    let dumpMembers: ClusterMember[] = [];
    const close = () => {
      if (!have) return;
      if (!groupIsIndex && members >= 2) {
        rep.clusters++;
        addToHistogram(rep.clusterSizes, members);
        rep.largestCluster = Math.max(rep.largestCluster, members);
      }
      if (rep.dump && (members >= 2 || (groupIsIndex && members >= 1))) rep.dump.push({ members: dumpMembers, matchesIndex: groupIsIndex });
    };
    while (merger.next()) {
      const d = merger.data, at = merger.at, src = merger.source;
      const isIndex = sources[src].isIndex;
      if (!(have && d[at] === h0 && d[at + 1] === h1 && d[at + 2] === h2)) {
        close();
        have = true;
        [h0, h1, h2] = [d[at], d[at + 1], d[at + 2]];
        groupIsIndex = isIndex;
        members = 0;
        dumpMembers = [];
        if (!isIndex) {
          members = 1;
          if (rep.dump) dumpMembers.push({ rank: src, idx: d[at + 5] });
        }
        continue;
      }
      if (isIndex) continue; // another index copy of an index text
      members++;
      if (rep.dump) dumpMembers.push({ rank: src, idx: d[at + 5] });
      // idx * 2 + reason sorts by idx and keeps the reason
      removals[src].push(d[at + 5] * 2 + (groupIsIndex ? REMOVED_BY_INDEX : REMOVED_DUPLICATE));
      rep.removed++;
      if (groupIsIndex) rep.removedByIndex++;
    }
    close();
  } finally {
    for (const s of streams) s.close();
  }
  for (let r = 0; r < worldSize; r++) {
    const sorted = Float64Array.from(removals[r]).sort();
    const words = new Uint32Array(sorted.length * 2);
    sorted.forEach((v, i) => {
      words[2 * i] = Math.floor(v / 2);
      words[2 * i + 1] = v % 2;
    });
    const target = layout.partRemovals(p, r);
    removeOwnTemps(target);
    writeRecords(target, RecordKind.Removals, 2, words, { docCount: docCounts[r], part: p, rank: r });
  }
  rep.documents = p === 0 ? docCounts.reduce((a, b) => a + b, 0) : 0;
  return rep;
}

async function runReport(layout: DedupLayout, options: ExactOptions, stats: StatsRecorder, index: string[]): Promise<DedupReport> {
  const report: DedupReport = {
    stage: layout.stageName, type: 'exact_dedup', documents: 0, removed: 0, removedByIndex: 0, clusters: 0,
    clusterSizes: {}, largestCluster: 0, index, params: hashing(options),
  };
  const dump: { members: ClusterMember[]; matchesIndex: boolean }[] = [];
  for (let p = 0; p < options.partitions; p++) {
    const part = JSON.parse(readFileSync(layout.partReport(p), 'utf8')) as PartReport;
    report.documents += part.documents;
    report.removed += part.removed;
    report.removedByIndex += part.removedByIndex;
    report.clusters += part.clusters;
    report.largestCluster = Math.max(report.largestCluster, part.largestCluster);
    for (const [k, v] of Object.entries(part.clusterSizes)) report.clusterSizes[k] = (report.clusterSizes[k] ?? 0) + v;
    if (part.dump) dump.push(...part.dump);
  }
  if (options.dumpClusters) await dumpClusters(layout, dump);
  await writeJsonAtomic(layout.report(), report);
  countReport(stats, report);
  return report;
}

export const exactDedup: StageDefinition<typeof exactSchema> = {
  type: 'exact_dedup',
  description: 'Exact duplicate removal: 96-bit hash of the normalized text; keeps the first document of each group by (file, position).',
  schema: exactSchema,
  create(options, setup) {
    const layout = new DedupLayout(setup.runDir, setup.stageName);
    return removalFilter(
      setup.stageName,
      (rank) =>
        Array.from({ length: options.partitions }, (_, p) => ({
          file: layout.partRemovals(p, rank),
          producer: { stageName: setup.stageName, step: `${setup.stageName}.groups`, rank: p },
        })),
      ['exact_dedup:duplicate', 'exact_dedup:matches_index'],
    );
  },
  barrier: {
    collect: exactCollect,
    steps(options, setup) {
      const layout = new DedupLayout(setup.runDir, setup.stageName);
      const index = resolveIndexSources(options.index, setup.configDir, setup.stageName, 'exact_dedup', hashing(options));
      return [
        {
          name: 'groups',
          worldSize: options.partitions,
          run: async (p) => {
            const rep = runGroups(layout, options, p, setup.segmentWorldSize, index);
            await writeJsonAtomic(layout.partReport(p), rep);
          },
        },
        {
          name: 'report',
          worldSize: 1,
          run: async (_rank, ctx) => {
            await runReport(layout, options, ctx.stats, index.map((i) => i.dir));
          },
        },
      ];
    },
  },
};
