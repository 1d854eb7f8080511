// The executor flags' names, types and help text, which `biglm prepare` and `biglm resume` share. No executor
// code here: `biglm prepare` parses its arguments with these before it imports the pipeline.

import type { Options } from '../args.js';

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
} as const satisfies Options;

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

