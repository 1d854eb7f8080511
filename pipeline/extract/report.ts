// What html_extract keeps of a run for `biglm inspect`: per rank, how many HTML pages each step of the
// cascade handled (main extractor, Readability, jusText, baseline, recall retry) and the first pages
// that needed a fallback, in <runDir>/extract/<stage>/<rank>.json; read back merged over the ranks.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DropExample } from '../filters/define-filter.js';

export const EXTRACTION_EXAMPLES = 3;

export interface ExtractionReport {
  stage: string;
  /** HTML pages the stage saw. */
  pages: number;
  /** Pages by the step that gave their text (main, readability, justext, baseline, recall, recall_justext). */
  paths: Record<string, number>;
  /** Pages by drop reason (timeout, empty, too_large, not_html). */
  dropped: Record<string, number>;
  /** First pages per fallback step. */
  examples: Record<string, DropExample[]>;
}

export function reportFile(runDir: string, stage: string, rank: number): string {
  return path.join(runDir, 'extract', stage, `${rank}.json`);
}

/** Reports of every html_extract stage of a run, ranks merged in order. */
export async function readExtractionReports(runDir: string): Promise<ExtractionReport[]> {
  const root = path.join(runDir, 'extract');
  let stages: string[];
  try {
    stages = (await fs.readdir(root)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ExtractionReport[] = [];
  for (const stage of stages) {
    const files = (await fs.readdir(path.join(root, stage))).filter((f) => /^\d+\.json$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    const acc: ExtractionReport = { stage, pages: 0, paths: {}, dropped: {}, examples: {} };
    for (const f of files) {
      const r = JSON.parse(await fs.readFile(path.join(root, stage, f), 'utf8')) as ExtractionReport;
      acc.pages += r.pages;
      for (const [k, n] of Object.entries(r.paths)) acc.paths[k] = (acc.paths[k] ?? 0) + n;
      for (const [k, n] of Object.entries(r.dropped)) acc.dropped[k] = (acc.dropped[k] ?? 0) + n;
      for (const [k, list] of Object.entries(r.examples)) {
        const mine = (acc.examples[k] ??= []);
        for (const ex of list) if (mine.length < EXTRACTION_EXAMPLES) mine.push(ex);
      }
    }
    if (files.length) out.push(acc);
  }
  return out;
}

/** The report as lines for `biglm inspect`. */
export function formatExtractionReport(r: ExtractionReport, exampleChars = 160): string[] {
  const share = (n: number) => `${n} (${((100 * n) / Math.max(r.pages, 1)).toFixed(1)}%)`;
  const lines = [`  ${r.stage}: ${r.pages} HTML pages`];
  const paths = Object.entries(r.paths).sort((a, b) => b[1] - a[1]);
  lines.push(`    text from: ${paths.map(([k, n]) => `${k} ${share(n)}`).join(', ') || 'no page'}`);
  const dropped = Object.entries(r.dropped).sort((a, b) => b[1] - a[1]);
  if (dropped.length) lines.push(`    dropped: ${dropped.map(([k, n]) => `${k.replace(/^.*:/, '')} ${share(n)}`).join(', ')}`);
  for (const [step, list] of Object.entries(r.examples)) {
    lines.push(`    fell back to ${step}, e.g.:`);
    for (const ex of list) lines.push(`      · ${ex.id}${ex.url ? ` ${ex.url}` : ''}: ${ex.text.replace(/\s+/g, ' ').slice(0, exampleChars)}`);
  }
  return lines;
}
