// Building mixtures: check every source of every mixture (manifests, shard hashes, tokenizers, budgets,
// existing outputs) before writing anything; then, per mixture, pick each source's documents (whole
// epochs + a seeded partial epoch), scatter them to shuffle buckets on disk, shuffle each bucket in
// memory and write the result as a run directory with a manifest that records the realized mixture
// and its lineage back to the source runs.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../config/errors.js';
import { writeFileAtomic } from '../core/atomic.js';
import { Rng } from '../core/rng.js';
import type { Logger } from '../core/log.js';
import type { Manifest } from '../run/finalize.js';
import { shardDocs } from './shard-reader.js';
import { BucketWriter, bucketPath, decodeRecord, readBucket, removeBuckets } from './buckets.js';
import { planMixture, type MixturePlan } from './plan.js';
import type { ResolvedMixFile, ResolvedMixture } from './schema.js';
import { documentLengths, selectPartial } from './select.js';
import { checkSameTokenizer, readRunManifest, type SourceRun } from './source-run.js';
import { writeTokenRun, type TokenDoc } from './run-writer.js';
import { formatMixTable } from './table.js';

export interface MixSourceLineage {
  name: string;
  /** The source run directory as written in the mix file. */
  run: string;
  /** The source's manifest.json (path relative to the mix file's folder) and its sha256. */
  manifest: { path: string; sha256: string };
  /** The source run's configHash: which prepare config produced it. */
  configHash: string;
  /** As written in the mix file, and what it came to: a share of the mixture and a token count. */
  requested: { weight?: number; tokens?: number };
  requestedShare: number;
  requestedTokens: number;
  maxEpochs: number;
  sourceTokens: number;
  sourceDocuments: number;
  /** Whole passes over the source, and the tokens / documents of the seeded partial pass. */
  fullEpochs: number;
  partialTokens: number;
  partialDocuments: number;
  /** What the mixture holds from this source. */
  tokens: number;
  documents: number;
  share: number;
  /** tokens / sourceTokens. */
  epochs: number;
}

export interface MixLineage {
  name: string;
  seed: number;
  /** Requested token budget of the mixture, and the tokens it holds. */
  requestedTokens: number;
  tokens: number;
  documents: number;
  shuffle: { buckets: number; bucketBytes: number };
  sources: MixSourceLineage[];
}

export type MixedManifest = Manifest & { mix: MixLineage };

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

/**
 * Builds one prepared mixture in a hidden staging folder next to its run directory, which appears
 * (renamed into place) only when complete; a failed build leaves nothing behind.
 */
export async function buildMixture(p: PreparedMixture, configDir: string, log: Logger): Promise<MixedManifest> {
  const stage = path.join(path.dirname(p.outDir), `.${p.mixture.name}.partial`);
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdir(stage, { recursive: true });
  try {
    const manifest = await buildInto(p, stage, configDir, log);
    await fs.rm(p.outDir, { recursive: true, force: true });
    await fs.rename(stage, p.outDir);
    return manifest;
  } catch (e) {
    await fs.rm(stage, { recursive: true, force: true });
    throw e;
  }
}

