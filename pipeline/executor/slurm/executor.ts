// The Slurm executor: one `sbatch --array` per step (split at the cluster's MaxArraySize), each step's
// arrays depending on the previous step's (`afterok`, killed when that can no longer happen), and only
// the ranks without a completion marker. It returns once everything is submitted; `biglm status` follows
// the run. Before submitting it checks what it can (tools, partition, storage, jobs still queued), and if
// one sbatch fails it cancels what this submission already queued: no half-submitted pipelines.

import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../lib/log.js';
import { writeFileAtomic } from '../../../lib/atomic.js';
import { checkResumedRun, pendingWork, type Executor } from '../executor.js';
import type { OpenedRun } from '../run-dir.js';
import { formatRanksFile } from '../array-ranks.js';
import { SlurmError, hasCommand, maxArraySize, partitions, sbatch, scancel, squeue } from './slurm-commands.js';
import type { SlurmOptions } from './options.js';
import { chunkArgs, chunkRanks, renderStepScript, stepLogDir, stepScriptPath } from './script.js';
import { allJobIds, appendSubmission, readSubmissions, slurmDir, type SubmissionRecord, type SubmittedStep } from './submissions.js';
import { filesystemType, storageKind } from './storage.js';
import { pushFiles, remoteOf } from '../../runner/remote-run.js';
import { joinLocation } from '../../../storage/index.js';

export function slurmExecutor(options: SlurmOptions): Executor {
  return {
    kind: 'slurm',
    execute: (run, log) => submitRun(run, options, log),
  };
}

/** dist/cli/biglm.js of this installation: the command the batch scripts run. */
export function biglmEntry(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new SlurmError('cannot find the biglm installation (no package.json above the executor)');
    dir = up;
  }
  const cli = path.join(dir, 'dist', 'cli', 'biglm.js');
  if (!existsSync(cli)) throw new SlurmError(`${cli} is missing: build first (\`make install\` or \`npx tsc -p .\`)`);
  return cli;
}

/** Refuses (with the fix) when Slurm cannot take this run: no tools, unknown partition, jobs still queued. */
export async function checkCluster(run: OpenedRun, options: SlurmOptions, log: Logger): Promise<{ maxArraySize: number }> {
  for (const tool of ['sbatch', 'squeue', 'scancel', 'sinfo', 'scontrol']) {
    if (!(await hasCommand(tool))) {
      throw new SlurmError(`${tool} is not on PATH: run this on a Slurm login node (Debian: apt-get install slurm-client), or use --executor local`);
    }
  }
  let parts: Awaited<ReturnType<typeof partitions>>;
  try {
    parts = await partitions();
  } catch (e) {
    throw new SlurmError(`cannot reach the Slurm controller (is SLURM_CONF right? is slurmctld up?): ${(e as Error).message}`);
  }
  const partition = options.partition ? parts.find((p) => p.name === options.partition) : parts.find((p) => p.isDefault);
  if (options.partition && !partition) {
    throw new SlurmError(
      `partition '${options.partition}' does not exist (sinfo -p ${options.partition} lists nothing); partitions: ${parts.map((p) => p.name).join(', ') || 'none'}`,
    );
  }
  const fsType = await filesystemType(run.runDir);
  const kind = storageKind(fsType);
  // a run in a bucket is shared by the bucket: its local mirror is nobody else's business
  if (kind === 'local' && (partition?.nodes ?? 2) > 1 && remoteOf(run.runDir) === undefined) {
    log.warn(
      `${run.runDir} is on a local filesystem (${fsType}) but partition ${partition?.name ?? '(default)'} has ${partition?.nodes ?? 'several'} nodes: ` +
        'tasks on other nodes will not see it; put the run directory (--out) on shared storage (NFS, Lustre, GPFS, …)',
    );
  }
  const active = await squeue(allJobIds(await readSubmissions(run.runDir)));
  const live = active.filter((e) => !FINAL_STATES.has(e.state));
  if (live.length > 0) {
    const ids = [...new Set(live.map((e) => e.arrayJobId))];
    throw new SlurmError(
      `${live.length} array element(s) of this run are still queued or running (jobs ${ids.join(', ')}); ` +
        `wait for them (biglm status ${run.runDir}) or cancel them (scancel ${ids.join(' ')}), then resume`,
    );
  }
  return { maxArraySize: await maxArraySize() };
}

