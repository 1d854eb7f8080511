// The token shards of a prepare run: tokenized documents → Arrow IPC shards `shards/part-<rank>-<k>.arrow`,
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

/**
 * Writes tokenized documents one at a time into shards, rolling to a new shard once `maxBytes` of tokens are
 * in the current one: the prepare run's shard writer stage feeds it as documents pass.
 */
export class TokenShardWriter {
  private readonly dir: string;
  private readonly schema;
  private readonly bytesPerToken: number;
  private readonly shards: ShardInfo[] = [];
  private sink: ArrowFileSink | undefined;
  private shardDocs = 0;
  private shardTokens = 0;
  private batch: TokenizedDoc[] = [];

  private constructor(private readonly opts: TokenShardOptions) {
    this.dir = path.join(opts.runDir, 'shards');
    this.schema = tokenShardSchema(opts.width, new Map(Object.entries(opts.metadata)));
    this.bytesPerToken = opts.width / 8;
  }

  static async open(opts: TokenShardOptions): Promise<TokenShardWriter> {
    const writer = new TokenShardWriter(opts);
    await fs.mkdir(writer.dir, { recursive: true });
    return writer;
  }

  async write(doc: TokenizedDoc): Promise<void> {
    if (!doc.tokens) throw new Error(`document ${doc.id} reached the shard writer without tokens`);
    this.batch.push(doc);
    this.shardDocs++;
    this.shardTokens += doc.tokens.length;
    if (this.batch.length >= this.opts.batchDocs) this.flush();
    if (this.shardTokens * this.bytesPerToken >= this.opts.maxBytes) await this.roll();
  }

  /** Commits the last shard; every shard written, in order. */
  async close(): Promise<ShardInfo[]> {
    await this.roll();
    return this.shards;
  }

  /** Removes the shard being written (the ones already committed stay: a rerun of the task replaces them). */
  async abort(): Promise<void> {
    await this.sink?.abort();
  }

  private flush(): void {
    const { batch, schema, opts } = this;
    if (batch.length === 0) return;
    this.sink ??= new ArrowFileSink(path.join(this.dir, shardFileName(opts.rank, this.shards.length)), schema);
    const tokens = batch.map((d) => d.tokens!);
    const counts = new Uint32Array(batch.length);
    for (let i = 0; i < batch.length; i++) counts[i] = tokens[i].length;
    this.sink.write(
      recordBatch(schema, [
        utf8Data(batch.map((d) => d.id)),
        utf8Data(batch.map((d) => d.source)),
        tokenListData(tokens, opts.width),
        uint32Data(counts),
      ]),
    );
    this.batch = [];
  }

  private async roll(): Promise<void> {
    this.flush();
    if (!this.sink) return;
    const written = await this.sink.close();
    this.shards.push({
      path: path.relative(this.opts.runDir, written.path),
      documents: this.shardDocs,
      tokens: this.shardTokens,
      bytes: written.bytes,
      sha256: written.sha256,
    });
    this.sink = undefined;
    this.shardDocs = 0;
    this.shardTokens = 0;
  }
}

/** Every document of `docs` into shards. */
export async function writeTokenShards(docs: AsyncIterable<TokenizedDoc>, opts: TokenShardOptions): Promise<ShardInfo[]> {
  const writer = await TokenShardWriter.open(opts);
  try {
    for await (const doc of docs) await writer.write(doc);
    return await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
