// Reads masked example shards (manifest.json kind "biglm-examples" + Arrow IPC files) into host batches,
// in a deterministic order: every epoch shuffles the shard order and the rows within each shard from
// the seed, and the reader's position (epoch, shard, row) is plain data so a resumed run continues
// exactly where the interrupted one stopped. One shard is in memory at a time.

import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { z } from 'zod';
import { Rng } from '../pipeline/core/rng.js';
import type { Logger } from '../pipeline/core/log.js';
import type { HostBatch } from './batch.js';

const ShardRef = z.object({ path: z.string(), rows: z.number().int().min(0) }).passthrough();

export const ExamplesManifestSchema = z
  .object({
    kind: z.literal('biglm-examples'),
    objective: z.string(),
    seqLen: z.number().int().positive(),
    tokenizer: z
      .object({
        name: z.string(),
        vocabSize: z.number().int().positive(),
        eosId: z.number().int().min(0),
        specials: z.object({ mask: z.number().int(), bos: z.number().int(), pad: z.number().int() }),
        embeddingSize: z.number().int().positive(),
      })
      .passthrough(),
    shards: z.array(ShardRef),
    valid_shards: z.array(ShardRef).default([]),
  })
  .passthrough();
export type ExamplesManifest = z.infer<typeof ExamplesManifestSchema>;

