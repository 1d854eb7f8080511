// One task of the masking stage: one source token shard in, its packed and masked rows out (train and
// validation files). Plain data in and out, so it runs inline or in a piscina worker alike. Every random
// choice is seeded by (seed, shard index, row index), so the bytes do not depend on the worker count.

import { promises as fs } from 'node:fs';
import { RecordBatchReader, type Data, type RecordBatch } from 'apache-arrow';
import { Rng } from '../../lib/rng.js';
import type { MaskConfig } from './config.js';
import { IGNORE_LABEL } from '../../formats/examples/labels.js';
import { ExampleBatchBuilder, ExampleFileWriter, exampleSchema, type RowColumns, type WrittenFile } from '../../formats/examples/shard.js';
import { SegmentMasker } from './objectives.js';
import { RowPacker, type PackedRow } from './pack.js';

export interface ShardTask {
  shardIndex: number;
  /** Source token shard (absolute path). */
  input: string;
  trainPath: string;
  validPath: string;
  config: MaskConfig;
  tokenizer: { vocabSize: number; eosId: number; specials: { mask: number; bos: number; pad: number } };
}

export interface SplitFile extends WrittenFile {
  maskedTokens: number;
}

export interface ShardResult {
  shardIndex: number;
  train: SplitFile | null;
  valid: SplitFile | null;
  /** Documents read = kept + sum(dropped). */
  documents: { read: number; kept: number; dropped: Record<string, number> };
  rows: number;
  segments: number;
  /** Non-pad tokens (BOS/EOS included). */
  tokens: number;
  padTokens: number;
  maskedTokens: number;
  /** The train row with the smallest split hash: moved to validation when no row anywhere was picked. */
  smallestHash: { row: number; trainIndex: number; hash: number } | null;
  warnings: string[];
}

const MAX_WARNINGS = 20;

/**
 * Mask every segment of a packed row into `cols` (fresh, zero-filled views) and fill the padding; reports each
 * segment's target length in order and returns the number of masked tokens.
 */
export function maskRow(row: PackedRow, cols: RowColumns, masker: SegmentMasker, rng: Rng, padId: number, onTargetLength: (length: number) => void): number {
  let masked = 0;
  for (let k = 0; k < row.segments; k++) {
    masker.mask(row.tokens, cols, row.segStart[k], row.segLength[k], row.hasBos[k] === 1, row.hasEos[k] === 1, k + 1, rng);
    onTargetLength(masker.targetLength);
    masked += masker.masked;
  }
  // Padding: [PAD] input, ignored label; segment 0, role 0 and weight 0 are the zeros already there.
  cols.inputIds.fill(padId, row.used);
  cols.labels.fill(IGNORE_LABEL, row.used);
  cols.segmentIds.fill(0, row.used);
  cols.roles.fill(0, row.used);
  cols.lossWeights.fill(0, row.used);
  return masked;
}

