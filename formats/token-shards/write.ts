// The last sink of a prepare run: tokenized documents → Arrow IPC shards `shards/part-<rank>-<k>.arrow`,
// rolling to a new shard once `maxBytes` of tokens are in the current one.

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { ArrowFileSink } from '../arrow/file-sink.js';
import { recordBatch, tokenListData, tokenShardSchema, uint32Data, utf8Data, type TokenWidth } from '../arrow/columns.js';

/** What a shard row holds of a pipeline document (its tokens set by the tokenize step). */
export interface TokenizedDoc {
  id: string;
  source: string;
  tokens?: Uint32Array;
}

export interface ShardInfo {
  /** Relative to the run directory. */
  path: string;
  documents: number;
  tokens: number;
  bytes: number;
  sha256: string;
}

export interface TokenShardOptions {
  runDir: string;
  rank: number;
  /** 16 when every id fits in Uint16, else 32. */
  width: TokenWidth;
  maxBytes: number;
  batchDocs: number;
  /** Stored in the Arrow schema metadata (tokenizer name, vocabulary, …). */
  metadata: Record<string, string>;
}

export function shardFileName(rank: number, index: number): string {
  return `part-${String(rank).padStart(5, '0')}-${String(index).padStart(4, '0')}.arrow`;
}

export async function writeTokenShards(docs: AsyncIterable<TokenizedDoc>, opts: TokenShardOptions): Promise<ShardInfo[]> {
  const dir = path.join(opts.runDir, 'shards');
  await fs.mkdir(dir, { recursive: true });
  const schema = tokenShardSchema(opts.width, new Map(Object.entries(opts.metadata)));
  const bytesPerToken = opts.width / 8;
  const shards: ShardInfo[] = [];

  let sink: ArrowFileSink | undefined;
  let shardDocs = 0;
  let shardTokens = 0;
  let batch: TokenizedDoc[] = [];

  const flush = () => {
    if (batch.length === 0) return;
    sink ??= new ArrowFileSink(path.join(dir, shardFileName(opts.rank, shards.length)), schema);
    const tokens = batch.map((d) => d.tokens!);
    const counts = new Uint32Array(batch.length);
    for (let i = 0; i < batch.length; i++) counts[i] = tokens[i].length;
    sink.write(
      recordBatch(schema, [
        utf8Data(batch.map((d) => d.id)),
        utf8Data(batch.map((d) => d.source)),
        tokenListData(tokens, opts.width),
        uint32Data(counts),
      ]),
    );
    batch = [];
  };
  const roll = async () => {
    flush();
    if (!sink) return;
    const written = await sink.close();
    shards.push({
      path: path.relative(opts.runDir, written.path),
      documents: shardDocs,
      tokens: shardTokens,
      bytes: written.bytes,
      sha256: written.sha256,
    });
    sink = undefined;
    shardDocs = 0;
    shardTokens = 0;
  };

  try {
    for await (const doc of docs) {
      if (!doc.tokens) throw new Error(`document ${doc.id} reached the shard writer without tokens`);
      batch.push(doc);
      shardDocs++;
      shardTokens += doc.tokens.length;
      if (batch.length >= opts.batchDocs) flush();
      if (shardTokens * bytesPerToken >= opts.maxBytes) await roll();
    }
    await roll();
  } catch (e) {
    await sink?.abort();
    throw e;
  }
  return shards;
}
