// `biglm task`: run one (step, rank) task of a run — or the few ranks of one array element — the worker
// entry point of every executor.

import * as os from 'node:os';
import { parseCommand, intOption, UsageError } from '../args.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { loadRun } from '../../pipeline/runner/task.js';
import { buildPlan } from '../../pipeline/runner/plan.js';
import { ArrayIndexError, arrayIndexFromEnv, ranksOfElement, readRanksFile } from '../../pipeline/executor/array-ranks.js';
import { createPool, producerStep, runStepRanks } from '../../pipeline/executor/local.js';
import { missingBefore } from '../../pipeline/executor/executor.js';
import { exists } from '../../lib/atomic.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { countingLogger } from '../log.js';
import { isRemote } from '../../storage/index.js';
import { closeMirror, openMirror, pullTaskInputs, pushFiles } from '../../pipeline/runner/remote-run.js';
import * as path from 'node:path';

export const TASK_HELP = `biglm task --run DIR --stage NAME (--rank R | --rank-from-env [--ranks-file FILE] [--tasks-per-element K])

Run one task of a prepared run directory (written by \`biglm prepare\`). Skips the task when its
completion marker exists.

  --run DIR              the run directory (a folder, or s3://bucket/prefix for a run on S3)
  --stage NAME           the step: seg0, <barrier stage>.<step>, seg1, …, finalize (see plan.json)
  --rank R               the rank to run
  --rank-from-env        take the array index from SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes)
                         or AWS_BATCH_JOB_ARRAY_INDEX (first one set)
  --ranks-file FILE      with --rank-from-env: index i runs the rank on line i+1 of FILE (one rank per line)
                         instead of rank i — resubmissions list only the ranks left to do
  --tasks-per-element K  with --rank-from-env: index i runs entries i*K … i*K+K-1 (default 1)
  --workers N            tasks run at once for those K ranks: this thread and N-1 pool threads
                         (default: min(K, cores))`;

/** The array index from the environment, as a rank (one rank per index, no ranks file). */
export async function taskCommand(argv: string[]): Promise<number> {
  const { values, wantsHelp } = parseCommand(
    argv,
    {
      run: { type: 'string' },
      stage: { type: 'string' },
      step: { type: 'string' },
      rank: { type: 'string' },
      'rank-from-env': { type: 'boolean' },
      'ranks-file': { type: 'string' },
      'tasks-per-element': { type: 'string' },
      workers: { type: 'string' },
    },
    TASK_HELP,
  );
  if (wantsHelp) {
    console.log(TASK_HELP);
    return 0;
  }
  const step = values.stage ?? values.step;
  if (!values.run || !step) throw new UsageError(`--run and --stage are required\n\n${TASK_HELP}`);
  if (!isRemote(values.run)) return runTaskCommand(values.run, step, values);
  // A run on S3 (Slurm nodes that share only the bucket): this process works in a mirror of its own that holds
  // what its ranks read (pullTaskInputs); its task pushes its outputs, then its marker (pipeline/runner/remote-run.ts).
  const mirror = await openMirror(values.run, { private: true });
  try {
    const code = await runTaskCommand(mirror, step, values);
    // finalize's report.html is outside its marker (biglm report rewrites it): uploaded after it
    if (step === 'finalize' && (await exists(path.join(mirror, 'report.html')))) await pushFiles(mirror, ['report.html']);
    return code;
  } finally {
    await closeMirror(mirror);
  }
}

type TaskValues = { rank?: string; 'rank-from-env'?: boolean; 'ranks-file'?: string; 'tasks-per-element'?: string; workers?: string };

async function runTaskCommand(runDir: string, step: string, values: TaskValues): Promise<number> {
  const perElement = intOption(values['tasks-per-element'], 'tasks-per-element') ?? 1;
  let ranks: number[];
  try {
    if (values['rank-from-env']) {
      if (values.rank !== undefined) throw new UsageError('give --rank or --rank-from-env, not both');
      const { index } = arrayIndexFromEnv();
      if (values['ranks-file']) {
        ranks = ranksOfElement(index, perElement, { ranks: await readRanksFile(values['ranks-file']) });
      } else {
        const plan = buildPlan(await loadRun(runDir), runDir, defaultRegistries());
        const s = plan.steps.find((x) => x.name === step);
        if (!s) throw new UsageError(`run ${runDir} has no step '${step}'; steps: ${plan.steps.map((x) => x.name).join(', ')}`);
        ranks = ranksOfElement(index, perElement, { worldSize: s.worldSize });
      }
    } else {
      if (values['ranks-file'] || values['tasks-per-element']) throw new UsageError('--ranks-file and --tasks-per-element go with --rank-from-env');
      const rank = intOption(values.rank, 'rank', 0);
      if (rank === undefined) throw new UsageError('give --rank R or --rank-from-env');
      ranks = [rank];
    }
  } catch (e) {
    if (e instanceof ArrayIndexError) throw new UsageError(e.message);
    throw e;
  }
  // A step starts only when the one before it is complete (Slurm's afterok ensures it; a hand-run or
  // another scheduler may not). Ranks already done are fine either way.
  const todo = [];
  for (const r of ranks) if (!(await exists(runPaths.marker(runDir, step, r)))) todo.push(r);
  const plan = buildPlan(await loadRun(runDir), runDir, defaultRegistries());
  // in a task's own mirror of a bucket's run: the files of the steps before that these ranks read
  await pullTaskInputs(runDir, plan, step, todo);
  if (todo.length > 0) {
    const missing = await missingBefore(runDir, plan, step);
    if (missing) {
      const list = missing.ranks.slice(0, 10).join(', ') + (missing.ranks.length > 10 ? `, … (${missing.ranks.length} in all)` : '');
      throw new UsageError(
        `step ${step} cannot start: step ${missing.step} is not complete (ranks without a marker: ${list}); ` +
          `see biglm status ${runDir}, and finish it with biglm resume ${runDir}`,
      );
    }
  }
  const workers = Math.min(ranks.length, intOption(values.workers, 'workers') ?? os.availableParallelism());
  const log = countingLogger();
  const t0 = Date.now();
  const pool = ranks.length > 1 ? createPool(workers, { config: await loadRun(runDir), runDir }) : undefined;
  try {
    // A damaged input reruns the task that wrote it here, in this element, before this one.
    const ran = await runStepRanks(runDir, step, ranks, pool, { log, progress: false, producerStep: (p) => producerStep({ plan }, p) });
    // Time, CPU and peak memory in every element's log: what a user needs to size --time, --cpus, --mem.
    const u = process.resourceUsage();
    log.info(
      `${step}/${ranks.join(',')}: done (${ran} run, ${ranks.length - ran} already done) in ${((Date.now() - t0) / 1000).toFixed(1)} s, ` +
        `CPU ${((u.userCPUTime + u.systemCPUTime) / 1e6).toFixed(1)} s, peak RSS ${Math.round(u.maxRSS / 1024)} MB`,
    );
  } finally {
    await pool?.destroy();
  }
  return 0;
}
