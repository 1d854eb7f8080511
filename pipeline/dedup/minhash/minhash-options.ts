// Options of the `minhash_dedup` stage (datatrove/FineWeb defaults) and what they mean for hashing.

import { z } from 'zod';
import { normalizationSchema } from '../normalize.js';
import type { MinHashParams } from './minhash.js';

export const minhashSchema = z
  .object({
    unit: z.enum(['word', 'char']).default('word').describe('Shingle unit: words (default) or characters (Unicode code points, spaces included).'),
    shingleSize: z.number().int().min(1).max(1000).default(5).describe('Units per shingle (FineWeb: 5 words; NeMo Curator: 24 characters).'),
    segmentation: z
      .enum(['auto', 'whitespace', 'intl'])
      .default('auto')
      .describe('How words are found: `auto` splits on spaces unless the text has a spaceless script (Chinese, Japanese, Thai, …), then uses Intl.Segmenter; `intl` always; `whitespace` never.'),
    bands: z.number().int().min(1).max(512).default(14).describe('LSH bands; a pair is a candidate when all rows of one band agree.'),
    rows: z.number().int().min(1).max(128).default(8).describe('Hashes per band; bands × rows permutations in all (FineWeb: 14 × 8 = 112).'),
    seed: z.number().int().default(1).describe('Seed of the (a·x + b) mod (2^61 − 1) permutations; runs used as each other\'s index need the same seed.'),
    normalization: normalizationSchema.prefault({}).describe('Text normalization before shingling.'),
    verifyThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.75)
      .describe(
        'Keep an LSH candidate pair only when its signatures agree on at least this fraction of the bands × rows minima ' +
          '(an estimate of Jaccard similarity). Removes most of the 0.5–0.7 pairs plain LSH lets through, and half the ' +
          'copies with 3 % of their words replaced (Jaccard ≈ 0.75: 250 of 500 Brown texts, plain LSH 372; ' +
          'bench/minhash-fineweb.ts); 0 = plain LSH, as datatrove/FineWeb (configs/fineweb.json).',
      ),
    index: z
      .array(z.string())
      .default([])
      .describe('Finished earlier runs (run dirs or their dedup/<stage> folders) to dedup against: documents matching them are removed.'),
    dumpClusters: z.boolean().default(false).describe('Write dedup/<stage>/clusters.jsonl: every cluster\'s members (id + first line), kept one first.'),
  })
  .strict();

export type MinHashOptions = z.output<typeof minhashSchema>;

export function minhashParams(o: MinHashOptions): MinHashParams {
  return {
    bands: o.bands,
    rows: o.rows,
    shingleSize: o.shingleSize,
    unit: o.unit,
    segmentation: o.segmentation,
    normalization: o.normalization,
    seed: o.seed,
  };
}

/** The options that decide signature values: an index must agree on all of them. */
export function hashingOptions(o: MinHashOptions): Record<string, unknown> {
  const { bands, rows, shingleSize, unit, segmentation, normalization, seed } = o;
  return { bands, rows, shingleSize, unit, segmentation, normalization, seed, version: 1 };
}
