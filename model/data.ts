// Reads masked example shards (manifest.json kind "biglm-examples" + Arrow IPC files) into host batches,
// in a deterministic order: every epoch shuffles the shard order from the seed, cuts it into windows of
// shards and shuffles the rows of each window together, and the reader's position (epoch, window, row) is
// plain data so a resumed run continues exactly where the interrupted one stopped. The masks are the ones
// `biglm mask` drew: every epoch sees the same masked positions of a row.

import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Rng } from '../lib/rng.js';
import type { Logger } from '../lib/log.js';
import type { HostBatch } from './batch.js';
import { readExampleShard } from '../formats/examples/shard.js';
import type { ReadableExamplesManifest } from '../formats/examples/manifest.js';

/**
 * What to pass to getEncoding() to get the examples' tokenizer back: a built-in name, or the absolute
 * path of a trained vocabulary — from the manifest's tokenizer.path, else from the prepared run the
 * examples were made from (source.run → its manifest's tokenizer.path), else the name.
 */
export async function tokenizerRef(dir: string, manifest: ReadableExamplesManifest): Promise<string> {
  const own = (manifest.tokenizer as { path?: unknown }).path;
  if (typeof own === 'string') return path.resolve(dir, own);
  const run = (manifest as { source?: { run?: unknown } }).source?.run;
  if (typeof run === 'string') {
    const runDir = path.resolve(dir, run);
    try {
      const runManifest = JSON.parse(await fs.readFile(path.join(runDir, 'manifest.json'), 'utf8')) as { tokenizer?: { path?: unknown } };
      if (typeof runManifest.tokenizer?.path === 'string') return path.resolve(runDir, runManifest.tokenizer.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return manifest.tokenizer.name;
}

/**
 * Where a reader stands: window `window` of epoch `epoch`'s shard order, row `row` of that window's
 * row order. Plain data, saved in checkpoints.
 */
export interface LoaderPosition {
  epoch: number;
  window: number;
  row: number;
}

/** One shard's rows, flattened: row i of a column is [i*T, (i+1)*T). */
export interface ShardRows {
  rows: number;
  inputIds: Int32Array;
  labels: Int32Array;
  segmentIds: Int32Array;
  roles: Uint8Array;
  lossWeights: Float32Array;
  targetLengths: Int32Array[];
}

/** One shard's rows through the examples format's reader, each row's target lengths as its own view. */
export function readShard(file: string, T: number, log: Logger, dropped: Map<string, number>): ShardRows {
  const s = readExampleShard(file, { seqLen: T, log, dropped });
  const targetLengths = Array.from({ length: s.rows }, (_, i) => s.targetLengths.subarray(s.targetOffsets[i], s.targetOffsets[i + 1]));
  return { rows: s.rows, inputIds: s.inputIds, labels: s.labels, segmentIds: s.segmentIds, roles: s.roles, lossWeights: s.lossWeights, targetLengths };
}

export interface LoaderOptions {
  dir: string;
  manifest: ReadableExamplesManifest;
  split: 'train' | 'valid';
  seed: number;
  /** false: shards and rows in manifest order. */
  shuffle: boolean;
  /**
   * Shards open at once (default 64): each epoch shuffles the shard order, cuts it into windows of this
   * many shards and shuffles all rows of a window together, so a batch mixes every source the window holds.
   * At least the number of shards: one shuffle over all rows. Memory: this many shards' rows.
   */
  windowShards?: number;
  log: Logger;
}

/** Rows of the window being read: where each of its rows lives, in reading order. */
interface Window {
  key: string;
  /** [shard slot, row] pairs of the window's reading order, flattened. */
  order: Int32Array;
  shards: ShardRows[];
}

/**
 * Endless batches over one split, cycling epochs. Prepare writes one token shard per input file and mask one
 * example shard per token shard, so a shard is usually one source: rows are mixed across the shards of a
 * window (see windowShards), not only within one.
 */
export class ExampleLoader {
  readonly T: number;
  /** Rows skipped as malformed, by reason (reported in metrics). */
  readonly dropped = new Map<string, number>();
  private pos: LoaderPosition = { epoch: 0, window: 0, row: 0 };
  private readonly files: string[];
  private readonly windowShards: number;
  private readonly loaded = new Map<number, ShardRows>();
  private current?: Window;

  constructor(private readonly o: LoaderOptions) {
    this.T = o.manifest.seqLen;
    const refs = o.split === 'train' ? o.manifest.shards : o.manifest.valid_shards;
    this.files = refs.map((r) => path.resolve(o.dir, r.path));
    if (this.files.length === 0) throw new Error(`${o.dir}: manifest lists no ${o.split} shards`);
    this.windowShards = Math.max(1, Math.min(o.windowShards ?? 64, this.files.length));
  }

  get position(): LoaderPosition {
    return { ...this.pos };
  }

  set position(p: LoaderPosition) {
    this.pos = { ...p };
  }

  private get windowsPerEpoch(): number {
    return Math.ceil(this.files.length / this.windowShards);
  }

  private shardOrder(epoch: number): number[] {
    const order = this.files.map((_, i) => i);
    return this.o.shuffle ? Rng.independent(this.o.seed, 'shards', epoch).shuffle(order) : order;
  }

  private rowsOf(fileIndex: number): ShardRows {
    let rows = this.loaded.get(fileIndex);
    if (!rows) {
      rows = readShard(this.files[fileIndex], this.T, this.o.log, this.dropped);
      this.loaded.set(fileIndex, rows);
    }
    return rows;
  }

  private window(epoch: number, w: number): Window {
    const key = `${epoch}:${w}`;
    if (this.current?.key === key) return this.current;
    const members = this.shardOrder(epoch).slice(w * this.windowShards, (w + 1) * this.windowShards);
    // Shards of the previous window that this one does not hold leave memory (all stay when one window spans every shard).
    for (const k of [...this.loaded.keys()]) if (!members.includes(k)) this.loaded.delete(k);
    const shards = members.map((k) => this.rowsOf(k));
    const total = shards.reduce((n, s) => n + s.rows, 0);
    const order = new Int32Array(2 * total);
    let i = 0;
    shards.forEach((s, slot) => {
      for (let r = 0; r < s.rows; r++, i++) {
        order[2 * i] = slot;
        order[2 * i + 1] = r;
      }
    });
    if (this.o.shuffle) {
      const rng = Rng.independent(this.o.seed, 'rows', epoch, w);
      for (let a = total - 1; a > 0; a--) {
        const b = Math.floor(rng.next() * (a + 1));
        const s0 = order[2 * a];
        const r0 = order[2 * a + 1];
        order[2 * a] = order[2 * b];
        order[2 * a + 1] = order[2 * b + 1];
        order[2 * b] = s0;
        order[2 * b + 1] = r0;
      }
    }
    this.current = { key, order, shards };
    return this.current;
  }

  /** The next B rows in order, crossing window and epoch boundaries. */
  nextBatch(B: number): HostBatch {
    const T = this.T;
    const b = emptyBatch(B, T);
    let emptyWindows = 0;
    for (let r = 0; r < B; ) {
      const w = this.window(this.pos.epoch, this.pos.window);
      if (this.pos.row >= w.order.length / 2) {
        if (w.order.length === 0 && ++emptyWindows > this.windowsPerEpoch) throw new Error(`${this.o.dir}: every ${this.o.split} shard is empty`);
        this.pos = this.pos.window + 1 < this.windowsPerEpoch ? { ...this.pos, window: this.pos.window + 1, row: 0 } : { epoch: this.pos.epoch + 1, window: 0, row: 0 };
        continue;
      }
      const at = this.pos.row++;
      copyRow(w.shards[w.order[2 * at]], w.order[2 * at + 1], b, r);
      r++;
    }
    return b;
  }
}

export function emptyBatch(B: number, T: number): HostBatch {
  return {
    B,
    T,
    inputIds: new Int32Array(B * T),
    labels: new Int32Array(B * T),
    segmentIds: new Int32Array(B * T),
    roles: new Uint8Array(B * T),
    lossWeights: new Float32Array(B * T),
    targetLengths: [],
  };
}

/** Copies row `src` of a shard into row `r` of a batch. */
export function copyRow(s: ShardRows, src: number, b: HostBatch, r: number): void {
  const T = b.T;
  const from = src * T;
  b.inputIds.set(s.inputIds.subarray(from, from + T), r * T);
  b.labels.set(s.labels.subarray(from, from + T), r * T);
  b.segmentIds.set(s.segmentIds.subarray(from, from + T), r * T);
  b.roles.set(s.roles.subarray(from, from + T), r * T);
  b.lossWeights.set(s.lossWeights.subarray(from, from + T), r * T);
  b.targetLengths[r] = s.targetLengths[src];
}
