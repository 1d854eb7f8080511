// Reading token shards back: batch by batch, each document's tokens as a typed-array view (no copy).

import { createReadStream } from 'node:fs';
import { RecordBatchReader, type Schema } from 'apache-arrow';

export interface ShardDoc {
  id: string;
  source: string;
  tokens: Uint16Array | Uint32Array;
}

export interface ShardTokenizerInfo {
  name: string;
  vocabSize: number;
  eosId: number;
}

export async function openShard(file: string): Promise<RecordBatchReader> {
  const reader = await RecordBatchReader.from(createReadStream(file));
  await reader.open();
  return reader;
}

export function shardTokenizer(schema: Schema): ShardTokenizerInfo | undefined {
  const raw = schema.metadata.get('biglm.tokenizer');
  return raw ? (JSON.parse(raw) as ShardTokenizerInfo) : undefined;
}

export async function* readShardDocs(file: string): AsyncIterable<ShardDoc> {
  const reader = await openShard(file);
  for await (const batch of reader) {
    const ids = batch.getChild('id')!;
    const sources = batch.getChild('source')!;
    const tokens = batch.getChild('tokens')!;
    for (let b = 0; b < tokens.data.length; b++) {
      const data = tokens.data[b];
      const offsets = data.valueOffsets;
      const values = data.children[0].values as Uint16Array | Uint32Array;
      const base = data.offset;
      for (let i = 0; i < data.length; i++) {
        const row = rowIndex(tokens.data, b, i);
        yield {
          id: ids.get(row) as string,
          source: sources.get(row) as string,
          tokens: values.subarray(offsets[base + i], offsets[base + i + 1]),
        };
      }
    }
  }
}

/** Row number inside the batch of the i-th element of chunk b. */
function rowIndex(chunks: readonly { length: number }[], b: number, i: number): number {
  let row = i;
  for (let k = 0; k < b; k++) row += chunks[k].length;
  return row;
}
