// The pieces of a pipeline, as a datatrove user lists them: a reader, filters and other stages (built-in
// ones with typed options, or the user's own), then tokenization and writers. Each builder returns plain
// data that becomes one part of the same JSON config `biglm prepare` reads, so a pipeline built here and
// the config it prints run identically from the CLI.

import type { z } from 'zod';
import type { ReaderDefinition } from '../pipeline/core/reader.js';
import type { StageDefinition } from '../pipeline/core/stage.js';
import type { OutputConfig, TokenizerConfig } from '../pipeline/config/schema.js';
import { arrowReader, jsonArrayReader, jsonlReader, parquetReader, warcReader, watReader } from '../pipeline/readers/index.js';
import { c4BadWords, c4Paragraph, c4Quality, finewebQuality, gopherQuality, gopherRepetition, length, pii, urlFilter } from '../pipeline/filters/index.js';
import { languageId } from '../pipeline/filters/langid/index.js';
import { exactDedup, minhashDedup } from '../pipeline/dedup/index.js';
import { htmlExtractStage } from '../pipeline/extract/index.js';

export interface ReaderStep {
  kind: 'reader';
  inputs: string[];
  /** A reader format, or 'auto' (from each file's name). */
  format: string;
  options: Record<string, Record<string, unknown>>;
}

/** A stage entry of the config: `{ type, name?, ...options }`. */
export interface StageStep {
  kind: 'stage';
  entry: { type: string; name?: string } & Record<string, unknown>;
}

/** The user's own stage: a value exported from a module, located when the pipeline is resolved. */
export interface CustomStep {
  kind: 'custom';
  value: unknown;
  name?: string;
  module?: string | URL;
  exportName?: string;
  options: Record<string, unknown>;
}

export interface TokenizeStep {
  kind: 'tokenize';
  tokenizer: z.input<typeof TokenizerConfig>;
}

export interface WriterStep {
  kind: 'writer';
  output: Partial<z.input<typeof OutputConfig>>;
}

/** One element of `pipeline([...])`; a bare function or stage definition is the user's own stage. */
export type PipelineStep = ReaderStep | StageStep | CustomStep | TokenizeStep | WriterStep | ((...args: never[]) => unknown) | StageDefinition;

type StageOptions<D> = D extends StageDefinition<infer S> ? z.input<S> : never;
type ReaderOptions<D> = D extends ReaderDefinition<infer S> ? z.input<S> : never;
/** Every stage takes `name`: what its stats and drop reasons are reported under. */
type Named = { name?: string };

function stageStep<D extends StageDefinition>(def: D): (options?: StageOptions<D> & Named) => StageStep {
  return (options) => ({ kind: 'stage', entry: { ...(options ?? {}), type: def.type } });
}

function readerStep<D extends ReaderDefinition>(def: D): (inputs: string | string[], options?: ReaderOptions<D>) => ReaderStep {
  return (inputs, options) => ({
    kind: 'reader',
    inputs: typeof inputs === 'string' ? [inputs] : [...inputs],
    format: def.format,
    options: options ? { [def.format]: options as Record<string, unknown> } : {},
  });
}

/** Readers: files, folders or globs (relative to the pipeline's baseDir), and the reader's options. */
export const readers = {
  warc: readerStep(warcReader),
  wat: readerStep(watReader),
  jsonl: readerStep(jsonlReader),
  json: readerStep(jsonArrayReader),
  parquet: readerStep(parquetReader),
  arrow: readerStep(arrowReader),
  /** Each file read by the reader its name calls for, with options per format. */
  auto: (
    inputs: string | string[],
    options: {
      warc?: ReaderOptions<typeof warcReader>;
      wat?: ReaderOptions<typeof watReader>;
      jsonl?: ReaderOptions<typeof jsonlReader>;
      json?: ReaderOptions<typeof jsonArrayReader>;
      parquet?: ReaderOptions<typeof parquetReader>;
      arrow?: ReaderOptions<typeof arrowReader>;
    } = {},
  ): ReaderStep => ({ kind: 'reader', inputs: typeof inputs === 'string' ? [inputs] : [...inputs], format: 'auto', options: options as ReaderStep['options'] }),
};

/** HTML → main-content text (placed first automatically when a pipeline names none). */
export const extract = {
  html: stageStep(htmlExtractStage),
};

/** The quality, language and PII filters (datatrove/FineWeb, C4 and Gopher defaults; every threshold an option). */
export const filters = {
  url: stageStep(urlFilter),
  language: stageStep(languageId),
  gopherRepetition: stageStep(gopherRepetition),
  gopherQuality: stageStep(gopherQuality),
  c4Quality: stageStep(c4Quality),
  c4BadWords: stageStep(c4BadWords),
  c4Paragraph: stageStep(c4Paragraph),
  finewebQuality: stageStep(finewebQuality),
  length: stageStep(length),
  pii: stageStep(pii),
};

/** Exact and MinHash near-duplicate removal across the whole run (barrier stages). */
export const dedup = {
  exact: stageStep(exactDedup),
  minhash: stageStep(minhashDedup),
};

/** Any registered stage type by name (what `biglm stages` lists), with its options. */
export function stage(type: string, options: Record<string, unknown> & Named = {}): StageStep {
  return { kind: 'stage', entry: { ...options, type } };
}

export interface CustomOptions {
  /** Name for stats and drop reasons (default: the export's name, or the definition's type). */
  name?: string;
  /** The module that exports it; found automatically when omitted. */
  module?: string | URL;
  /** The export's name; found by identity when omitted. */
  export?: string;
  /** Options, checked by the definition's own schema (plain functions take only writeExcluded). */
  options?: Record<string, unknown>;
}

/**
 * Your own stage: a filter function `(doc) => true | false | 'reason'`, `mapDocuments(fn)`, `documentStage(fn)`,
 * or a stage definition (`defineFilter`), exported from a module so every worker can import it; or the
 * reference a config would hold, `'./my-stages.js#isGood'`.
 */
export function custom(value: unknown, opts: CustomOptions = {}): CustomStep | StageStep {
  if (typeof value === 'string') return { kind: 'stage', entry: { ...(opts.options ?? {}), type: value, ...(opts.name ? { name: opts.name } : {}) } };
  return { kind: 'custom', value, name: opts.name, module: opts.module, exportName: opts.export, options: opts.options ?? {} };
}

/** The tokenizer: a tiktoken encoding name, a trained vocabulary's path, or `{ name, train: { vocabSize } }`. */
export function tokenize(tokenizer: string | z.input<typeof TokenizerConfig> = 'cl100k_base'): TokenizeStep {
  return { kind: 'tokenize', tokenizer: typeof tokenizer === 'string' ? { name: tokenizer } : tokenizer };
}

/** Outputs: token shards always; the kept documents as text with `jsonl()` or `parquet()`. */
export const writers = {
  shards: (options: { shardMaxBytes?: number; batchDocs?: number } = {}): WriterStep => ({ kind: 'writer', output: options }),
  jsonl: (): WriterStep => ({ kind: 'writer', output: { textOutput: 'jsonl' } }),
  parquet: (): WriterStep => ({ kind: 'writer', output: { textOutput: 'parquet' } }),
};