async function buildInto(p: PreparedMixture, stage: string, configDir: string, log: Logger): Promise<MixedManifest> {
  const { mixture: m, runs, plan } = p;
  const tokenizer = { ...runs[0].manifest.tokenizer };
  // A trained vocabulary lives in its source run: point at it from the mixed run's own directory.
  if (tokenizer.path !== undefined) tokenizer.path = path.relative(p.outDir, path.resolve(runs[0].dir, tokenizer.path));
  const tokenBytes = (tokenizer.tokenWidth / 8) as 2 | 4;

  const t0 = performance.now();
  const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(2)} s`;
  // 1. Which documents, how many times: whole epochs for everything, plus a seeded partial epoch.
  // One source at a time, so only one source's length array is alive.
  const picks: { selected?: Uint8Array; tokens: number; documents: number }[] = [];
  for (const [i, s] of plan.sources.entries()) {
    if (s.partialTokens === 0) {
      picks.push({ tokens: 0, documents: 0 });
      continue;
    }
    const lengths = await documentLengths(runs[i]);
    picks.push(selectPartial(lengths, s.partialTokens, new Rng(m.seed, 'mix-select', m.name, s.name)));
  }

  log.info(`  ${m.name}: picked the partial epochs in ${seconds(t0)}`);
  const t1 = performance.now();

  // 2. Scatter every copy to a random bucket on disk.
  const expectedBytes = plan.sources.reduce((n, s) => n + s.target * tokenBytes + (s.target / s.sourceTokens) * s.sourceDocuments * 48, 0);
  const buckets = Math.max(1, Math.ceil(expectedBytes / m.output.shuffleBucketBytes));
  const bucketDir = path.join(stage, 'buckets');
  await fs.mkdir(bucketDir, { recursive: true });
  const writer = new BucketWriter(bucketDir, buckets, tokenBytes);
  const scatter = new Rng(m.seed, 'mix-scatter', m.name);
  const realized = plan.sources.map(() => ({ tokens: 0, documents: 0 }));
  try {
    for (const [i, s] of plan.sources.entries()) {
      const selected = picks[i].selected;
      let j = 0;
      for (const shard of runs[i].manifest.shards) {
        for await (const doc of shardDocs(path.join(runs[i].dir, shard.path))) {
          const copies = s.fullEpochs + (selected ? selected[j] : 0);
          for (let k = 0; k < copies; k++) {
            // Repeats get distinct ids (the k-th repeat: "<id>~rep<k>") so ids stay unique in the mixture.
            writer.write(Math.floor(scatter.next() * buckets), k === 0 ? doc.id : `${doc.id}~rep${k}`, doc.source, doc.tokens);
            realized[i].tokens += doc.tokens.length;
            realized[i].documents++;
          }
          j++;
        }
      }
      log.info(`  ${m.name}: ${s.name}: ${realized[i].tokens.toLocaleString('en-US')} tokens (${(realized[i].tokens / s.sourceTokens).toFixed(3)} epochs)`);
    }
  } finally {
    writer.close();
  }
  log.info(`  ${m.name}: scattered to ${buckets} shuffle bucket(s) in ${seconds(t1)}`);
  const t2 = performance.now();

  // 3. Shuffle each bucket in memory, in bucket order, straight into the shard writer. One buffer,
  // sized for the largest bucket, is reused: each chunk is written before the next is produced.
  const largest = Math.max(...writer.bytes);
  const batchDocs = m.output.batchDocs;
  async function* shuffled(): AsyncIterable<TokenDoc[]> {
    let reuse: Uint8Array = new Uint8Array(new ArrayBuffer(largest));
    for (let b = 0; b < buckets; b++) {
      const file = bucketPath(bucketDir, b);
      const { buf, offsets } = readBucket(file, tokenBytes, reuse);
      reuse = buf.byteLength > reuse.byteLength ? buf : reuse;
      const rng = new Rng(m.seed, 'mix-bucket', m.name, b);
      for (let i = offsets.length - 1; i > 0; i--) {
        const r = Math.floor(rng.next() * (i + 1));
        const t = offsets[i];
        offsets[i] = offsets[r];
        offsets[r] = t;
      }
      await fs.rm(file);
      for (let i = 0; i < offsets.length; i += batchDocs) {
        const chunk: TokenDoc[] = [];
        for (let k = i; k < Math.min(i + batchDocs, offsets.length); k++) chunk.push(decodeRecord(buf, offsets[k], tokenBytes));
        yield chunk;
      }
    }
  }

  const total = realized.reduce((n, r) => n + r.tokens, 0);
  const documents = realized.reduce((n, r) => n + r.documents, 0);
  const lineage: MixLineage = {
    name: m.name,
    seed: m.seed,
    requestedTokens: plan.totalTokens,
    tokens: total,
    documents,
    shuffle: { buckets, bucketBytes: m.output.shuffleBucketBytes },
    sources: plan.sources.map((s, i) => ({
      name: s.name,
      run: m.sources[i].runAsWritten,
      manifest: { path: path.relative(configDir, runs[i].manifestPath), sha256: runs[i].manifestSha256 },
      configHash: runs[i].manifest.configHash,
      requested: m.sources[i].weight !== undefined ? { weight: m.sources[i].weight } : { tokens: m.sources[i].tokens },
      requestedShare: s.requestedShare,
      requestedTokens: s.target,
      maxEpochs: s.maxEpochs,
      sourceTokens: s.sourceTokens,
      sourceDocuments: s.sourceDocuments,
      fullEpochs: s.fullEpochs,
      partialTokens: picks[i].tokens,
      partialDocuments: picks[i].documents,
      tokens: realized[i].tokens,
      documents: realized[i].documents,
      share: total > 0 ? realized[i].tokens / total : 0,
      epochs: realized[i].tokens / s.sourceTokens,
    })),
  };

  const config = {
    kind: 'biglm-mix',
    name: m.name,
    seed: m.seed,
    totalTokens: m.totalTokens ?? null,
    tokenizer: { name: tokenizer.name },
    output: { ...m.output, textOutput: 'none' },
    sources: m.sources.map((s, i) => ({
      name: s.name,
      run: s.runAsWritten,
      ...(s.weight !== undefined ? { weight: s.weight } : { tokens: s.tokens }),
      maxEpochs: s.maxEpochs,
      manifestSha256: runs[i].manifestSha256,
    })),
  };
  const manifest = await writeTokenRun(shuffled(), {
    runDir: stage,
    tokenizer,
    config,
    inputs: await Promise.all(
      runs.map(async (r) => ({ path: path.relative(configDir, r.manifestPath), bytes: (await fs.stat(r.manifestPath)).size })),
    ),
    shardMaxBytes: m.output.shardMaxBytes,
    batchDocs: m.output.batchDocs,
    extra: { mix: lineage },
  });
  await writeFileAtomic(path.join(stage, 'report.txt'), mixReport(manifest));
  log.info(`  ${m.name}: shuffled and wrote ${manifest.totals.shards} shard(s) in ${seconds(t2)}`);
  removeBuckets(bucketDir);
  return manifest;
}

/** Checks everything, then builds every mixture of the file in order. */
export async function runMixFile(file: ResolvedMixFile, opts: MixOptions): Promise<MixedManifest[]> {
  const prepared = await prepareMixtures(file, opts);
  await fs.mkdir(opts.out, { recursive: true });
  const out: MixedManifest[] = [];
  for (const p of prepared) {
    opts.log.info(`mixing '${p.mixture.name}': ${p.plan.totalTokens.toLocaleString('en-US')} tokens from ${p.plan.sources.length} source(s) → ${p.outDir}`);
    out.push(await buildMixture(p, file.configDir, opts.log));
  }
  return out;
}

/** report.txt of a mixed run (what `biglm inspect` shows first): totals, the mixture table, the lineage. */
function mixReport(m: MixedManifest): string {
  return [
    `mixture ${m.mix.name} (seed ${m.mix.seed}): ${m.totals.tokens.toLocaleString('en-US')} tokens of ${m.mix.requestedTokens.toLocaleString('en-US')} requested, ` +
      `${m.totals.kept.toLocaleString('en-US')} documents in ${m.totals.shards} shard(s), tokenizer ${m.tokenizer.name}`,
    '',
    formatMixTable([m]),
    '',
    'sources',
    ...m.mix.sources.map((s) => `  ${s.name}: ${s.manifest.path} sha256 ${s.manifest.sha256.slice(0, 16)}… (config ${s.configHash.slice(0, 12)}…)`),
  ].join('\n') + '\n';
}
