// What a Slurm submission asks for: the sbatch options every step's array gets. Recorded with each
// submission, so `biglm resume` submits the rest of a run the way it was started unless told otherwise.

import { z } from 'zod';

export const SlurmOptions = z
  .object({
    partition: z.string().min(1).optional().describe('Partition (sbatch --partition); checked with `sinfo -p` before anything is submitted. Default: the cluster default.'),
    arrayParallelism: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('At most this many elements of one array run at once (the %P of --array=0-N%P). Default: no limit.'),
    cpusPerTask: z.number().int().positive().default(1).describe('CPUs per array element (--cpus-per-task); an element runs up to this many of its ranks at once.'),
    time: z.string().min(1).optional().describe("Time limit per array element (--time), e.g. '2:00:00'. Default: the partition's."),
    mem: z.string().min(1).optional().describe("Memory per array element (--mem), e.g. '4G'. Default: the cluster's DefMemPerCPU × CPUs."),
    tasksPerElement: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe('Ranks one array element runs (with a worker pool of cpusPerTask threads): fewer, longer jobs for steps with many small ranks.'),
    requeueSignalSeconds: z
      .number()
      .int()
      .min(10)
      .default(120)
      .describe('Slurm sends USR1 this many seconds before the time limit (--signal=B:USR1@N); the element stops and requeues itself, and the rerun skips ranks already marked done.'),
    extraArgs: z.array(z.string()).default([]).describe("More sbatch arguments, passed as given, e.g. ['--account=lm', '--qos=low']."),
  })
  .strict();

export type SlurmOptions = z.output<typeof SlurmOptions>;
