// report.html of a run directory — prepare, mix, mask or train — drawn from the files the run left, so
// finalize, `biglm report RUN` and the jobs service all write the same page with one call:
// `writeRunReport(runDir)`. Self-contained: inline CSS, inline SVG charts, a few lines of inline script.

import * as path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { detectRunKind, readPrepareFiles, type RunKind } from './run-files.js';
import { page, type Section } from './html.js';
import { dropsSection, examplesSection, funnelSection, stageOrder, summarySection } from './prepare-funnel.js';
import { dedupSection, languagesSection, lengthsSection, tokensSection } from './prepare-data.js';
import { throughputSection } from './throughput.js';
import { mixSections } from './mix-sections.js';
import { maskSections } from './mask-sections.js';
import { trainSections } from './train-sections.js';
import { reportPath } from './report-path.js';

export { REPORT_FILE, reportPath } from './report-path.js';

export class NotARunError extends Error {}

async function prepareSections(runDir: string): Promise<Section[]> {
  const files = await readPrepareFiles(runDir);
  const order = stageOrder(files.stats, files.config);
  const dedupStages = (files.config?.stages ?? []).filter((s) => /dedup/.test(s.type)).map((s) => s.name);
  const thresholds: Record<string, number> = {};
  for (const s of files.config?.stages ?? []) if (s.type === 'language_id' && typeof s.options.threshold === 'number') thresholds[s.name] = s.options.threshold;
  const sections: (Section | undefined)[] = [
    summarySection(files, runDir),
    funnelSection(files, order),
    dropsSection(files),
    await examplesSection(files, runDir, dedupStages),
    lengthsSection(files.stats),
    languagesSection(files.stats, thresholds),
    await dedupSection(runDir),
    tokensSection(files),
    throughputSection(files.stats, order, files.tasks),
  ];
  return sections.filter((s): s is Section => s !== undefined);
}

const TITLES: Record<RunKind, string> = {
  prepare: 'prepared run',
  mix: 'mixed run',
  mask: 'masked examples',
  train: 'training run',
};

/** The report's HTML for a run directory. Throws NotARunError when the folder holds no run. */
export async function renderRunReport(runDir: string): Promise<{ html: string; kind: RunKind }> {
  const dir = path.resolve(runDir);
  const kind = await detectRunKind(dir);
  if (!kind) {
    throw new NotARunError(`${dir} is not a biglm run directory (no manifest.json, metrics.jsonl or plan.json); name the folder a prepare, mix, mask or train command wrote`);
  }
  const sections =
    kind === 'prepare' ? await prepareSections(dir) : kind === 'mix' ? await mixSections(dir) : kind === 'mask' ? await maskSections(dir) : await trainSections(dir);
  const html = page({ title: `biglm report: ${path.basename(dir)}`, subtitle: `${TITLES[kind]} · ${dir}`, kind, sections });
  return { html, kind };
}

/** Writes `<runDir>/report.html` (temporary name, then renamed) and returns its path. */
export async function writeRunReport(runDir: string): Promise<string> {
  const { html } = await renderRunReport(runDir);
  const file = reportPath(path.resolve(runDir));
  await writeFileAtomic(file, html);
  return file;
}
