// The executor that `biglm prepare`'s and `biglm resume`'s flags ask for, and how Slurm should run it (the
// flags themselves: executor-flag-specs.ts).

import { intOption, UsageError } from '../args.js';
import { EXECUTOR_FLAGS } from './executor-flag-specs.js';
import { SlurmOptions } from '../../pipeline/executor/slurm/options.js';
import { localExecutor } from '../../pipeline/executor/local.js';
import { slurmExecutor } from '../../pipeline/executor/slurm/executor.js';
import type { Executor } from '../../pipeline/executor/executor.js';

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
