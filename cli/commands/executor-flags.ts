// The executor flags `biglm prepare` and `biglm resume` share: which executor, and how Slurm should run it.

import { parseCommand, intOption, UsageError } from '../args.js';
import { SlurmOptions } from '../../pipeline/executor/slurm/options.js';
import { localExecutor } from '../../pipeline/executor/local.js';
import { slurmExecutor } from '../../pipeline/executor/slurm/executor.js';
import type { Executor } from '../../pipeline/executor/executor.js';

export const EXECUTOR_FLAGS = {
  executor: { type: 'string' },
  partition: { type: 'string' },
  'array-parallelism': { type: 'string' },
  'cpus-per-task': { type: 'string' },
  time: { type: 'string' },
  mem: { type: 'string' },
  'tasks-per-element': { type: 'string' },
  'requeue-signal': { type: 'string' },
  'sbatch-arg': { type: 'string', multiple: true },
} as const satisfies Parameters<typeof parseCommand>[1];

export const EXECUTOR_HELP = `  --executor E            local (default: run here, in a worker pool) or slurm (submit job arrays and return)
 Slurm (--executor slurm; see docs/slurm.md):
  --partition P           partition to submit to (checked with sinfo first; default: the cluster's default)
  --array-parallelism P   at most P elements of a step's array run at once (--array=0-N%P)
  --cpus-per-task C       CPUs per array element (default 1)
  --mem M                 memory per array element, e.g. 4G
  --time T                time limit per array element, e.g. 2:00:00
  --tasks-per-element K   ranks each array element runs (default 1)
  --requeue-signal S      seconds before the time limit when an element requeues itself (default 120)
  --sbatch-arg A          another sbatch argument, e.g. --sbatch-arg=--account=lm (repeatable)`;

type FlagValues = { [K in keyof typeof EXECUTOR_FLAGS]?: (typeof EXECUTOR_FLAGS)[K] extends { multiple: true } ? string[] : string };

const SLURM_ONLY = ['partition', 'array-parallelism', 'cpus-per-task', 'time', 'mem', 'tasks-per-element', 'requeue-signal', 'sbatch-arg'] as const;

/** Slurm options from the flags, on top of `base` (a resume starts from the options of the last submission). */
export function slurmOptionsFrom(values: FlagValues, base: Partial<SlurmOptions> = {}): SlurmOptions {
  const given = {
    ...base,
    ...(values.partition !== undefined ? { partition: values.partition } : {}),
    ...(values['array-parallelism'] !== undefined ? { arrayParallelism: intOption(values['array-parallelism'], 'array-parallelism') } : {}),
    ...(values['cpus-per-task'] !== undefined ? { cpusPerTask: intOption(values['cpus-per-task'], 'cpus-per-task') } : {}),
    ...(values.time !== undefined ? { time: values.time } : {}),
    ...(values.mem !== undefined ? { mem: values.mem } : {}),
    ...(values['tasks-per-element'] !== undefined ? { tasksPerElement: intOption(values['tasks-per-element'], 'tasks-per-element') } : {}),
    ...(values['requeue-signal'] !== undefined ? { requeueSignalSeconds: intOption(values['requeue-signal'], 'requeue-signal', 10) } : {}),
    ...(values['sbatch-arg'] !== undefined ? { extraArgs: values['sbatch-arg'] } : {}),
  };
  const parsed = SlurmOptions.safeParse(given);
  if (!parsed.success) throw new UsageError(`Slurm options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export function executorFrom(
  values: FlagValues,
  opts: { workers: number; progress: boolean; defaultKind?: 'local' | 'slurm'; slurmBase?: Partial<SlurmOptions> },
): Executor {
  const kind = values.executor ?? opts.defaultKind ?? 'local';
  if (kind === 'local') {
    const stray = SLURM_ONLY.filter((k) => values[k] !== undefined);
    if (stray.length > 0) throw new UsageError(`--${stray.join(', --')}: Slurm option(s), for --executor slurm only`);
    return localExecutor({ workers: opts.workers, progress: opts.progress });
  }
  if (kind === 'slurm') return slurmExecutor(slurmOptionsFrom(values, opts.slurmBase));
  throw new UsageError(`--executor must be local or slurm; got ${JSON.stringify(kind)}`);
}
