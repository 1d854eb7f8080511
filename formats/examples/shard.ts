// The example shard format (Arrow IPC file, one row per packed sequence), written by `biglm mask` and read
// by the trainer: columns, a batch builder that fills flat typed arrays without copies, a streaming writer
// that appears atomically with its sha256, and `readExampleShard`, the one reader, into plain typed arrays.

import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  Field,
  Float32,
  Int32,
  List,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  tableFromIPC,
  Uint8,
  type DataType,
} from 'apache-arrow';
import { tempName } from '../../lib/atomic.js';
import type { Logger } from '../../lib/log.js';

/** The output columns of one row (views of length seqLen). */
export interface RowColumns {
  inputIds: Int32Array;
  labels: Int32Array;
  segmentIds: Int32Array;
  roles: Uint8Array;
  lossWeights: Float32Array;
}

const listOf = (name: string, item: DataType) => new Field(name, new List(new Field('item', item, false)), false);

/** Column order and types of an example shard. */
export const EXAMPLE_FIELDS = [
  listOf('input_ids', new Int32()),
  listOf('labels', new Int32()),
  listOf('segment_ids', new Int32()),
  listOf('roles', new Uint8()),
  listOf('loss_weights', new Float32()),
  listOf('target_lengths', new Int32()),
];

export function exampleSchema(metadata: Record<string, string> = {}): Schema {
  return new Schema(EXAMPLE_FIELDS, new Map(Object.entries(metadata)));
}

/** A shard read back as flat arrays: row i's tokens are [i·seqLen, (i+1)·seqLen). */
export interface ExampleShard {
  rows: number;
  seqLen: number;
  inputIds: Int32Array;
  labels: Int32Array;
  segmentIds: Int32Array;
  /** ROLE_PAD, ROLE_SOURCE or ROLE_TARGET (labels.ts). */
  roles: Uint8Array;
  lossWeights: Float32Array;
  /** Target lengths of row i's segments are targetLengths[targetOffsets[i] … targetOffsets[i+1]). */
  targetLengths: Int32Array;
  targetOffsets: Int32Array;
}

/** Fills up to `capacity` rows in place; `seal` hands the arrays to a RecordBatch and starts fresh ones. */
export class ExampleBatchBuilder {
  rows = 0;
  private inputIds!: Int32Array;
  private labels!: Int32Array;
  private segmentIds!: Int32Array;
  private roles!: Uint8Array;
  private lossWeights!: Float32Array;
  private targetLengths!: Int32Array;
  private targetOffsets!: Int32Array;
  private nTargets = 0;

  constructor(
    readonly seqLen: number,
    readonly capacity: number,
    private readonly schema: Schema,
  ) {
    this.allocate();
  }

  private allocate(): void {
    const n = this.seqLen * this.capacity;
    this.inputIds = new Int32Array(n);
    this.labels = new Int32Array(n);
    this.segmentIds = new Int32Array(n);
    this.roles = new Uint8Array(n);
    this.lossWeights = new Float32Array(n);
    this.targetLengths = new Int32Array(Math.max(16, this.capacity * 2));
    this.targetOffsets = new Int32Array(this.capacity + 1);
    this.rows = 0;
    this.nTargets = 0;
  }

  get full(): boolean {
    return this.rows === this.capacity;
  }

  /** Views of the next row's columns (all zero: pad id 0 is overwritten by the caller). */
  nextRow(): RowColumns {
    if (this.full) throw new Error('batch is full: seal it first');
    const a = this.rows * this.seqLen;
    const b = a + this.seqLen;
    return {
      inputIds: this.inputIds.subarray(a, b),
      labels: this.labels.subarray(a, b),
      segmentIds: this.segmentIds.subarray(a, b),
      roles: this.roles.subarray(a, b),
      lossWeights: this.lossWeights.subarray(a, b),
    };
  }

  pushTargetLength(value: number): void {
    if (this.nTargets === this.targetLengths.length) {
      const grown = new Int32Array(this.targetLengths.length * 2);
      grown.set(this.targetLengths);
      this.targetLengths = grown;
    }
    this.targetLengths[this.nTargets++] = value;
  }

  /** Close the row started with `nextRow` (after its target lengths were pushed). */
  endRow(): void {
    this.rows++;
    this.targetOffsets[this.rows] = this.nTargets;
  }

