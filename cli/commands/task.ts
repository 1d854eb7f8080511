// `biglm task`: run one (step, rank) task of a run — the worker entry point of every executor.

import { parseCommand, intOption, UsageError } from '../args.js';
import { runTask } from '../../pipeline/run/task.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { countingLogger } from '../log.js';

export const TASK_HELP = `biglm task --run DIR --stage NAME (--rank R | --rank-from-env)

Run one task of a prepared run directory (written by \`biglm prepare\`). Skips the task when its
completion marker exists. --rank-from-env reads SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or
AWS_BATCH_JOB_ARRAY_INDEX.`;

export function rankFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  for (const name of ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX']) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name}=${JSON.stringify(v)} is not a task index`);
      return n;
    }
  }
  throw new UsageError('--rank-from-env: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set');
}

export async function taskCommand(argv: string[]): Promise<number> {
  const { values, wantsHelp } = parseCommand(
    argv,
    { run: { type: 'string' }, stage: { type: 'string' }, step: { type: 'string' }, rank: { type: 'string' }, 'rank-from-env': { type: 'boolean' } },
    TASK_HELP,
  );
  if (wantsHelp) {
    console.log(TASK_HELP);
    return 0;
  }
  const step = values.stage ?? values.step;
  if (!values.run || !step) throw new UsageError(`--run and --stage are required\n\n${TASK_HELP}`);
  const rank = values['rank-from-env'] ? rankFromEnv() : intOption(values.rank, 'rank', 0);
  if (rank === undefined) throw new UsageError('give --rank R or --rank-from-env');
  const log = countingLogger();
  const r = await runTask({ runDir: values.run, step, rank }, defaultRegistries(), { log });
  log.info(`${step}/${rank}: ${r.skipped ? 'already done' : 'done'}`);
  return 0;
}
