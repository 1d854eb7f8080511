// A POST /v1/jobs body → what the job runs: the `biglm` command line and the config file it reads. Checked
// in full before the job is accepted: the request's shape (400), every path and URL against the roots
// (403, nothing read), then the config with the same zod validation `biglm prepare` / `biglm mix` use (400
// naming the field and the fix).

import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../lib/config-errors.js';
import { expandInputs } from '../pipeline/config/glob.js';
import { resolveConfig } from '../pipeline/config/resolve.js';
import { parseMixFile } from '../pipeline/mix/schema.js';
import { defaultRegistries } from '../pipeline/registries.js';
import { confine, confineFound, ForbiddenError, type Root } from './confine.js';
import { JOB_ID, jobRunDir } from './job-paths.js';

export const jobRequestSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('prepare'),
      config: z.record(z.string(), z.unknown()).describe('a prepare config, as `biglm prepare` reads it'),
      executor: z
        .object({
          kind: z.literal('slurm'),
          partition: z.string().regex(/^[\w.-]+$/).optional(),
          arrayParallelism: z.number().int().positive().optional(),
          cpusPerTask: z.number().int().positive().optional(),
          mem: z.string().regex(/^\d+[KMGT]?$/).optional(),
          time: z.string().regex(/^[\d:-]+$/).optional(),
        })
        .strict()
        .optional()
        .describe('run the tasks as Slurm job arrays instead of in the command'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('mask'),
      run: z.string().min(1).describe('a job id, or a run directory under --runs-root'),
      seqLen: z.number().int().positive().optional(),
      objective: z.enum(['biglm', 'bert', 'diffusion']).optional(),
      seed: z.number().int().nonnegative().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('mix'), config: z.record(z.string(), z.unknown()).describe('a mix file, as `biglm mix` reads it') }).strict(),
]);
export type JobRequest = z.infer<typeof jobRequestSchema>;

export interface JobRoots {
  data: Root;
  runs: Root;
  allowedSchemes: readonly string[];
}

export interface JobSpec {
  kind: JobRequest['kind'];
  executor: 'local' | 'slurm';
  /** The config the job's command reads (written to the job folder), with every path made absolute. */
  config?: unknown;
  /** `biglm` arguments after the command name; `{config}` and `{out}` are filled in by the runner. */
  args: string[];
}

export class BadRequestError extends Error {}

export async function checkJobRequest(raw: unknown, roots: JobRoots): Promise<JobSpec> {
  const parsed = jobRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new BadRequestError(`${where}: ${issue.message}; send {"kind": "prepare"|"mask"|"mix", …}`);
  }
  const req = parsed.data;
  if (req.kind === 'prepare') {
    const spec = await checkPrepare(req.config, roots);
    const slurm = req.executor;
    if (slurm === undefined) return spec;
    const flags = [
      ['--partition', slurm.partition],
      ['--array-parallelism', slurm.arrayParallelism],
      ['--cpus-per-task', slurm.cpusPerTask],
      ['--mem', slurm.mem],
      ['--time', slurm.time],
    ].flatMap(([flag, v]) => (v === undefined ? [] : [String(flag), String(v)]));
    return { ...spec, executor: 'slurm', args: [...spec.args, '--executor', 'slurm', ...flags] };
  }
  if (req.kind === 'mix') return checkMix(req.config, roots);
  const run = await runDirOf(req.run, roots, 'run');
  return {
    kind: 'mask',
    executor: 'local',
    args: [
      run,
      ...(req.seqLen !== undefined ? ['--seq-len', String(req.seqLen)] : []),
      ...(req.objective !== undefined ? ['--objective', req.objective] : []),
      ...(req.seed !== undefined ? ['--seed', String(req.seed)] : []),
    ],
  };
}

