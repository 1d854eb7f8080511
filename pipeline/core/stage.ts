// The stage contract every reader, extractor, filter, dedup step and writer plugs into:
// a stage takes documents and gives documents, `ctx` carrying rank, world size, stats and an abort signal.

import type { z } from 'zod';
import type { Doc } from './doc.js';
import type { StatsRecorder } from './stats.js';
import type { Logger } from '../../lib/log.js';

export interface StageContext {
  /** Task index inside this step, 0 ≤ rank < worldSize. */
  rank: number;
  worldSize: number;
  /** Run directory: the only state shared between tasks. */
  runDir: string;
  /** Name this stage instance reports its stats under (unique within a pipeline). */
  stageName: string;
  stats: StatsRecorder;
  log: Logger;
  signal: AbortSignal;
  /** Run seed; derive per-task generators from (seed, rank, shard), never Math.random(). */
  seed: number;
}

/** A streaming transform. Documents it does not pass on must be counted with `ctx.stats.drop`. */
export type Stage = (docs: AsyncIterable<Doc>, ctx: StageContext) => AsyncIterable<Doc>;

/**
 * A registered stage type. `schema` is strict zod with defaults and descriptions; `create` turns the
 * parsed options into a stage. Stages that need a global barrier (dedup) also declare `barrier`.
 */
export interface StageDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  schema: S;
  create(options: z.output<S>, setup: StageSetup): Stage;
  /** Present on stages that need every document of every rank before they can decide (dedup). */
  barrier?: BarrierDefinition<z.output<S>>;
}

/** What a stage factory may know at construction time (same for every rank). */
export interface StageSetup {
  runDir: string;
  /** Unique name of this stage instance in the pipeline (`type`, or `type#2` for a repeat). */
  stageName: string;
  /** Path of the config file's folder, to resolve relative paths in options. */
  configDir: string;
  seed: number;
  /**
   * The encoding the run tokenizes with (a tiktoken name, or the folder of the vocabulary the run trained); the
   * runner sets it, the tokenize stage needs it.
   */
  encoding?: string;
}

/**
 * A barrier stage splits the pipeline in two segments. `collect` runs as the last streaming stage of
 * the segment before the barrier (e.g. write MinHash signatures; documents pass through unchanged and
 * are written to the segment's intermediate file by the runner). Then `steps` run as global tasks,
 * each with its own world size (e.g. buckets per band, then one clustering task). Then `create` (the
 * stage itself) runs first in the next segment, reading the intermediate file, and drops what the
 * global steps decided to drop.
 */
export interface BarrierDefinition<O> {
  collect(options: O, setup: StageSetup): Stage;
  steps(options: O, setup: StageSetup & { segmentWorldSize: number }): GlobalStep[];
}

export interface GlobalStep {
  /** Unique within the run, e.g. `dedup.buckets`. */
  name: string;
  worldSize: number;
  /** Runs one rank. Idempotent: writes to temporary names and renames. What it counts goes to `ctx.stats`. */
  run(rank: number, ctx: Omit<StageContext, 'rank' | 'worldSize' | 'stageName'>): Promise<void>;
}
