// Reading a finished run back as an input (of a mixture or an export): its manifest must exist, parse,
// and every shard it lists must be on disk with the size and sha256 it records. Anything else is a
// half-written or modified run, reported with the source's name and the command that fixes it.

import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../lib/config-errors.js';
import type { Manifest } from '../runner/run-file-types.js';
import { runPaths } from '../runner/layout.js';

const ManifestShape = z
  .object({
    kind: z.literal('biglm-run'),
    version: z.literal(1),
    configHash: z.string(),
    tokenizer: z.object({
      name: z.string(),
      vocabSize: z.number().int().positive(),
      eosId: z.number().int().nonnegative(),
      checksum: z.string(),
      tokenWidth: z.union([z.literal(16), z.literal(32)]),
    }),
    inputs: z.array(z.object({ path: z.string(), bytes: z.number() })),
    shards: z.array(
      z.object({
        path: z.string(),
        documents: z.number().int().nonnegative(),
        tokens: z.number().int().nonnegative(),
        bytes: z.number().int().nonnegative(),
        sha256: z.string(),
      }),
    ),
    totals: z.object({ tokens: z.number().int().nonnegative() }).passthrough(),
  })
  .passthrough();

export interface SourceRun {
  /** Absolute run directory. */
  dir: string;
  manifest: Manifest;
  manifestPath: string;
  /** sha256 of manifest.json's bytes: the lineage record of a mixed run or an export. */
  manifestSha256: string;
  documents: number;
  tokens: number;
}

export interface ReadRunOptions {
  /** How the source is named in errors, e.g. "source 'mail' of mixture 'balanced'". */
  label?: string;
  /** 'sha256' (default) re-hashes every shard; 'size' only checks that each shard exists with its size. */
  verify?: 'sha256' | 'size';
}

/** Validate a finished run directory and return its manifest; throws a ConfigError naming the run and the fix. */
export async function readRunManifest(dir: string, opts: ReadRunOptions = {}): Promise<SourceRun> {
  const abs = path.resolve(dir);
  const label = opts.label ?? `run ${dir}`;
  const rerun = `rerun the \`biglm prepare\` command that writes ${dir} (it resumes a half-finished run)`;
  const st = await fs.stat(abs).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new ConfigError(`${label}: ${abs} does not exist or is not a directory; prepare it first (\`biglm prepare … --out ${dir}\`) or fix the path`);
  }
  const manifestPath = runPaths.manifest(abs);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(manifestPath);
  } catch {
    throw new ConfigError(`${label}: ${abs} has no manifest.json, so the run never finished; ${rerun}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ConfigError(`${label}: ${manifestPath} is not valid JSON (${(e as Error).message}); ${rerun}`);
  }
  const parsed = ManifestShape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${label}: ${manifestPath} is not a biglm run manifest (${issue.path.join('.') || 'top level'}: ${issue.message}); point the source at a run directory written by \`biglm prepare\` or \`biglm mix\``);
  }
  // The shape is checked, but the manifest is kept as written: fields this check does not list
  // (a trained tokenizer's path, a mixed run's lineage) must survive.
  const manifest = raw as Manifest;

  for (const shard of manifest.shards) {
    const file = path.join(abs, shard.path);
    const fst = await fs.stat(file).catch(() => undefined);
    if (!fst) throw new ConfigError(`${label}: shard ${shard.path} listed in the manifest is missing; the run is incomplete: ${rerun} with --force`);
    if (fst.size !== shard.bytes) {
      throw new ConfigError(`${label}: shard ${shard.path} has ${fst.size} bytes but the manifest records ${shard.bytes}; it is half-written or was modified: ${rerun} with --force`);
    }
    if ((opts.verify ?? 'sha256') === 'sha256') {
      const digest = await sha256File(file);
      if (digest !== shard.sha256) {
        throw new ConfigError(`${label}: shard ${shard.path} sha256 ${digest.slice(0, 16)}… does not match the manifest's ${shard.sha256.slice(0, 16)}…; the shard was modified or half-written: ${rerun} with --force`);
      }
    }
  }
  return {
    dir: abs,
    manifest,
    manifestPath,
    manifestSha256: createHash('sha256').update(bytes).digest('hex'),
    documents: manifest.shards.reduce((n, s) => n + s.documents, 0),
    tokens: manifest.shards.reduce((n, s) => n + s.tokens, 0),
  };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** All sources of a mixture must share one tokenizer (name and vocabulary checksum). */
export function checkSameTokenizer(runs: readonly { name: string; run: SourceRun }[], where: string): void {
  const [first, ...rest] = runs;
  if (!first) return;
  const a = first.run.manifest.tokenizer;
  for (const { name, run } of rest) {
    const b = run.manifest.tokenizer;
    if (a.name !== b.name || a.checksum !== b.checksum) {
      throw new ConfigError(
        `${where}: source '${name}' (${run.dir}) was tokenized with ${b.name} (checksum ${b.checksum.slice(0, 12)}…) but source '${first.name}' with ${a.name} (checksum ${a.checksum.slice(0, 12)}…); ` +
          `token ids of different vocabularies cannot be mixed: prepare '${name}' again with --tokenizer ${a.name} (or "tokenizer": {"name": "${a.name}"} in its config)`,
      );
    }
  }
}