/** The record batches of a token shard; a damaged file is an error naming it (not a per-document drop). */
async function* readBatches(file: string, handle: fs.FileHandle): AsyncGenerator<RecordBatch> {
  const damaged = (e: unknown) => new Error(`${file}: not a readable Arrow IPC file (${(e as Error).message})`);
  let reader;
  try {
    reader = await RecordBatchReader.from(handle);
    await reader.open();
  } catch (e) {
    throw damaged(e);
  }
  if (!reader.schema.fields.some((f) => f.name === 'tokens')) {
    throw new Error(`${file}: no 'tokens' column (columns: ${reader.schema.fields.map((f) => f.name).join(', ')})`);
  }
  const it = reader[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<RecordBatch>;
    try {
      next = await it.next();
    } catch (e) {
      throw damaged(e);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** Deterministic uniform [0,1) hash of a row, deciding its split. */
export function rowSplitHash(seed: number, shardIndex: number, row: number): number {
  return new Rng(seed, 'valid', shardIndex, row).next();
}

export async function maskShard(task: ShardTask): Promise<ShardResult> {
  const { config, shardIndex, tokenizer } = task;
  const { seqLen, seed, validFraction } = config;
  const { eosId, vocabSize, specials } = tokenizer;
  const schema = exampleSchema({
    'biglm.examples': JSON.stringify({ objective: config.objective, seqLen, seed, shardIndex }),
  });
  const result: ShardResult = {
    shardIndex,
    train: null,
    valid: null,
    documents: { read: 0, kept: 0, dropped: {} },
    rows: 0,
    segments: 0,
    tokens: 0,
    padTokens: 0,
    maskedTokens: 0,
    smallestHash: null,
    warnings: [],
  };
  let warned = 0;
  const drop = (reason: string, docIndex: number, why: string) => {
    result.documents.dropped[reason] = (result.documents.dropped[reason] ?? 0) + 1;
    if (reason === 'too_short') return; // expected, counted only
    if (warned++ < MAX_WARNINGS) result.warnings.push(`${task.input}: row ${docIndex}: ${why}; document dropped (${reason})`);
  };

  const splits = {
    train: { builder: new ExampleBatchBuilder(seqLen, config.batchRows, schema), writer: null as ExampleFileWriter | null, path: task.trainPath, masked: 0 },
    valid: { builder: new ExampleBatchBuilder(seqLen, config.batchRows, schema), writer: null as ExampleFileWriter | null, path: task.validPath, masked: 0 },
  };
  type Split = (typeof splits)['train'];
  const pending: { split: Split; batch: RecordBatch }[] = [];
  const masker = new SegmentMasker(config, { vocabSize, eosId, mask: specials.mask });
  const packer = new RowPacker(seqLen, specials.bos, specials.pad);

  const onRow = (row: PackedRow) => {
    const rowIndex = result.rows++;
    const hash = rowSplitHash(seed, shardIndex, rowIndex);
    const split = hash < validFraction ? splits.valid : splits.train;
    if (split === splits.train && (result.smallestHash === null || hash < result.smallestHash.hash)) {
      result.smallestHash = { row: rowIndex, trainIndex: split.builder.rows + (split.writer?.rows ?? 0) + pendingRows(split), hash };
    }
    const builder = split.builder;
    const masked = maskRow(row, builder.nextRow(), masker, new Rng(seed, 'mask', shardIndex, rowIndex), specials.pad, (t) =>
      builder.pushTargetLength(t),
    );
    builder.endRow();
    split.masked += masked;
    result.segments += row.segments;
    result.tokens += row.used;
    result.padTokens += seqLen - row.used;
    result.maskedTokens += masked;
    if (split.builder.full) pending.push({ split, batch: split.builder.seal()! });
  };
  const pendingRows = (split: Split) => pending.reduce((n, p) => n + (p.split === split ? p.batch.numRows : 0), 0);

  const drain = async () => {
    for (const { split, batch } of pending.splice(0)) {
      split.writer ??= await ExampleFileWriter.open(split.path);
      await split.writer.write(batch);
    }
  };

  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(task.input, 'r');
    let docIndex = 0;
    for await (const batch of readBatches(task.input, handle)) {
      const tokensColumn = batch.getChild('tokens')!;
      const counts = batch.getChild('n_tokens');
      for (const data of tokensColumn.data as Data[]) {
        const offsets = data.valueOffsets as Int32Array;
        const values = data.children[0].values as Uint16Array | Uint32Array;
        for (let i = 0; i < data.length; i++, docIndex++) {
          result.documents.read++;
          if (data.nullCount > 0 && !data.getValid(i)) {
            drop('null_tokens', docIndex, 'tokens is null');
            continue;
          }
          const from = offsets[i];
          const to = offsets[i + 1];
          const n = to - from;
          const declared = counts ? (counts.get(i) as number | null) : null; // one Data per column in a batch
          if (n === 0 || values[to - 1] !== eosId) {
            drop('missing_eos', docIndex, `the token list does not end with EOS (${eosId})`);
            continue;
          }
          let max = 0;
          for (let p = from; p < to; p++) if (values[p] > max) max = values[p];
          if (max >= vocabSize) {
            drop('token_out_of_range', docIndex, `token id ${max} is outside the vocabulary (size ${vocabSize})`);
            continue;
          }
          if (declared !== null && declared !== n) {
            drop('n_tokens_mismatch', docIndex, `n_tokens says ${declared} but the list holds ${n}`);
            continue;
          }
          if (n - 1 <= config.minDocTokens) {
            drop('too_short', docIndex, '');
            continue;
          }
          result.documents.kept++;
          packer.add(values, from, to, onRow);
        }
      }
      await drain();
    }
    packer.flush(onRow);
    for (const split of [splits.train, splits.valid]) {
      const last = split.builder.seal();
      if (last) pending.push({ split, batch: last });
    }
    await drain();
    for (const [name, split] of Object.entries(splits) as [keyof typeof splits, Split][]) {
      if (split.writer) result[name] = { ...(await split.writer.close()), maskedTokens: split.masked };
    }
  } catch (err) {
    for (const split of [splits.train, splits.valid]) await split.writer?.abort();
    throw err;
  } finally {
    await handle?.close();
  }
  if (warned > MAX_WARNINGS) result.warnings.push(`${task.input}: ${warned - MAX_WARNINGS} more dropped documents not shown`);
  return result;
}
