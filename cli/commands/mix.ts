// `biglm mix`: blend prepared runs into one mixed run per mixture of a mix file, and compare them.

import * as path from 'node:path';
import { parseCommand, UsageError } from '../args.js';
import { countingLogger } from '../log.js';
import { loadMixFile } from '../../pipeline/mix/schema.js';
import { buildMixture, prepareMixtures } from '../../pipeline/mix/mix.js';
import { formatMixTable, formatPlanTable } from '../../pipeline/mix/table.js';
import { promises as fs } from 'node:fs';
import { isRemote } from '../../storage/index.js';
import { openMirror, pushChanged } from '../../pipeline/runner/remote-run.js';

export const MIX_HELP = `biglm mix <mix.json> [--out DIR] [--force] [--only NAME] [--dry-run]

Blend prepared runs (their run directories) into mixed runs: each source gives a share ("weight") or a
fixed number ("tokens") of tokens, as whole epochs plus a seeded partial epoch, never more than its
"maxEpochs". Documents are shuffled across all sources in bounded memory. Each mixture becomes a run
directory DIR/<mixture name> with Arrow shards and a manifest like any prepared run, plus the realized
shares, epochs and lineage (source manifests and their sha256). Prints a comparison table.
Every source, budget and output is checked before anything is written. See docs/mixing.md.

  --out DIR     folder for the mixed runs (default: runs/<mix file name>)
  --force       rebuild mixtures whose run directory already exists
  --only NAME   build only this mixture (repeatable)
  --dry-run     check everything and print the planned budgets; write nothing
  --quick       check shard sizes only instead of re-hashing every source shard`;

export async function mixCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    {
      out: { type: 'string' },
      force: { type: 'boolean' },
      only: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      quick: { type: 'boolean' },
    },
    MIX_HELP,
  );
  if (wantsHelp) {
    console.log(MIX_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one mix file\n\n${MIX_HELP}`);
  const file = await loadMixFile(positionals[0]);
  if (values.only) {
    const known = file.mixtures.map((m) => m.name);
    const unknown = values.only.filter((n) => !known.includes(n));
    if (unknown.length > 0) throw new UsageError(`--only ${unknown.join(', ')}: no such mixture; the file has ${known.join(', ')}`);
    file.mixtures = file.mixtures.filter((m) => values.only!.includes(m.name));
  }
  // Runs in a bucket are read through local mirrors of what a mix reads; an s3:// --out is built in a mirror
  // and pushed when every mixture is done (pipeline/runner/remote-run.ts).
  const mirrors = new Map<string, Promise<string>>();
  for (const m of file.mixtures) {
    for (const s of m.sources) {
      if (!isRemote(s.run)) continue;
      if (!mirrors.has(s.run)) mirrors.set(s.run, openMirror(s.run, { skip: (rel) => !/^(manifest\.json|config\.json|shards\/|tokenizer\/)/.test(rel) }));
      s.run = await mirrors.get(s.run)!;
    }
  }
  const remoteOut = values.out !== undefined && isRemote(values.out) ? values.out : undefined;
  const out = remoteOut ? await openMirror(remoteOut) : path.resolve(values.out ?? path.join('runs', path.basename(positionals[0]).replace(/\.json$/, '')));
  const log = countingLogger();
  const prepared = await prepareMixtures(file, { out, force: Boolean(values.force), log, verify: values.quick ? 'size' : 'sha256' });
  if (values['dry-run']) {
    console.log(formatPlanTable(prepared));
    return 0;
  }
  await fs.mkdir(out, { recursive: true });
  const manifests = [];
  for (const p of prepared) {
    const t0 = performance.now();
    log.info(`mixing '${p.mixture.name}': ${p.plan.totalTokens.toLocaleString('en-US')} tokens from ${p.plan.sources.length} source(s)`);
    const manifest = await buildMixture(p, file.configDir, log);
    const s = (performance.now() - t0) / 1000;
    log.info(`  → ${path.relative(process.cwd(), p.outDir) || '.'}: ${manifest.totals.shards} shard(s) in ${s.toFixed(1)} s (${(manifest.totals.tokens / s / 1e6).toFixed(1)} M tokens/s)`);
    manifests.push(manifest);
  }
  await pushChanged(out);
  console.log(formatMixTable(manifests));
  return 0;
}