async function checkPrepare(config: Record<string, unknown>, roots: JobRoots): Promise<JobSpec> {
  await refuseOutsidePaths(config, 'config', roots);
  const written = Array.isArray(config.inputs) ? config.inputs : typeof config.inputs === 'string' ? [config.inputs] : undefined;
  if (written === undefined || !written.every((i) => typeof i === 'string')) {
    throw new BadRequestError('config.inputs: give a list of paths or globs under --data-root');
  }
  const inputs: string[] = [];
  for (const [i, p] of (written as string[]).entries()) inputs.push(await confine(p, roots.data, `config.inputs[${i}]`, roots.allowedSchemes));
  // Globs list folders only; each file they find must not be a link out of the root.
  const local = inputs.filter((p) => path.isAbsolute(p.replace(/^!/, '')));
  const { files } = await expandInputs(local, roots.data.dir);
  for (const f of files) await confineFound(f, roots.data, 'config.inputs');
  const checked: Record<string, unknown> = { ...config, inputs };
  const tokenizer = config.tokenizer as { name?: unknown } | undefined;
  if (tokenizer && typeof tokenizer.name === 'string' && /[\\/]/.test(tokenizer.name)) {
    checked.tokenizer = { ...tokenizer, name: await confine(tokenizer.name, roots.data, 'config.tokenizer.name') };
  }
  await resolveConfig(checked, roots.data.dir, defaultRegistries());
  return { kind: 'prepare', executor: 'local', config: checked, args: ['{config}'] };
}

async function checkMix(config: Record<string, unknown>, roots: JobRoots): Promise<JobSpec> {
  await refuseOutsidePaths(config, 'config', roots);
  const mixtures = Array.isArray(config.mixtures) ? (config.mixtures as Record<string, unknown>[]) : [];
  const checked = {
    ...config,
    mixtures: await Promise.all(
      mixtures.map(async (m, i) => {
        const sources = Array.isArray(m?.sources) ? (m.sources as Record<string, unknown>[]) : [];
        return {
          ...m,
          sources: await Promise.all(
            sources.map(async (s, j) => (typeof s?.run === 'string' ? { ...s, run: await runDirOf(s.run, roots, `config.mixtures[${i}].sources[${j}].run`) } : s)),
          ),
        };
      }),
    ),
  };
  parseMixFile(checked, roots.runs.dir, 'config');
  return { kind: 'mix', executor: 'local', config: checked, args: ['{config}'] };
}

/** A job id (its run directory) or a run directory under --runs-root. */
async function runDirOf(p: string, roots: JobRoots, field: string): Promise<string> {
  if (JOB_ID.test(p)) return jobRunDir(roots.runs.dir, p);
  return confine(p, roots.runs, field);
}

/**
 * Every string in the config that names a place outside the roots is refused: URLs with a scheme that is
 * not allowed, absolute paths and `..` anywhere (stage options such as word lists or model files included),
 * and stages loaded from modules, which would run code the service did not ship.
 */
async function refuseOutsidePaths(value: unknown, field: string, roots: JobRoots): Promise<void> {
  if (typeof value === 'string') {
    const looksLikePath = value.startsWith('/') || value.startsWith('~') || /(^|[\\/])\.\.([\\/]|$)/.test(value) || /^[a-z][a-z0-9+.-]+:\/\//i.test(value);
    if (!looksLikePath) return;
    if (field.endsWith('.run')) await confine(value.replace(/^~/, '/'), roots.runs, field);
    else await confine(value.replace(/^~/, '/'), roots.data, field, roots.allowedSchemes);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) await refuseOutsidePaths(v, `${field}[${i}]`, roots);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'type' && typeof v === 'string' && (v.includes('#') || v.includes(':'))) {
        throw new ForbiddenError(`${field}.type = ${JSON.stringify(v)}: stages from modules cannot run through the service; use built-in stage types (biglm stages lists them)`);
      }
      await refuseOutsidePaths(v, `${field}.${k}`, roots);
    }
  }
}

export { ConfigError, ForbiddenError };
