// `biglm report <run>…`: write report.html into a run directory (prepare, mix, mask or train) from the
// files the run left — the same page the run writes when it finishes, rewritten now (e.g. mid-run).

import { isRemote, joinLocation } from '../../storage/index.js';
import { openMirror, pushChanged } from '../../pipeline/runner/remote-run.js';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCommand, UsageError } from '../args.js';
import { NotARunError, writeRunReport } from '../../pipeline/report/index.js';
import { detectRunKind } from '../../pipeline/report/run-files.js';

export const REPORT_HELP = `biglm report <run dir>… 

Write <run dir>/report.html: a self-contained page (opens from the file, offline) with what the run did.
Prepared runs: the funnel of documents and characters through the stages, drops by reason with
examples, document lengths per source before and after filtering, languages with their scores,
duplicate clusters, tokens per source and shard, throughput per stage and every task on a timeline.
Mixed runs: requested against realized shares. Masked examples: rows, masked tokens, drops, shards.
Training runs: loss and held-out loss, learning rate, gradient norm, tokens/s, accuracy, and every
other metric in metrics.jsonl. Runs write it themselves when they finish; this rewrites it, also for an
unfinished run (from the tasks done so far). A folder of mixed runs (biglm mix --out) gets one per mixture.`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { positionals, wantsHelp } = parseCommand(argv, {}, REPORT_HELP);
  if (wantsHelp) {
    console.log(REPORT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`expected a run directory\n\n${REPORT_HELP}`);
  for (const dir of positionals) {
    // a run in a bucket: the report is written in a mirror of what it reads (not the shards) and uploaded
    const local = isRemote(dir) ? await openMirror(dir, { skip: (rel) => /^(shards|text|segments|dedup\/[^/]+\/(sigs|pairs|hashes|minima|keys))\//.test(rel) }) : path.resolve(dir);
    for (const run of await runsIn(local)) {
      const written = await writeRunReport(run);
      console.log(isRemote(dir) ? joinLocation(dir, path.relative(local, written)) : written);
    }
    if (isRemote(dir)) await pushChanged(local);
  }
  return 0;
}

/** The folder itself when it is a run; else the mixed runs directly inside it (a `biglm mix --out` folder). */
async function runsIn(dir: string): Promise<string[]> {
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`${dir} is not a folder; name a run directory`);
  if (await detectRunKind(dir)) return [dir];
  const inside: string[] = [];
  for (const e of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory() && !e.name.startsWith('.') && (await detectRunKind(path.join(dir, e.name))) === 'mix') inside.push(path.join(dir, e.name));
  }
  if (inside.length === 0) {
    throw new UsageError(new NotARunError(`${dir} is not a biglm run directory (no manifest.json, metrics.jsonl or plan.json), nor a folder of mixed runs`).message);
  }
  return inside;
}