export async function readExamplesManifest(dir: string): Promise<ExamplesManifest> {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read examples manifest ${file}: ${(err as Error).message}`);
  }
  const parsed = ExamplesManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file} is not a biglm-examples manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  if (parsed.data.shards.length === 0) throw new Error(`${file}: no training shards`);
  return parsed.data;
}

/**
 * What to pass to getEncoding() to get the examples' tokenizer back: a built-in name, or the absolute
 * path of a trained vocabulary — from the manifest's tokenizer.path, else from the prepared run the
 * examples were made from (source.run → its manifest's tokenizer.path), else the name.
 */
export async function tokenizerRef(dir: string, manifest: ExamplesManifest): Promise<string> {
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

/** Where a reader stands: shard `shard` of epoch `epoch`'s order, row `row` of that shard's order. */
export interface LoaderPosition {
  epoch: number;
  shard: number;
  row: number;
}

/** One shard's rows, flattened: row i of a column is [i*T, (i+1)*T). */
interface ShardRows {
  rows: number;
  inputIds: Int32Array;
  labels: Int32Array;
  segmentIds: Int32Array;
  roles: Uint8Array;
  lossWeights: Float32Array;
  targetLengths: Int32Array[];
}

const SEQ_COLUMNS = ['input_ids', 'labels', 'segment_ids', 'roles', 'loss_weights'] as const;

/** Reads one Arrow shard; rows whose lists do not have seqLen values are warned about and skipped. */
export function readShard(file: string, T: number, log: Logger, dropped: Map<string, number>): ShardRows {
  const table: Table = tableFromIPC(readFileSync(file));
  for (const name of [...SEQ_COLUMNS, 'target_lengths']) {
    if (!table.getChild(name)) throw new Error(`${file}: missing column '${name}' (expected ${[...SEQ_COLUMNS, 'target_lengths'].join(', ')})`);
  }
  const n = table.numRows;
  const cols = SEQ_COLUMNS.map((c) => table.getChild(c)!);
  const tl = table.getChild('target_lengths')!;
  const out: ShardRows = {
    rows: 0,
    inputIds: new Int32Array(n * T),
    labels: new Int32Array(n * T),
    segmentIds: new Int32Array(n * T),
    roles: new Uint8Array(n * T),
    lossWeights: new Float32Array(n * T),
    targetLengths: [],
  };
  const targets = [out.inputIds, out.labels, out.segmentIds, out.roles, out.lossWeights];
  rows: for (let i = 0; i < n; i++) {
    const values = cols.map((c) => c.get(i)?.toArray() as ArrayLike<number> | undefined);
    for (let c = 0; c < values.length; c++) {
      const v = values[c];
      if (!v || v.length !== T) {
        log.warn(`${file}: row ${i}: ${SEQ_COLUMNS[c]} has ${v ? v.length : 'no'} values, expected seqLen ${T}; row skipped`);
        dropped.set('data:bad_row_length', (dropped.get('data:bad_row_length') ?? 0) + 1);
        continue rows;
      }
    }
    for (let c = 0; c < values.length; c++) (targets[c] as Int32Array).set(values[c] as ArrayLike<number>, out.rows * T);
    out.targetLengths.push(Int32Array.from((tl.get(i)?.toArray() as ArrayLike<number>) ?? []));
    out.rows++;
  }
  return out;
}

export interface LoaderOptions {
  dir: string;
  manifest: ExamplesManifest;
  split: 'train' | 'valid';
  seed: number;
  /** false: shards and rows in manifest order (evaluation). */
  shuffle: boolean;
  log: Logger;
}

/** Endless batches over one split, cycling epochs. */
export class ExampleLoader {
  readonly T: number;
  /** Rows skipped as malformed, by reason (reported in metrics). */
  readonly dropped = new Map<string, number>();
  private pos: LoaderPosition = { epoch: 0, shard: 0, row: 0 };
  private readonly files: string[];
  private cached?: { key: string; rows: ShardRows; order: Int32Array };

  constructor(private readonly o: LoaderOptions) {
    this.T = o.manifest.seqLen;
    const refs = o.split === 'train' ? o.manifest.shards : o.manifest.valid_shards;
    this.files = refs.map((r) => path.resolve(o.dir, r.path));
    if (this.files.length === 0) throw new Error(`${o.dir}: manifest lists no ${o.split} shards`);
  }

  get position(): LoaderPosition {
    return { ...this.pos };
  }

  set position(p: LoaderPosition) {
    this.pos = { ...p };
  }

  private shardOrder(epoch: number): number[] {
    const order = this.files.map((_, i) => i);
    return this.o.shuffle ? new Rng(this.o.seed, 'shards', epoch).shuffle(order) : order;
  }

  private shard(epoch: number, k: number): { rows: ShardRows; order: Int32Array } {
    const fileIndex = this.shardOrder(epoch)[k];
    const key = `${epoch}:${fileIndex}`;
    if (this.cached?.key === key) return this.cached;
    // The same file in another epoch: reuse its rows, reshuffle.
    const rows = this.cached && this.cached.key.endsWith(`:${fileIndex}`) ? this.cached.rows : readShard(this.files[fileIndex], this.T, this.o.log, this.dropped);
    const order = Int32Array.from({ length: rows.rows }, (_, i) => i);
    if (this.o.shuffle) {
      const rng = new Rng(this.o.seed, 'rows', epoch, fileIndex);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    this.cached = { key, rows, order };
    return this.cached;
  }

  /** The next B rows in order, crossing shard and epoch boundaries. */
  nextBatch(B: number): HostBatch {
    const T = this.T;
    const b: HostBatch = {
      B,
      T,
      inputIds: new Int32Array(B * T),
      labels: new Int32Array(B * T),
      segmentIds: new Int32Array(B * T),
      roles: new Uint8Array(B * T),
      lossWeights: new Float32Array(B * T),
      targetLengths: [],
    };
    let emptyShards = 0;
    for (let r = 0; r < B; ) {
      const s = this.shard(this.pos.epoch, this.pos.shard);
      if (this.pos.row >= s.rows.rows) {
        if (s.rows.rows === 0 && ++emptyShards > this.files.length) throw new Error(`${this.o.dir}: every ${this.o.split} shard is empty`);
        this.pos = this.pos.shard + 1 < this.files.length ? { ...this.pos, shard: this.pos.shard + 1, row: 0 } : { epoch: this.pos.epoch + 1, shard: 0, row: 0 };
        continue;
      }
      const src = s.order[this.pos.row++];
      const from = src * T;
      b.inputIds.set(s.rows.inputIds.subarray(from, from + T), r * T);
      b.labels.set(s.rows.labels.subarray(from, from + T), r * T);
      b.segmentIds.set(s.rows.segmentIds.subarray(from, from + T), r * T);
      b.roles.set(s.rows.roles.subarray(from, from + T), r * T);
      b.lossWeights.set(s.rows.lossWeights.subarray(from, from + T), r * T);
      b.targetLengths.push(s.rows.targetLengths[src]);
      r++;
    }
    return b;
  }
}
