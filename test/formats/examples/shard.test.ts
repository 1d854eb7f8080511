import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ExampleBatchBuilder, ExampleFileWriter, exampleSchema, readExampleShard } from '../../../formats/examples/shard.js';
import { Rng } from '../../../lib/rng.js';
import { memoryLogger } from '../../../lib/log.js';
import { makeRow, writeShard } from '../../model/fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'biglm-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Row i: token p holds 1000·i + p; row i has (i % 3) + 1 segments with target lengths 10·i + k. */
async function writeRows(file: string, rows: number, seqLen: number, batchRows: number) {
  const builder = new ExampleBatchBuilder(seqLen, batchRows, exampleSchema({ test: 'yes' }));
  const writer = await ExampleFileWriter.open(file);
  for (let i = 0; i < rows; i++) {
    const cols = builder.nextRow();
    for (let p = 0; p < seqLen; p++) {
      cols.inputIds[p] = 1000 * i + p;
      cols.labels[p] = p % 4 === 0 ? 7 : -100;
      cols.segmentIds[p] = 1 + (p % 2);
      cols.roles[p] = p % 3;
      cols.lossWeights[p] = p / 8;
    }
    for (let k = 0; k <= i % 3; k++) builder.pushTargetLength(10 * i + k);
    builder.endRow();
    if (builder.full) await writer.write(builder.seal()!);
  }
  const last = builder.seal();
  if (last) await writer.write(last);
  return writer.close();
}

describe('example shards', () => {
  it('round-trips rows written in several record batches to flat typed arrays', async () => {
    const file = path.join(tmp, 'a.arrow');
    const written = await writeRows(file, 23, 16, 5);
    expect(written.rows).toBe(23);
    const shard = readExampleShard(file);
    expect([shard.rows, shard.seqLen]).toEqual([23, 16]);
    expect(shard.inputIds[22 * 16 + 15]).toBe(22_015);
    expect(shard.labels.slice(0, 5)).toEqual(Int32Array.from([7, -100, -100, -100, 7]));
    expect(shard.roles.slice(0, 4)).toEqual(Uint8Array.from([0, 1, 2, 0]));
    expect(shard.lossWeights[3]).toBe(0.375);
    expect(Array.from(shard.targetLengths.subarray(shard.targetOffsets[5], shard.targetOffsets[6]))).toEqual([50, 51, 52]);
    expect(shard.targetOffsets[23]).toBe(shard.targetLengths.length);
    expect(tableFromIPC(readFileSync(file)).batches.length).toBe(5);
  });

  it('reports the sha256 and size of the bytes on disk, and leaves no temporary file behind', async () => {
    const file = path.join(tmp, 'b.arrow');
    const written = await writeRows(file, 7, 8, 3);
    const bytes = readFileSync(file);
    expect(written.bytes).toBe(bytes.length);
    expect(written.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('stores the columns with the types the trainer expects', async () => {
    const file = path.join(tmp, 'c.arrow');
    await writeRows(file, 2, 8, 4);
    const table = tableFromIPC(readFileSync(file));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'input_ids:List<Int32>',
      'labels:List<Int32>',
      'segment_ids:List<Int32>',
      'roles:List<Uint8>',
      'loss_weights:List<Float32>',
      'target_lengths:List<Int32>',
    ]);
    expect(table.schema.metadata.get('test')).toBe('yes');
  });

  it('with a row-length check, skips a short row once with a warning and a count, and keeps the others whole', () => {
    const T = 16;
    const rows = [makeRow(new Rng(1), T, 2), makeRow(new Rng(2), T, 2), makeRow(new Rng(3), T, 2)];
    rows[1].labels.pop();
    const file = path.join(tmp, 'short-row.arrow');
    writeShard(file, rows);
    const log = memoryLogger();
    const dropped = new Map<string, number>();
    const shard = readExampleShard(file, { seqLen: T, log, dropped });
    expect(log.lines).toEqual([`warning: ${file}: row 1: labels has ${T - 1} values, expected seqLen ${T}; row skipped`]);
    expect(dropped.get('data:bad_row_length')).toBe(1);
    expect(shard.rows).toBe(2);
    expect(Array.from(shard.inputIds)).toEqual([...rows[0].input_ids, ...rows[2].input_ids]);
    expect(Array.from(shard.labels)).toEqual([...rows[0].labels, ...rows[2].labels]);
    expect(Array.from(shard.roles)).toEqual([...rows[0].roles, ...rows[2].roles]);
    expect(Array.from(shard.targetLengths)).toEqual([...rows[0].target_lengths, ...rows[2].target_lengths]);
    expect(Array.from(shard.targetOffsets)).toEqual([0, rows[0].target_lengths.length, rows[0].target_lengths.length + rows[2].target_lengths.length]);
  });
});
