// manifest.json of an examples directory (kind "biglm-examples"): one schema for what `biglm mask` writes
// and what the trainer, eval and the report read. The reader checks only what training needs, so a
// directory written by hand or by another tool needs only those keys (the rest is kept as it is).

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export const ExampleShardEntrySchema = z.object({
  path: z.string().describe('Relative to the examples directory.'),
  rows: z.number().int().min(0),
  maskedTokens: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string(),
  source: z.string().describe('The token shard the rows come from.'),
});

const TokenizerSchema = z.object({
  name: z.string(),
  vocabSize: z.number().int().positive(),
  eosId: z.number().int().min(0),
  specials: z.object({ mask: z.number().int(), bos: z.number().int(), pad: z.number().int() }),
  embeddingSize: z.number().int().positive(),
});

/** Everything `biglm mask` writes. */
export const ExamplesManifestSchema = z.object({
  kind: z.literal('biglm-examples'),
  objective: z.string(),
  seqLen: z.number().int().positive(),
  seed: z.number().int(),
  /** The fully resolved mask config. */
  masking: z.record(z.string(), z.unknown()),
  tokenizer: TokenizerSchema,
  source: z.object({ run: z.string(), manifestSha256: z.string() }),
  shards: z.array(ExampleShardEntrySchema),
  valid_shards: z.array(ExampleShardEntrySchema),
  totals: z.object({
    rows: z.number(),
    segments: z.number(),
    /** Non-pad tokens (BOS/EOS included). */
    tokens: z.number(),
    padTokens: z.number(),
    maskedTokens: z.number(),
    documents: z.number(),
    keptDocs: z.number(),
    droppedShortDocs: z.number(),
    /** Every dropped document by reason (too_short included): documents = keptDocs + sum(dropped). */
    dropped: z.record(z.string(), z.number()),
  }),
  split: z.object({
    validFraction: z.number(),
    rule: z.string(),
    trainRows: z.number(),
    validRows: z.number(),
    movedToValid: z.object({ shard: z.number(), row: z.number() }).nullable(),
  }),
});
export type ExamplesManifest = z.infer<typeof ExamplesManifestSchema>;
export type ExampleShardEntry = z.infer<typeof ExampleShardEntrySchema>;

const ReadableShardEntry = ExampleShardEntrySchema.pick({ path: true, rows: true }).passthrough();

/** What a reader relies on: the same keys, the ones training does not need optional. */
export const ReadableExamplesManifestSchema = ExamplesManifestSchema.pick({ kind: true, objective: true, seqLen: true })
  .extend({
    tokenizer: TokenizerSchema.passthrough(),
    shards: z.array(ReadableShardEntry),
    valid_shards: z.array(ReadableShardEntry).default([]),
  })
  .passthrough();
export type ReadableExamplesManifest = z.infer<typeof ReadableExamplesManifestSchema>;

export async function readExamplesManifest(dir: string): Promise<ReadableExamplesManifest> {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read examples manifest ${file}: ${(err as Error).message}`);
  }
  const parsed = ReadableExamplesManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file} is not a biglm-examples manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  if (parsed.data.shards.length === 0) throw new Error(`${file}: no training shards`);
  return parsed.data;
}
