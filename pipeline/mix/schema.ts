// The mix file: which prepared runs to blend, in what shares, with what caps on upsampling, and the
// sweep of mixtures to build from one file. Checked strictly; every default is filled in and written
// next to each mixed run (config.json).

import * as path from 'node:path';
import { isRemote } from '../../storage/index.js';
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { ShardMaxBytes } from '../config/schema.js';
import { editorSchemaKey } from '../../lib/editor-schema-key.js';
import { ConfigError, describeIssues, objectKeys } from '../../lib/config-errors.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const MixSourceConfig = z
  .object({
    run: z.string().min(1).describe('A prepared run directory (it holds manifest.json), relative to the mix file.'),
    name: z
      .string()
      .regex(NAME, 'letters, digits, ".", "_" or "-"')
      .optional()
      .describe('Name of the source in tables and manifests; default: the run folder name.'),
    weight: z
      .number()
      .positive()
      .max(1)
      .optional()
      .describe("Share of the mixture's tokens taken from this source (the weights of a mixture must sum to 1)."),
    tokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Fixed number of tokens taken from this source, instead of a weight.'),
    maxEpochs: z
      .number()
      .positive()
      .optional()
      .describe('Most passes over this source: whole epochs plus a seeded partial one (default: the file-level maxEpochs).'),
  })
  .strict();

export const MixtureConfig = z
  .object({
    name: z.string().regex(NAME, 'letters, digits, ".", "_" or "-"').describe('Name of the mixture: its run folder under --out.'),
    totalTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Token budget of this mixture (overrides the file-level one).'),
    seed: z.number().int().optional().describe('Seed of this mixture (default: the file-level seed).'),
    sources: z.array(MixSourceConfig).min(1).describe('The sources blended into this mixture.'),
  })
  .strict();

export const MixOutputConfig = z
  .object({
    shardMaxBytes: ShardMaxBytes,
    batchDocs: z.number().int().positive().default(1024).describe('Documents per Arrow record batch inside a shard.'),
    shuffleBucketBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(32 * 1024 * 1024)
      .describe(
        'Size of one shuffle bucket: the mixer scatters documents into buckets of about this size on disk and shuffles one bucket at a time, so peak memory is about twice this, whatever the corpus size. Part of the output order: changing it reorders documents.',
      ),
  })
  .strict();

export const MixFileShape = z
  .object({
    ...editorSchemaKey,
    seed: z.number().int().default(0).describe('Seed of every random choice (partial epochs, subsets, the shuffle).'),
    totalTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'Token budget of each weighted mixture. Omitted: the largest budget every source can supply within its maxEpochs.',
      ),
    maxEpochs: z
      .number()
      .positive()
      .default(1)
      .describe('Default cap on passes over a source; 1 means no upsampling unless a source asks for it.'),
    output: MixOutputConfig.default({ shardMaxBytes: 128 * 1024 * 1024, batchDocs: 1024, shuffleBucketBytes: 32 * 1024 * 1024 }),
    mixtures: z.array(MixtureConfig).min(1).describe('The mixtures to build: one run directory each under --out.'),
  })
  .strict();

export const MixFileConfig = MixFileShape.superRefine((file, ctx) => {
  const names = new Set<string>();
  file.mixtures.forEach((m, i) => {
    if (names.has(m.name)) {
      ctx.addIssue({ code: 'custom', path: ['mixtures', i, 'name'], message: 'two mixtures share this name; rename one' });
    }
    names.add(m.name);
    checkMixture(m, ['mixtures', i], ctx);
  });
});

