// What a resumed run checks before it skips finished tasks. The final outputs (token shards, text output,
// manifest, stats, report) are checked whole, length and sha256, against the records in their tasks'
// markers (or, for a run made before markers recorded files, the shards against the manifest); a task
// with a damaged or missing output loses its marker and runs again, and so does finalize, so that the
// manifest describes what is on disk. Intermediate files are not read here: the task that consumes one
// checks it when it reads it (verified-inputs.ts), and one whose consumers are all done is not needed.
// A marker that is not a marker (garbage, another task's) counts as no marker.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../lib/log.js';
import { fileProblem, type FileRecord } from './file-record.js';
import type { Manifest } from './run-file-types.js';
import { runPaths } from './layout.js';
import { readMarker } from './marker.js';
import { segmentStepName, type Plan } from './plan.js';

export interface ResumeCheck {
  /** Tasks whose marker was removed, so that they run again. */
  rerun: { step: string; rank: number }[];
  /** Final output files checked, and their bytes. */
  files: number;
  bytes: number;
  seconds: number;
}

export async function checkFinishedTasks(runDir: string, plan: Plan, log: Logger): Promise<ResumeCheck> {
  const started = performance.now();
  const check: ResumeCheck = { rerun: [], files: 0, bytes: 0, seconds: 0 };
  const lastSegment = segmentStepName(plan.segments.length - 1);
  const manifest = await readManifest(runDir);
  const rerun = async (step: string, rank: number, why: string) => {
    log.warn(`${why}; rerunning ${step}/${rank}`);
    await fs.rm(runPaths.marker(runDir, step, rank), { force: true });
    check.rerun.push({ step, rank });
  };

  for (const step of plan.steps) {
    const final = step.name === lastSegment || step.kind === 'finalize';
    for (let rank = 0; rank < step.worldSize; rank++) {
      const state = await readMarker(runDir, step.name, rank);
      if (state.kind === 'missing') continue;
      const markerFile = path.relative(runDir, runPaths.marker(runDir, step.name, rank));
      if (state.kind === 'unreadable') {
        await rerun(step.name, rank, `${markerFile} is not a completion marker: ${state.reason}`);
        continue;
      }
      if (!final) continue;
      const outputs = state.marker.outputs ?? (step.name === lastSegment ? shardsOfRank(manifest, rank) : []);
      for (const rec of outputs) {
        const problem = await fileProblem(runDir, rec, { hash: true });
        check.files++;
        check.bytes += rec.bytes;
        if (problem !== undefined) {
          await rerun(step.name, rank, `${rec.path} ${problem}`);
          break;
        }
      }
    }
  }

  const finalize = plan.steps.find((s) => s.kind === 'finalize')!;
  const rebuilt = check.rerun.some((t) => t.step !== finalize.name);
  if (rebuilt && (await readMarker(runDir, finalize.name, 0)).kind === 'done') {
    log.info('manifest.json, stats.json and report.txt will be written again after the rebuilt tasks');
    await fs.rm(runPaths.marker(runDir, finalize.name, 0), { force: true });
    check.rerun.push({ step: finalize.name, rank: 0 });
  }
  check.seconds = (performance.now() - started) / 1000;
  return check;
}

async function readManifest(runDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await fs.readFile(runPaths.manifest(runDir), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The shards a run made before markers recorded files wrote for `rank`, as its manifest lists them. */
function shardsOfRank(manifest: Manifest | undefined, rank: number): FileRecord[] {
  const prefix = `shards/part-${String(rank).padStart(5, '0')}-`;
  return (manifest?.shards ?? []).filter((s) => s.path.startsWith(prefix)).map((s) => ({ path: s.path, bytes: s.bytes, sha256: s.sha256 }));
}
