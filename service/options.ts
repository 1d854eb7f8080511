// Options of the jobs service on top of the tokenizer's: where jobs may read and write, who may call it,
// how many jobs run at once.

import { z } from 'zod';

export const jobsOptionsSchema = z
  .object({
    tokenFile: z.string().min(1).describe('file holding the bearer token the jobs API requires; without it the API is off'),
    dataRoot: z.string().min(1).describe('folder job inputs must lie under'),
    runsRoot: z.string().min(1).describe('folder job run directories are written under (one folder per job)'),
    maxJobs: z.number().int().positive().default(1).describe('jobs running at once; more wait in a queue'),
    jobWorkers: z.number().int().positive().default(1).describe('--workers of each prepare / mask job'),
    allowedSchemes: z.array(z.string()).default([]).describe('URL schemes inputs may use (none by default: local paths only)'),
  })
  .strict();

export type JobsOptions = z.input<typeof jobsOptionsSchema>;
