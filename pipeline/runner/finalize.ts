// The last step of a run: merge every task's stats into stats.json, check that every document read is
// accounted for, and write manifest.json. The manifest holds no timings or dates, so the same input,
// config and seed give a byte-identical manifest whatever the worker count.

import { promises as fs } from 'node:fs';
import { inputBytes, inputName } from '../config/input-path.js';
import * as path from 'node:path';
import type { Logger } from '../../lib/log.js';
import { emptyStats, mergeStats, totalDropped, type Stats } from '../core/stats.js';
import { removeStaleTemps, writeJsonAtomic, writeFileAtomic } from '../../lib/atomic.js';
import type { ResolvedConfig } from '../config/schema.js';
import { configHash } from '../config/resolve.js';
import { describeEncoding, listEncodings } from '../../tokenizer/index.js';
import type { ShardInfo } from '../../formats/token-shards/write.js';
import { runEncodingName, type Plan } from './plan.js';
import type { Manifest, TaskStatsFile } from './run-file-types.js';
import { runPaths } from './layout.js';
import { formatReport } from './report.js';
import { verifyWholeFile } from './verified-inputs.js';
import { CorruptTaskOutputError } from '../core/corrupt-output.js';
import { writeReportOrWarn } from '../report/report-file.js';

export async function finalizeRun(runDir: string, cfg: ResolvedConfig, plan: Plan, log: Logger): Promise<Manifest> {
  let stats: Stats = emptyStats();
  const shards: ShardInfo[] = [];
  let kept = 0;
  const lastSegment = `seg${plan.segments.length - 1}`;
  for (const step of plan.steps) {
    if (step.kind === 'finalize') continue;
    for (let rank = 0; rank < step.worldSize; rank++) {
      const file = runPaths.taskStats(runDir, step.name, rank);
      // A stats file that does not match its task's marker (or, from an older run, does not parse) makes the
      // executor rerun that task, then this one.
      await verifyWholeFile(runDir, file, step.name, rank);
      let task: TaskStatsFile;
      try {
        task = JSON.parse(await fs.readFile(file, 'utf8')) as TaskStatsFile;
      } catch (e) {
        throw new CorruptTaskOutputError(file, { stageName: step.name, step: step.name, rank }, `it is missing or unreadable (${(e as Error).message})`);
      }
      stats = mergeStats(stats, task.stats);
      if (step.name === lastSegment) {
        kept += task.kept;
        shards.push(...(task.shards ?? []));
      }
    }
  }

  const dropped = sortKeys(totalDropped(stats));
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  if (stats.read !== kept + droppedTotal) {
    log.warn(`accounting mismatch: read ${stats.read} ≠ kept ${kept} + dropped ${droppedTotal}; a stage lost documents without a reason`);
  }

  const encName = runEncodingName(cfg, runDir);
  // The manifest needs only the encoding's facts: describing it skips loading its BPE into tiktoken
  // (~0.2 s on the main thread while every worker sits idle).
  const enc = describeEncoding(encName);
  const manifest: Manifest = {
    kind: 'biglm-run',
    version: 1,
    configHash: configHash(cfg),
    tokenizer: {
      name: enc.name,
      vocabSize: enc.vocabSize,
      eosId: enc.eosId,
      checksum: enc.checksum,
      tokenWidth: enc.vocabSize <= 65536 ? 16 : 32,
      ...(listEncodings().includes(encName) ? {} : { path: path.relative(runDir, encName) }),
    },
    inputs: await inputSizes(cfg.inputs, cfg.configDir),
    shards,
    totals: {
      read: stats.read,
      kept,
      dropped,
      tokens: shards.reduce((n, s) => n + s.tokens, 0),
      shards: shards.length,
    },
  };

  await writeJsonAtomic(runPaths.stats(runDir), stats);
  await writeJsonAtomic(runPaths.manifest(runDir), manifest);
  await writeFileAtomic(runPaths.report(runDir), formatReport(manifest, stats));
  await writeReportOrWarn(runDir, log);
  for (const dir of ['shards', 'text', path.join('segments')]) await removeStaleTemps(path.join(runDir, dir));
  return manifest;
}

function sortKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The encoding a finished run's shards were written with (built-in by name, trained by its folder). */
export function manifestEncodingName(runDir: string, m: Pick<Manifest, 'tokenizer'>): string {
  return m.tokenizer.path !== undefined ? path.resolve(runDir, m.tokenizer.path) : m.tokenizer.name;
}

/**
 * Every input's name and size. Remote inputs cost one HEAD each (a Common Crawl snapshot is 90,000 files),
 * so at most 64 are asked at once; one that has gone since its task read it counts 0 bytes.
 */
async function inputSizes(inputs: readonly string[], configDir: string): Promise<{ path: string; bytes: number }[]> {
  const out: { path: string; bytes: number }[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < inputs.length; i = next++) out[i] = { path: inputName(configDir, inputs[i]), bytes: (await inputBytes(inputs[i])) ?? 0 };
  };
  await Promise.all(Array.from({ length: Math.min(64, inputs.length) }, worker));
  return out;
}