  /** Copy row `i` of a shard read back (used to move a row between splits). */
  appendRowFrom(shard: ExampleShard, i: number): void {
    const cols = this.nextRow();
    const a = i * shard.seqLen;
    const b = a + shard.seqLen;
    cols.inputIds.set(shard.inputIds.subarray(a, b));
    cols.labels.set(shard.labels.subarray(a, b));
    cols.segmentIds.set(shard.segmentIds.subarray(a, b));
    cols.roles.set(shard.roles.subarray(a, b));
    cols.lossWeights.set(shard.lossWeights.subarray(a, b));
    for (let k = shard.targetOffsets[i]; k < shard.targetOffsets[i + 1]; k++) this.pushTargetLength(shard.targetLengths[k]);
    this.endRow();
  }

  /** The filled rows as a RecordBatch (no copy), or null when empty; the builder starts over. */
  seal(): RecordBatch | null {
    if (this.rows === 0) return null;
    const rows = this.rows;
    const tokens = rows * this.seqLen;
    const fixedOffsets = new Int32Array(rows + 1);
    for (let i = 0; i <= rows; i++) fixedOffsets[i] = i * this.seqLen;
    const list = (field: Field, values: Int32Array | Uint8Array | Float32Array, offsets: Int32Array, length: number) => {
      const itemType = (field.type as List).children[0].type;
      return makeData({
        type: field.type as List,
        length: rows,
        nullCount: 0,
        valueOffsets: offsets,
        child: makeData({ type: itemType, length, nullCount: 0, data: values.subarray(0, length) as never }),
      });
    };
    const f = this.schema.fields;
    const children = [
      list(f[0], this.inputIds, fixedOffsets, tokens),
      list(f[1], this.labels, fixedOffsets, tokens),
      list(f[2], this.segmentIds, fixedOffsets, tokens),
      list(f[3], this.roles, fixedOffsets, tokens),
      list(f[4], this.lossWeights, fixedOffsets, tokens),
      list(f[5], this.targetLengths, this.targetOffsets.subarray(0, rows + 1), this.nTargets),
    ];
    const batch = new RecordBatch(this.schema, makeData({ type: new Struct(f), length: rows, nullCount: 0, children }));
    this.allocate();
    return batch;
  }
}

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
}

/** Streams record batches into an Arrow IPC file under a temporary name; `close` fsyncs and renames. */
export class ExampleFileWriter {
  private readonly tmp: string;
  private readonly writer: RecordBatchFileWriter;
  private readonly out: ReturnType<typeof createWriteStream>;
  private readonly hash = createHash('sha256');
  private readonly done: Promise<void>;
  private bytes = 0;
  rows = 0;

  private constructor(readonly target: string) {
    this.tmp = tempName(target);
    this.writer = new RecordBatchFileWriter();
    this.out = createWriteStream(this.tmp);
    const stream = this.writer.toNodeStream();
    stream.on('data', (chunk: Uint8Array) => {
      this.hash.update(chunk);
      this.bytes += chunk.byteLength;
    });
    stream.pipe(this.out);
    this.done = new Promise((resolve, reject) => {
      this.out.on('finish', resolve);
      this.out.on('error', reject);
      stream.on('error', reject);
    });
    // The schema (with its metadata) goes out with the first batch: callers open a writer on their first row.
  }

