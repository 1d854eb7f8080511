// The dedup report: what was removed and how big the duplicate clusters were, written to
// dedup/<stage>/report.json (and as stats counters), plus an optional clusters.jsonl dump of members
// (id + first line) for inspection. `readDedupReport(runDir)` collects the reports of every dedup stage.

import { existsSync, readdirSync, readFileSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import type { StatsRecorder } from '../core/stats.js';
import type { DedupLayout } from './layout.js';

export interface DedupReport {
  stage: string;
  type: 'minhash_dedup' | 'exact_dedup';
  /** Documents that reached the collect stage (all ranks). */
  documents: number;
  /** Documents with no signature (fewer units than one shingle): never near-deduped. */
  tooShort?: number;
  /** Documents the filter drops. */
  removed: number;
  /** Of those, documents removed because they match an index (earlier run). */
  removedByIndex: number;
  /** Groups with at least two members (clusters of near-duplicates / identical texts). */
  clusters: number;
  /** Cluster size → number of clusters, sizes bucketed as 2, 3-4, 5-8, …; counts this run's members only. */
  clusterSizes: Record<string, number>;
  /** Largest cluster (this run's members). */
  largestCluster: number;
  candidatePairs?: number;
  index: string[];
  /** Bytes of resident index per document in the clustering step. */
  indexBytesPerDoc?: number;
  params: Record<string, unknown>;
}

export function sizeBucket(size: number): string {
  if (size <= 2) return String(size);
  const hi = 2 ** Math.ceil(Math.log2(size));
  return `${hi / 2 + 1}-${hi}`;
}

export function addToHistogram(h: Record<string, number>, size: number, n = 1): void {
  const k = sizeBucket(size);
  h[k] = (h[k] ?? 0) + n;
}

/** Mirror the report's numbers into stats counters (`cluster_size:3-4`, `removed`, …). */
export function countReport(stats: StatsRecorder, r: DedupReport): void {
  stats.count(r.stage, 'dedup_documents', r.documents);
  stats.count(r.stage, 'dedup_removed', r.removed);
  stats.count(r.stage, 'dedup_removed_by_index', r.removedByIndex);
  stats.count(r.stage, 'dedup_clusters', r.clusters);
  if (r.tooShort !== undefined) stats.count(r.stage, 'dedup_too_short', r.tooShort);
  for (const [k, v] of Object.entries(r.clusterSizes)) stats.count(r.stage, `cluster_size:${k}`, v);
}

/** Every dedup stage's report in a run directory, keyed by stage name. */
export function readDedupReport(runDir: string): Record<string, DedupReport> {
  const root = path.join(runDir, 'dedup');
  const out: Record<string, DedupReport> = {};
  if (!existsSync(root)) return out;
  for (const stage of readdirSync(root).sort()) {
    const file = path.join(root, stage, 'report.json');
    if (existsSync(file)) out[stage] = JSON.parse(readFileSync(file, 'utf8')) as DedupReport;
  }
  return out;
}

export interface ClusterMember {
  rank: number;
  idx: number;
}

export interface ClusterToDump {
  /** In keep order: the first member is the one kept (unless the cluster matches the index). */
  members: ClusterMember[];
  matchesIndex: boolean;
}

/** First line of a document, trimmed and cut to 200 characters (for meta files). */
export function firstLine(text: string): string {
  const t = text.trimStart();
  const nl = t.indexOf('\n');
  return (nl < 0 ? t : t.slice(0, nl)).slice(0, 200);
}

/** Resolve members to (id, first line) from the meta files and write clusters.jsonl. */
export async function dumpClusters(layout: DedupLayout, clusters: ClusterToDump[]): Promise<void> {
  const wanted = new Map<number, Map<number, { id: string; first: string } | null>>();
  for (const c of clusters) for (const m of c.members) {
    let r = wanted.get(m.rank);
    if (!r) wanted.set(m.rank, (r = new Map()));
    r.set(m.idx, null);
  }
  for (const [rank, want] of wanted) {
    const file = layout.meta(rank);
    if (!existsSync(file)) continue;
    let idx = 0;
    for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
      if (want.has(idx)) {
        const m = JSON.parse(line) as { id: string; first: string };
        want.set(idx, m);
      }
      idx++;
    }
  }
  const lines = clusters.map((c) =>
    JSON.stringify({
      size: c.members.length,
      matchesIndex: c.matchesIndex,
      members: c.members.map((m, i) => {
        const meta = wanted.get(m.rank)?.get(m.idx);
        const kept = i === 0 && !c.matchesIndex;
        return { rank: m.rank, index: m.idx, kept, id: meta?.id ?? null, firstLine: meta?.first ?? null };
      }),
    }),
  );
  await writeFileAtomic(layout.clusters(), lines.join('\n') + (lines.length ? '\n' : ''));
}
