// What `biglm inspect` shows of a run beyond the report: the records stages keep of their own — drop
// examples of the filters (per stage and reason) and the dedup reports (removed, cluster sizes).

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readDropExamples } from './filters/drop-examples.js';
import { readDedupReport } from './dedup/report.js';
import { formatExtractionReport, readExtractionReports } from './extract/report.js';

const EXAMPLE_CHARS = 160;

interface ClusterLine {
  size: number;
  matchesIndex: boolean;
  members: { kept: boolean; id: string | null; firstLine: string | null }[];
}

export async function inspectSections(runDir: string): Promise<string[]> {
  const out: string[] = [];
  const extraction = await readExtractionReports(runDir);
  if (extraction.length > 0) out.push(['html extraction (which step of the cascade gave the text)', ...extraction.flatMap((r) => formatExtractionReport(r))].join('\n') + '\n');
  const drops = await readDropExamples(runDir);
  if (Object.keys(drops).length > 0) {
    const lines = ['drops by filter and reason, with examples'];
    for (const [stage, s] of Object.entries(drops)) {
      lines.push(`  ${stage} (${s.in} documents in)`);
      const reasons = Object.entries(s.reasons).sort((a, b) => b[1].count - a[1].count);
      for (const [reason, r] of reasons) {
        lines.push(`    ${reason}: ${r.count}`);
        for (const ex of r.examples) {
          const text = ex.text.replace(/\s+/g, ' ').slice(0, EXAMPLE_CHARS);
          lines.push(`      · ${ex.id}${ex.url ? ` ${ex.url}` : ''}: ${text}${ex.text.length > EXAMPLE_CHARS ? '…' : ''}`);
        }
      }
    }
    out.push(lines.join('\n') + '\n');
  }
  const dedup = readDedupReport(runDir);
  if (Object.keys(dedup).length > 0) {
    const lines = ['deduplication'];
    for (const [stage, r] of Object.entries(dedup)) {
      const sizes = Object.entries(r.clusterSizes)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');
      lines.push(
        `  ${stage}: ${r.removed} of ${r.documents} documents removed` +
          `${r.removedByIndex ? ` (${r.removedByIndex} matching the index ${r.index.join(', ')})` : ''}, ` +
          `${r.clusters} clusters, largest ${r.largestCluster}${sizes ? `; cluster sizes ${sizes}` : ''}`,
      );
      const dump = path.join(runDir, 'dedup', stage, 'clusters.jsonl');
      if (!existsSync(dump)) {
        lines.push(`    (set "dumpClusters": true on ${stage} to see the members of each cluster)`);
        continue;
      }
      const clusters = readFileSync(dump, 'utf8').split('\n').filter(Boolean).slice(0, 3);
      for (const c of clusters.map((l) => JSON.parse(l) as ClusterLine)) {
        lines.push(`    cluster of ${c.size}${c.matchesIndex ? ' (matches the index)' : ''}:`);
        for (const m of c.members.slice(0, 4)) lines.push(`      ${m.kept ? 'kept   ' : 'removed'} ${m.id}: ${(m.firstLine ?? '').slice(0, 100)}`);
      }
    }
    out.push(lines.join('\n') + '\n');
  }
  return out;
}