  static async open(target: string): Promise<ExampleFileWriter> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    return new ExampleFileWriter(target);
  }

  async write(batch: RecordBatch): Promise<void> {
    this.writer.write(batch);
    this.rows += batch.numRows;
    // Let the file stream catch up so memory stays bounded by a few batches.
    if (this.out.writableNeedDrain) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  async close(): Promise<WrittenFile> {
    this.writer.finish();
    await this.done;
    const fh = await fs.open(this.tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(this.tmp, this.target);
    return { rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Drop the temporary file (on error). */
  async abort(): Promise<void> {
    this.out.destroy();
    await fs.rm(this.tmp, { force: true });
  }
}

/** Rows of another length than the run's seqLen are warned about, counted as `data:bad_row_length` and skipped. */
export interface RowLengthCheck {
  seqLen: number;
  log: Logger;
  dropped: Map<string, number>;
}

const SEQ_COLUMNS = ['input_ids', 'labels', 'segment_ids', 'roles', 'loss_weights'] as const;

/** Read an example shard into flat typed arrays (one copy per column, whatever the batch layout). */
export function readExampleShard(file: string, check?: RowLengthCheck): ExampleShard {
  const table = tableFromIPC(readFileSync(file));
  const rows = table.numRows;
  const flat = <T extends Int32Array | Uint8Array | Float32Array>(name: string, Ctor: { new (n: number): T }) => {
    const column = table.getChild(name);
    if (!column) throw new Error(`${file}: column '${name}' is missing; is this an example shard?`);
    const parts: { values: T; offsets: Int32Array; length: number }[] = [];
    let total = 0;
    for (const data of column.data) {
      const offsets = data.valueOffsets as Int32Array;
      const start = offsets[0];
      const end = offsets[data.length];
      parts.push({ values: (data.children[0].values as T).subarray(start, end) as T, offsets: offsets.subarray(0, data.length + 1), length: data.length });
      total += end - start;
    }
    const values = new Ctor(total);
    const rowOffsets = new Int32Array(rows + 1);
    let at = 0;
    let row = 0;
    for (const part of parts) {
      values.set(part.values, at);
      for (let i = 0; i < part.length; i++) rowOffsets[++row] = at + part.offsets[i + 1] - part.offsets[0];
      at += part.values.length;
    }
    return { values, rowOffsets };
  };
  const seq = {
    input_ids: flat('input_ids', Int32Array),
    labels: flat('labels', Int32Array),
    segment_ids: flat('segment_ids', Int32Array),
    roles: flat('roles', Uint8Array),
    loss_weights: flat('loss_weights', Float32Array),
  };
  const targets = flat('target_lengths', Int32Array);
  const shard: ExampleShard = {
    rows,
    seqLen: check?.seqLen ?? (rows > 0 ? seq.input_ids.rowOffsets[1] : 0),
    inputIds: seq.input_ids.values,
    labels: seq.labels.values,
    segmentIds: seq.segment_ids.values,
    roles: seq.roles.values,
    lossWeights: seq.loss_weights.values,
    targetLengths: targets.values,
    targetOffsets: targets.rowOffsets,
  };
  if (!check) return shard;
  const kept: number[] = [];
  rows: for (let i = 0; i < rows; i++) {
    for (const name of SEQ_COLUMNS) {
      const { rowOffsets } = seq[name];
      const n = rowOffsets[i + 1] - rowOffsets[i];
      if (n !== check.seqLen) {
        check.log.warn(`${file}: row ${i}: ${name} has ${n} values, expected seqLen ${check.seqLen}; row skipped`);
        check.dropped.set('data:bad_row_length', (check.dropped.get('data:bad_row_length') ?? 0) + 1);
        continue rows;
      }
    }
    kept.push(i);
  }
  return kept.length === rows ? shard : keepRows(shard, seq, targets, kept);
}

type Flat<T> = { values: T; rowOffsets: Int32Array };

/** The shard with only rows `kept` (each of seqLen values in every sequence column). */
function keepRows(
  shard: ExampleShard,
  seq: Record<(typeof SEQ_COLUMNS)[number], Flat<Int32Array | Uint8Array | Float32Array>>,
  targets: Flat<Int32Array>,
  kept: number[],
): ExampleShard {
  const T = shard.seqLen;
  const pick = <A extends Int32Array | Uint8Array | Float32Array>(f: Flat<A>): A => {
    const out = new (f.values.constructor as { new (n: number): A })(kept.length * T);
    kept.forEach((i, r) => out.set(f.values.subarray(f.rowOffsets[i], f.rowOffsets[i + 1]), r * T));
    return out;
  };
  const targetOffsets = new Int32Array(kept.length + 1);
  const targetLengths = new Int32Array(kept.reduce((n, i) => n + targets.rowOffsets[i + 1] - targets.rowOffsets[i], 0));
  kept.forEach((i, r) => {
    const part = targets.values.subarray(targets.rowOffsets[i], targets.rowOffsets[i + 1]);
    targetLengths.set(part, targetOffsets[r]);
    targetOffsets[r + 1] = targetOffsets[r] + part.length;
  });
  return {
    rows: kept.length,
    seqLen: T,
    inputIds: pick(seq.input_ids as Flat<Int32Array>),
    labels: pick(seq.labels as Flat<Int32Array>),
    segmentIds: pick(seq.segment_ids as Flat<Int32Array>),
    roles: pick(seq.roles as Flat<Uint8Array>),
    lossWeights: pick(seq.loss_weights as Flat<Float32Array>),
    targetLengths,
    targetOffsets,
  };
}
