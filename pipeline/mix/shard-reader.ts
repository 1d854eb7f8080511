// Reading token shards through a file handle (random access to the IPC file's record batches). About
// 15× faster than reading the same file through a Node stream (pipeline/shards/read.ts's openShard),
// which matters here: mixing and exporting read every source shard once or twice.

import { promises as fs } from 'node:fs';
import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import type { ShardDoc } from '../shards/read.js';

/** Record batches of an Arrow IPC file, read by random access. */
export async function* shardBatches(file: string): AsyncIterable<RecordBatch> {
  const fh = await fs.open(file, 'r');
  try {
    const reader = await RecordBatchReader.from(fh);
    await reader.open();
    for await (const batch of reader) yield batch;
  } finally {
    await fh.close();
  }
}

/** Documents of a token shard in order; `tokens` is a view into the batch (no copy). */
export async function* shardDocs(file: string): AsyncIterable<ShardDoc> {
  for await (const batch of shardBatches(file)) {
    const ids = batch.getChild('id');
    const sources = batch.getChild('source');
    const tokens = batch.getChild('tokens');
    if (!ids || !sources || !tokens) throw new Error(`${file} lacks the id, source or tokens column; it is not a biglm token shard`);
    let row = 0;
    for (const data of tokens.data) {
      const offsets = data.valueOffsets;
      const values = data.children[0].values as Uint16Array | Uint32Array;
      for (let i = 0; i < data.length; i++, row++) {
        yield {
          id: ids.get(row) as string,
          source: sources.get(row) as string,
          tokens: values.subarray(offsets[data.offset + i], offsets[data.offset + i + 1]),
        };
      }
    }
  }
}
