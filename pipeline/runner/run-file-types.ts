// The shapes of the files a prepare run leaves for others to read: `manifest.json` (mix, mask, export, inspect,
// the report, scripts) and `stats/<step>/<rank>.json` (finalize, the report, benchmarks). Types only, so the
// readers of a run need not import the runner that writes it.

import type { Stats } from '../core/stats.js';
import type { ShardInfo } from '../../formats/token-shards/write.js';

export interface Manifest {
  kind: 'biglm-run';
  version: 1;
  configHash: string;
  tokenizer: {
    name: string;
    vocabSize: number;
    eosId: number;
    checksum: string;
    tokenWidth: 16 | 32;
    /** Trained vocabularies: the folder holding it, relative to the run directory (`getEncoding` takes it). */
    path?: string;
  };
  inputs: { path: string; bytes: number }[];
  shards: ShardInfo[];
  totals: { read: number; kept: number; dropped: Record<string, number>; tokens: number; shards: number };
}

/** What a task leaves in `stats/<step>/<rank>.json`. */
export interface TaskStatsFile {
  step: string;
  rank: number;
  worldSize: number;
  stats: Stats;
  /** Documents the task passed on (into the next segment, or into shards). */
  kept: number;
  shards?: ShardInfo[];
  /** When the task ran (ms since the epoch) and where (`host pid N thread N`): the report's task timeline. */
  startedAt?: number;
  finishedAt?: number;
  worker?: string;
}
