// biglm as a library: build a pipeline from readers, filters, dedup, your own stages and writers, and run it
// with an executor — the same run directories, configs and outputs as the `biglm` CLI, which is built on it.
//
//   import { pipeline, readers, filters, dedup, tokenize, writers, LocalExecutor } from 'biglm';
//   import { isGood } from './my-stages.js';
//   const p = pipeline([readers.warc('crawl/*.warc.gz'), filters.gopherQuality(), isGood, dedup.minhash(), tokenize('gpt2'), writers.shards()]);
//   const { manifest } = await new LocalExecutor({ workers: 4 }).run(p, { out: 'runs/crawl' });

export { pipeline, Pipeline, type PipelineOptions } from './pipeline.js';
export { readers, extract, filters, dedup, stage, custom, tokenize, writers } from './steps.js';
export type { PipelineStep, ReaderStep, StageStep, CustomStep, TokenizeStep, WriterStep, CustomOptions } from './steps.js';
export { LocalExecutor, SlurmExecutor, type LocalExecutorOptions, type SlurmExecutorOptions, type RunOptions, type RunResult, type CompletedRun, type SubmittedRun } from './executors.js';

// Writing your own stages: a filter function, a mapper, a whole stage, or a definition with options.
export { filterDocuments, mapDocuments, documentStage, type FilterFunction, type MapFunction } from '../pipeline/custom/kinds.js';
export { defineFilter, defineTransform, drop, type Verdict, type FilterTools } from '../pipeline/filters/define-filter.js';
export type { Doc } from '../pipeline/core/doc.js';
export type { Stage, StageContext, StageDefinition, StageSetup } from '../pipeline/core/stage.js';
export type { Stats, StageStats } from '../pipeline/core/stats.js';
export type { Logger } from '../lib/log.js';
export { consoleLogger, memoryLogger } from '../lib/log.js';
export { Rng } from '../lib/rng.js';
// The zod that biglm's schemas are made with, for the options schema of your own stages.
export { z } from 'zod';

// Configs, runs and their outputs.
export type { RunConfigInput, ResolvedConfig } from '../pipeline/config/schema.js';
export { ConfigError } from '../lib/config-errors.js';
export { configJsonSchema, CONFIG_KINDS, type ConfigKind } from '../pipeline/config/json-schema.js';
export type { Manifest } from '../pipeline/runner/run-file-types.js';
export { readShardDocs, type ShardDoc } from '../formats/token-shards/read.js';
// report.html of any run directory (prepare, mix, mask, train); returns its path.
export { writeRunReportLazily as writeRunReport, reportPath } from '../pipeline/report/report-file.js';

// Tokenizers.
export { getEncoding, listEncodings, describeEncoding, type Encoding } from '../tokenizer/index.js';
