// The `minhash_dedup` stage type: near-duplicate removal with MinHash + LSH, as files-linked tasks
//   collect (segment task r)  → sigs/band-<b>/<r>.sig, keys/<r>.keys
//   <stage>.buckets (one task per band) → pairs/band-<b>.pairs
//   <stage>.clusters (one task)         → remove/<r>.rm, report.json [, clusters.jsonl]
//   filter (this stage, segment task r) drops the listed documents.

import type { StageDefinition } from '../../core/stage.js';
import { DedupLayout } from '../layout.js';
import { minhashCollect } from './minhash-collect.js';
import { hashingOptions, minhashSchema } from './minhash-options.js';
import { runBuckets } from './minhash-buckets.js';
import { runClusters } from './minhash-clusters.js';
import { removalFilter } from '../filter.js';
import { resolveIndexSources } from '../index-runs.js';

export const minhashDedup: StageDefinition<typeof minhashSchema> = {
  type: 'minhash_dedup',
  description:
    'Near-duplicate removal (MinHash LSH, FineWeb defaults: 5-word shingles, 14 bands × 8 rows); keeps the first document of each cluster by (file, position).',
  schema: minhashSchema,
  create(options, setup) {
    const layout = new DedupLayout(setup.runDir, setup.stageName);
    return removalFilter(
      setup.stageName,
      (rank) => [{ file: layout.removals(rank), producer: { stageName: setup.stageName, step: `${setup.stageName}.clusters`, rank: 0 } }],
      ['minhash_dedup:near_duplicate', 'minhash_dedup:matches_index'],
    );
  },
  barrier: {
    collect: minhashCollect,
    steps(options, setup) {
      const layout = new DedupLayout(setup.runDir, setup.stageName);
      // producers in error messages use the plan's step names: `<stage>.<step>`
      const bucketsStep = `${setup.stageName}.buckets`;
      // resolved when the steps are planned, so a bad index path fails before any work starts
      const index = resolveIndexSources(options.index, setup.configDir, setup.stageName, 'minhash_dedup', hashingOptions(options));
      return [
        {
          name: 'buckets',
          worldSize: options.bands,
          run: async (band, ctx) => {
            const { pairs, rejected } = runBuckets(layout, band, setup.segmentWorldSize, index, options.verifyThreshold);
            ctx.stats.count(setup.stageName, 'minhash_pairs', pairs);
            ctx.stats.count(setup.stageName, 'minhash_pairs_rejected', rejected);
          },
        },
        {
          name: 'clusters',
          worldSize: 1,
          run: async (_rank, ctx) => {
            await runClusters(layout, options, setup.segmentWorldSize, bucketsStep, ctx.stats, index.map((i) => i.dir));
          },
        },
      ];
    },
  },
};
