// Everything that can fail, checked for every mixture before any output exists: each source run's
// manifest and shard hashes, one tokenizer per mixture, the token budgets against maxEpochs, and
// existing output directories. All problems are reported together in one ConfigError.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config-errors.js';
import type { Logger } from '../../lib/log.js';
import { planMixture, type MixturePlan } from './plan.js';
import type { ResolvedMixFile, ResolvedMixture } from './schema.js';
import { checkSameTokenizer, readRunManifest, type SourceRun } from './source-run.js';

export interface PreparedMixture {
  mixture: ResolvedMixture;
  runs: SourceRun[];
  plan: MixturePlan;
  outDir: string;
}

export interface MixOptions {
  /** Folder that receives one run directory per mixture. */
  out: string;
  force?: boolean;
  log: Logger;
  /** 'sha256' (default) re-hashes every source shard before mixing. */
  verify?: 'sha256' | 'size';
}

/** Every check that can fail, for every mixture, before any output exists. Throws one ConfigError listing all problems. */
export async function prepareMixtures(file: ResolvedMixFile, opts: MixOptions): Promise<PreparedMixture[]> {
  const cache = new Map<string, Promise<SourceRun>>();
  const errors: string[] = [];
  const prepared: PreparedMixture[] = [];
  for (const m of file.mixtures) {
    const runs: SourceRun[] = [];
    for (const s of m.sources) {
      const label = `mixture '${m.name}', source '${s.name}' (${s.runAsWritten})`;
      let pending = cache.get(s.run);
      if (!pending) {
        pending = readRunManifest(s.run, { label, verify: opts.verify });
        cache.set(s.run, pending);
      }
      try {
        runs.push(await pending);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (runs.length !== m.sources.length) continue;
    try {
      checkSameTokenizer(
        m.sources.map((s, i) => ({ name: s.name, run: runs[i] })),
        `mixture '${m.name}'`,
      );
    } catch (e) {
      errors.push((e as Error).message);
      continue;
    }
    const { plan, errors: planErrors } = planMixture(m, runs);
    errors.push(...planErrors);
    const outDir = path.resolve(opts.out, m.name);
    if (!opts.force && (await fs.stat(outDir).catch(() => undefined))) {
      errors.push(`mixture '${m.name}': ${outDir} already exists; pass --force to rebuild it, or choose another --out`);
    }
    if (plan) prepared.push({ mixture: m, runs, plan, outDir });
  }
  // A broken source shared by several mixtures is reported once.
  if (errors.length > 0) throw new ConfigError(`cannot build the mixtures:\n  ${[...new Set(errors)].join('\n  ')}`);
  return prepared;
}