/** squeue --states=all also lists jobs that ended a moment ago; these states are over. */
export const FINAL_STATES = new Set([
  'COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'SPECIAL_EXIT', 'REVOKED',
]);

export async function submitRun(run: OpenedRun, options: SlurmOptions, log: Logger) {
  const node = process.execPath;
  const biglm = biglmEntry();
  const { maxArraySize } = await checkCluster(run, options, log);
  await checkResumedRun(run, log);
  const work = await pendingWork(run.runDir, run.plan);
  const tasksSkipped = work.reduce((n, w) => n + w.worldSize - w.pending.length, 0);
  if (work.every((w) => w.pending.length === 0)) {
    log.info(`${run.runDir}: every task is already done; nothing to submit`);
    return { kind: 'submitted' as const, submission: undefined, tasksSkipped };
  }

  const previous = await readSubmissions(run.runDir);
  const id = (previous.at(-1)?.id ?? 0) + 1;
  const record: SubmissionRecord = { id, submittedAt: new Date().toISOString(), options, steps: [] };
  const submitted: string[] = [];
  let dependsOn: string[] = [];
  // A run in a bucket: the elements get its URL, read their ranks files from the bucket and work in mirrors
  // of their own; their logs go to a folder every node has (BIGLM_SLURM_LOG_DIR, default /tmp/biglm-logs/…).
  const remote = remoteOf(run.runDir);
  const logDirOf = (step: string) =>
    remote ? path.join(process.env.BIGLM_SLURM_LOG_DIR ?? path.join('/tmp', 'biglm-logs'), path.basename(path.dirname(run.runDir)), step) : stepLogDir(run.runDir, step);
  try {
    for (const { step, pending } of work) {
      if (pending.length === 0) continue;
      const script = stepScriptPath(run.runDir, step);
      await writeFileAtomic(script, renderStepScript({ runDir: remote ?? run.runDir, logDir: logDirOf(step), step, options, node, biglm }));
      await fs.chmod(script, 0o755);
      // Slurm does not create the folder of --output; an element whose log folder is missing fails at once.
      await fs.mkdir(logDirOf(step), { recursive: true });
      const entry: SubmittedStep = { step, script: path.relative(run.runDir, script), arrays: [] };
      const chunks = chunkRanks(pending, options.tasksPerElement, maxArraySize);
      for (const [c, ranks] of chunks.entries()) {
        const ranksFile = path.join(slurmDir(run.runDir), 'ranks', `${step}.s${id}.c${c}.txt`);
        await writeFileAtomic(ranksFile, formatRanksFile(ranks));
        await pushFiles(run.runDir, [path.relative(run.runDir, ranksFile)]);
        const elements = Math.ceil(ranks.length / options.tasksPerElement);
        const ranksArg = remote ? joinLocation(remote, path.relative(run.runDir, ranksFile).split(path.sep).join('/')) : ranksFile;
        const argv = chunkArgs({ elements, options, dependsOn, script, ranksFile: ranksArg });
        const jobId = await sbatch(argv);
        submitted.push(jobId);
        entry.arrays.push({ jobId, ranksFile: path.relative(run.runDir, ranksFile), ranks, elements, argv: ['sbatch', '--parsable', ...argv] });
        log.info(`${step}: submitted job ${jobId} (${ranks.length} rank(s) in ${elements} array element(s)${dependsOn.length ? `, after ${dependsOn.join(', ')}` : ''})`);
      }
      record.steps.push(entry);
      dependsOn = entry.arrays.map((a) => a.jobId);
    }
    await appendSubmission(run.runDir, record);
  } catch (e) {
    if (submitted.length > 0) {
      try {
        await scancel(submitted);
        log.warn(`submission failed; cancelled the ${submitted.length} job(s) it had queued: ${submitted.join(', ')}`);
      } catch (c) {
        log.warn(`submission failed, and cancelling its jobs failed too — cancel them by hand: scancel ${submitted.join(' ')} (${(c as Error).message})`);
      }
    }
    throw e;
  }
  return { kind: 'submitted' as const, submission: record, tasksSkipped };
}
