// Building mixtures (after prepare.ts has checked them): per mixture, pick each source's documents
// (whole epochs + a seeded partial epoch), scatter them to shuffle buckets on disk, shuffle each bucket
// in memory and write the result as a run directory whose manifest records the realized mixture and
// its lineage back to the source runs (lineage.ts).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { Rng } from '../../lib/rng.js';
import type { Logger } from '../../lib/log.js';
import { shardDocs } from '../../formats/token-shards/read.js';
import { BucketWriter, bucketPath, decodeRecord, readBucket, removeBuckets } from './buckets.js';
import type { ResolvedMixFile } from './schema.js';
import { documentLengths, selectPartial } from './select.js';
import { writeTokenRun, type TokenDoc } from './run-writer.js';
import { mixConfig, mixLineage, mixReport } from './lineage.js';
import type { MixedManifest } from './mixed-manifest.js';
import { prepareMixtures, type MixOptions, type PreparedMixture } from './prepare.js';
import { writeReportOrWarn } from '../report/report-file.js';

export type { MixedManifest, MixLineage, MixSourceLineage } from './mixed-manifest.js';
export { prepareMixtures, type MixOptions, type PreparedMixture } from './prepare.js';

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
    await writeReportOrWarn(p.outDir, log);
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

  const lineage = mixLineage(p, configDir, { picks, sources: realized, buckets });
  const config = mixConfig(p, tokenizer);
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