function checkMixture(m: z.output<typeof MixtureConfig>, at: (string | number)[], ctx: z.RefinementCtx): void {
  const sourceNames = new Set<string>();
  let weighted = 0;
  let budgeted = 0;
  m.sources.forEach((s, j) => {
    const where = [...at, 'sources', j];
    if ((s.weight === undefined) === (s.tokens === undefined)) {
      ctx.addIssue({ code: 'custom', path: where, message: 'give exactly one of "weight" (a share) or "tokens" (a fixed budget)' });
    }
    if (s.weight !== undefined) weighted++;
    if (s.tokens !== undefined) budgeted++;
    const name = s.name ?? sourceName(s.run);
    if (sourceNames.has(name)) {
      ctx.addIssue({ code: 'custom', path: [...where, 'name'], message: `two sources are named '${name}'; set a distinct "name"` });
    }
    sourceNames.add(name);
  });
  if (weighted > 0 && budgeted > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'sources'],
      message: 'mix "weight" and "tokens" sources in separate mixtures: a mixture is either all shares or all fixed budgets',
    });
  }
  if (weighted === m.sources.length) {
    // Weights are an experiment's independent variable: a typo (0.7 + 0.2) must not be silently rescaled.
    const sum = m.sources.reduce((a, s) => a + (s.weight ?? 0), 0);
    if (Math.abs(sum - 1) > 1e-6) {
      const normalized = m.sources.map((s) => Number(((s.weight ?? 0) / sum).toFixed(4)));
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'sources'],
        message: `weights sum to ${Number(sum.toFixed(6))}, not 1; they are not rescaled for you: write them as shares that sum to 1 (normalized: ${normalized.join(', ')})`,
      });
    }
  }
  if (budgeted === m.sources.length && budgeted > 0) {
    const sum = m.sources.reduce((a, s) => a + (s.tokens ?? 0), 0);
    if (m.totalTokens !== undefined && m.totalTokens !== sum) {
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'totalTokens'],
        message: `the sources' token budgets sum to ${sum}; drop totalTokens or make it ${sum}`,
      });
    }
  }
}


/** A source with its run directory made absolute and every default filled in. */
export interface ResolvedSource {
  name: string;
  /** The run directory as written in the mix file. */
  runAsWritten: string;
  /** Absolute run directory. */
  run: string;
  weight?: number;
  tokens?: number;
  maxEpochs: number;
}

export interface ResolvedMixture {
  name: string;
  seed: number;
  /** Token budget when it is set; undefined for weighted mixtures sized by their sources' maxEpochs. */
  totalTokens?: number;
  sources: ResolvedSource[];
  output: z.output<typeof MixOutputConfig>;
}

export interface ResolvedMixFile {
  /** Folder that the mix file's relative paths are resolved against. */
  configDir: string;
  mixtures: ResolvedMixture[];
}

export function sourceName(run: string): string {
  const last = isRemote(run) ? run.replace(/\/+$/, '').split('/').pop()! : path.basename(path.resolve(run));
  return last.replace(/[^A-Za-z0-9._-]/g, '_') || 'source';
}

export function parseMixFile(raw: unknown, configDir: string, where = 'mix file'): ResolvedMixFile {
  const parsed = MixFileConfig.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(describeIssues(parsed.error.issues, raw, where, (p) => keysAt(p)));
  }
  const file = parsed.data;
  return {
    configDir,
    mixtures: file.mixtures.map((m) => ({
      name: m.name,
      seed: m.seed ?? file.seed,
      totalTokens: m.totalTokens ?? (m.sources.every((s) => s.weight !== undefined) ? file.totalTokens : undefined),
      output: file.output,
      sources: m.sources.map((s) => ({
        name: s.name ?? sourceName(s.run),
        runAsWritten: s.run,
        run: isRemote(s.run) ? s.run.replace(/\/+$/, '') : path.resolve(configDir, s.run),
        ...(s.weight !== undefined ? { weight: s.weight } : {}),
        ...(s.tokens !== undefined ? { tokens: s.tokens } : {}),
        maxEpochs: s.maxEpochs ?? file.maxEpochs,
      })),
    })),
  };
}

export async function loadMixFile(file: string): Promise<ResolvedMixFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read mix file ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`mix file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseMixFile(raw, path.dirname(path.resolve(file)), `mix file ${file}`);
}

/** Known keys at a path of the mix file, for "did you mean" hints on misspelt keys. */
function keysAt(p: readonly PropertyKey[]): string[] {
  if (p.length === 0) return objectKeys(MixFileShape);
  if (p.length === 1 && p[0] === 'output') return objectKeys(MixOutputConfig);
  if (p.length === 2 && p[0] === 'mixtures') return objectKeys(MixtureConfig);
  if (p.length === 4 && p[0] === 'mixtures' && p[2] === 'sources') return objectKeys(MixSourceConfig);
  return [];
}
