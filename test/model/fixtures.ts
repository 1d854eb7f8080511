// Test fixtures: a tiny masked-examples directory in the format the mask stage writes (manifest.json +
// Arrow IPC shards), built from a learnable toy language: each document is an arithmetic walk
// t[i+1] = (a·t[i] + b) mod 60 from a random start, so a small model can learn to fill masked spans.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Field, Float32, Int32, List, Table, Uint8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Rng } from '../../lib/rng.js';
import type { HostBatch } from '../../model/batch.js';

export const BASE_VOCAB = 61; // ids 0..59 words, 60 = EOS
export const EOS = 60;
export const SPECIALS = { mask: 61, bos: 62, pad: 63 };
export const EMBEDDING_SIZE = 128;

export interface Row {
  input_ids: number[];
  labels: number[];
  segment_ids: number[];
  roles: number[];
  loss_weights: number[];
  target_lengths: number[];
}

/** One packed row of `segments` documents filling T tokens, masked BiGLM-style. */
export function makeRow(rng: Rng, T: number, segments: number): Row {
  const row: Row = { input_ids: [], labels: [], segment_ids: [], roles: [], loss_weights: [], target_lengths: [] };
  const segLen = Math.floor(T / segments);
  for (let s = 0; s < segments; s++) {
    const a = 1 + 2 * rng.int(0, 3);
    const b = rng.int(1, 7);
    const L = segLen - 2; // without BOS/EOS
    const doc: number[] = [rng.int(0, 60)];
    while (doc.length < L) doc.push((a * doc[doc.length - 1] + b) % 60);
    const split = rng.int(Math.ceil(0.2 * L), Math.floor(0.8 * L));
    const tokens = [SPECIALS.bos, ...doc, EOS];
    const r = rng.next();
    tokens.forEach((tok, i) => {
      const isTarget = i - 1 >= split && i > 0; // BOS counts as source, EOS as target
      const masked = i > 0 && (isTarget ? rng.next() < Math.max(0.1, r) : rng.next() < 0.3 - 0.2 * r);
      row.input_ids.push(masked ? SPECIALS.mask : tok);
      row.labels.push(masked ? tok : -100);
      row.loss_weights.push(masked ? 1 : 0);
      row.segment_ids.push(s + 1);
      row.roles.push(isTarget ? 2 : 1);
    });
    row.target_lengths.push(tokens.length - 1 - split);
  }
  return padRow(row, T);
}

function listOf<T extends Int32 | Uint8 | Float32>(type: T) {
  return new List(new Field('item', type, false));
}

export function writeShard(file: string, rows: Row[]): void {
  const table = new Table({
    input_ids: vectorFromArray(rows.map((r) => r.input_ids), listOf(new Int32())),
    labels: vectorFromArray(rows.map((r) => r.labels), listOf(new Int32())),
    segment_ids: vectorFromArray(rows.map((r) => r.segment_ids), listOf(new Int32())),
    roles: vectorFromArray(rows.map((r) => r.roles), listOf(new Uint8())),
    loss_weights: vectorFromArray(rows.map((r) => r.loss_weights), listOf(new Float32())),
    target_lengths: vectorFromArray(rows.map((r) => r.target_lengths), listOf(new Int32())),
  });
  writeFileSync(file, tableToIPC(table, 'file'));
}

/** Writes manifest.json and shards into dir: `trainShards` × `rowsPerShard` rows plus one valid shard. */
export function writeExamplesDir(dir: string, opts: { T: number; trainShards: number; rowsPerShard: number; validRows: number; seed: number; extraRows?: Row[] }): void {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(opts.seed, 'fixture');
  const shards = [];
  for (let k = 0; k < opts.trainShards; k++) {
    const rows = Array.from({ length: opts.rowsPerShard }, () => makeRow(rng, opts.T, 2));
    if (k === 0 && opts.extraRows) rows.push(...opts.extraRows);
    const p = `train-${k}.arrow`;
    writeShard(path.join(dir, p), rows);
    shards.push({ path: p, rows: rows.length });
  }
  writeShard(path.join(dir, 'valid-0.arrow'), Array.from({ length: opts.validRows }, () => makeRow(rng, opts.T, 2)));
  const manifest = {
    kind: 'biglm-examples',
    objective: 'biglm',
    seqLen: opts.T,
    tokenizer: { name: 'toy', vocabSize: BASE_VOCAB, eosId: EOS, specials: SPECIALS, embeddingSize: EMBEDDING_SIZE },
    shards,
    valid_shards: [{ path: 'valid-0.arrow', rows: opts.validRows }],
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

/** Rows as a host batch (no Arrow involved). */
export function hostBatch(rows: Row[]): HostBatch {
  const T = rows[0].input_ids.length;
  const B = rows.length;
  const flat = (k: keyof Omit<Row, 'target_lengths'>) => rows.flatMap((r) => r[k]);
  return {
    B,
    T,
    inputIds: Int32Array.from(flat('input_ids')),
    labels: Int32Array.from(flat('labels')),
    segmentIds: Int32Array.from(flat('segment_ids')),
    roles: Uint8Array.from(flat('roles')),
    lossWeights: Float32Array.from(flat('loss_weights')),
    targetLengths: rows.map((r) => Int32Array.from(r.target_lengths)),
  };
}

/** Fill a row with padding up to T positions (pad id, no label, no weight, segment 0, role 0). */
export function padRow(row: Row, T: number): Row {
  while (row.input_ids.length < T) {
    row.input_ids.push(SPECIALS.pad);
    row.labels.push(-100);
    row.loss_weights.push(0);
    row.segment_ids.push(0);
    row.roles.push(0);
  }
  return row;
}
