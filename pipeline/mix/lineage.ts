// What a mixed run records about itself: the realized share, epochs and documents per source, and its
// lineage back to the source runs (manifest path and sha256, their config hashes), plus its config.json
// and the report.txt that `biglm inspect` shows.

import * as path from 'node:path';
import type { MixedManifest, MixLineage } from './mixed-manifest.js';
import type { PreparedMixture } from './prepare.js';
import { formatMixTable } from './table.js';

export interface Realized {
  /** The seeded partial epoch of each source. */
  picks: { tokens: number; documents: number }[];
  /** What the mixture holds from each source. */
  sources: { tokens: number; documents: number }[];
  buckets: number;
}

export function mixLineage(p: PreparedMixture, configDir: string, r: Realized): MixLineage {
  const { mixture: m, runs, plan } = p;
  const total = r.sources.reduce((n, x) => n + x.tokens, 0);
  return {
    name: m.name,
    seed: m.seed,
    requestedTokens: plan.totalTokens,
    tokens: total,
    documents: r.sources.reduce((n, x) => n + x.documents, 0),
    shuffle: { buckets: r.buckets, bucketBytes: m.output.shuffleBucketBytes },
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
      partialTokens: r.picks[i].tokens,
      partialDocuments: r.picks[i].documents,
      tokens: r.sources[i].tokens,
      documents: r.sources[i].documents,
      share: total > 0 ? r.sources[i].tokens / total : 0,
      epochs: r.sources[i].tokens / s.sourceTokens,
    })),
  };
}

/** config.json of a mixed run: the resolved mixture, with the sha256 of each source manifest (so configHash covers the inputs). */
export function mixConfig(p: PreparedMixture, tokenizer: { name: string }): Record<string, unknown> {
  const m = p.mixture;
  return {
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
      manifestSha256: p.runs[i].manifestSha256,
    })),
  };
}

/** report.txt of a mixed run (what `biglm inspect` shows first): totals, the mixture table, the lineage. */
export function mixReport(m: MixedManifest): string {
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
