// The run configuration: inputs, reader, stage list, tokenizer, output. Each stage's own options are
// validated by the schema that sits next to that stage; this file holds only the frame around them.

import { z } from 'zod';
import { editorSchemaKey } from '../../lib/editor-schema-key.js';

export const ReaderConfig = z
  .object({
    format: z
      .string()
      .default('auto')
      .describe("Input format: 'auto' (from each file's name), 'warc', 'wat', 'jsonl', 'json', 'parquet' or 'arrow'."),
    options: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .default({})
      .describe("Options per format, e.g. { \"jsonl\": { \"textField\": \"content\" } }; checked by that reader's schema."),
  })
  .strict();

export const StageEntry = z
  .object({
    type: z.string().describe('Stage type, e.g. gopher_quality (see `biglm stages`).'),
    name: z.string().optional().describe('Name for stats and outputs; defaults to the type (type#2 for a repeat).'),
  })
  .catchall(z.unknown());

export const TokenizerTrainConfig = z
  .object({
    vocabSize: z
      .number()
      .int()
      .min(257)
      .default(8192)
      .describe('Base vocabulary size of the BPE trained on this run\'s kept documents: 256 bytes + merges + EOS.'),
    pattern: z
      .enum(['cl100k_base', 'o200k_base'])
      .default('cl100k_base')
      .describe('Pre-tokenization regex the BPE is trained and applied with.'),
  })
  .strict();

export const TokenizerConfig = z
  .object({
    name: z
      .string()
      .default('cl100k_base')
      .describe(
        'A tiktoken encoding (cl100k_base, o200k_base, p50k_base, r50k_base, gpt2), the path of a trained vocabulary ' +
          '(relative to the config), or with `train` the name given to the vocabulary trained in this run.',
      ),
    train: TokenizerTrainConfig.optional().describe(
      'Train a byte-level BPE on the documents the stages keep, then tokenize with it (written to <run>/tokenizer/).',
    ),
  })
  .strict();

/** Shared by every writer of token shards (prepare, mix). */
export const ShardMaxBytes = z
  .number()
  .int()
  .positive()
  .default(128 * 1024 * 1024)
  .describe('Roll to a new Arrow shard once the current one holds this many token bytes.');

export const OutputConfig = z
  .object({
    shardMaxBytes: ShardMaxBytes,
    textOutput: z
      .enum(['none', 'jsonl', 'parquet'])
      .default('none')
      .describe('Also write the kept documents as text with all their metadata under <out>/text/.'),
    batchDocs: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe('Documents per Arrow record batch inside a shard.'),
  })
  .strict();

/** The most tasks a step may have: a documented bound, well above any input's file count we have seen. */
export const MAX_TASKS = 100_000;

export const RunConfig = z
  .object({
    ...editorSchemaKey,
    inputs: z.array(z.string()).min(1).describe('Input files or globs (relative to the config file).'),
    reader: ReaderConfig.default({ format: 'auto', options: {} }),
    tasks: z
      .number()
      .int()
      .positive()
      .max(
        MAX_TASKS,
        `at most ${MAX_TASKS} (every task leaves a marker, a stats file and a segment file per step, and a task reads ` +
          'whole input files, so more tasks than files gain nothing); leave tasks out for one task per input file',
      )
      .optional()
      .describe(
        `Number of tasks the input is split into (default: one per input file; at most the number of input files, and ${MAX_TASKS}). ` +
          'Never derived from --workers, so output does not depend on it.',
      ),
    seed: z.number().int().default(0).describe('Seed for every random choice (sampling, masking, shuffles).'),
    stages: z
      .array(StageEntry)
      .default([])
      .describe('Stages in order, after the reader. `tokenize` may end the list (it is placed last when left out); the writers of `output` follow it.'),
    tokenizer: TokenizerConfig.default({ name: 'cl100k_base' }),
    output: OutputConfig.default({ shardMaxBytes: 128 * 1024 * 1024, textOutput: 'none', batchDocs: 1024 }),
  })
  .strict();

export type RunConfigInput = z.input<typeof RunConfig>;

/** A stage entry after its options went through its own schema. */
export interface ResolvedStage {
  type: string;
  name: string;
  options: Record<string, unknown>;
}

/** The fully resolved config written into the run directory (`config.json`). */
export interface ResolvedConfig {
  /** Folder that relative paths in the original config were resolved against. */
  configDir: string;
  /** Input files after glob expansion, sorted, absolute. Index = fileIndex of every document. */
  inputs: string[];
  /** The input patterns as written. */
  inputPatterns: string[];
  reader: { format: string; options: Record<string, Record<string, unknown>> };
  tasks: number;
  seed: number;
  stages: ResolvedStage[];
  tokenizer: z.output<typeof TokenizerConfig>;
  output: z.output<typeof OutputConfig>;
}
