// Writing a complete run directory from already-tokenized documents: Arrow token shards in the same
// format and names as `biglm prepare` (shards/part-00000-<k>.arrow), config.json, then manifest.json
// last — so the masking stage and the trainer accept a mixed run like any other run, and a run without
// a manifest is known to be unfinished.

import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { writeJsonAtomic } from '../../lib/atomic.js';
import type { Manifest } from '../runner/run-file-types.js';
import { runPaths } from '../runner/layout.js';
import { ArrowFileSink } from '../../formats/arrow/file-sink.js';
import { Field, List, makeData, type Data, type Uint16, type Uint32 } from 'apache-arrow';
import { recordBatch, tokenShardSchema, tokenType, uint32Data, utf8Data, type TokenWidth } from '../../formats/arrow/columns.js';
import { shardFileName, type ShardInfo } from '../../formats/token-shards/write.js';

export interface TokenDoc {
  id: string;
  source: string;
  /** Token ids with EOS appended; Uint16Array for 16-bit vocabularies. */
  tokens: Uint16Array | Uint32Array;
}

export interface TokenRunSpec {
  runDir: string;
  tokenizer: Manifest['tokenizer'];
  /** Written as config.json; its hash is the manifest's configHash. */
  config: unknown;
  inputs: Manifest['inputs'];
  shardMaxBytes: number;
  batchDocs: number;
  /** Extra manifest fields (a mixed run's `mix` lineage). */
  extra?: Record<string, unknown>;
}

export function hashConfig(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/** Writes `docs` (single documents, or chunks of them) as the run's shards, then config.json and manifest.json. */
export async function writeTokenRun<E extends Record<string, unknown>>(
  docs: AsyncIterable<TokenDoc | TokenDoc[]> | Iterable<TokenDoc | TokenDoc[]>,
  spec: TokenRunSpec & { extra?: E },
): Promise<Manifest & E> {
  const shards = await writeShards(docs, spec);
  await writeJsonAtomic(runPaths.config(spec.runDir), spec.config);
  const documents = shards.reduce((n, s) => n + s.documents, 0);
  const manifest = {
    kind: 'biglm-run' as const,
    version: 1 as const,
    configHash: hashConfig(spec.config),
    tokenizer: spec.tokenizer,
    inputs: spec.inputs,
    shards,
    // Nothing is filtered here: every document written was read (from the sources' shards).
    totals: { read: documents, kept: documents, dropped: {}, tokens: shards.reduce((n, s) => n + s.tokens, 0), shards: shards.length },
    ...(spec.extra ?? ({} as E)),
  };
  await writeJsonAtomic(runPaths.manifest(spec.runDir), manifest);
  return manifest;
}

/**
 * Writes shards from single documents or from chunks of documents. A chunk is written out before the
 * next item is asked for, so its producer may reuse the memory behind it (the mixer reuses one bucket
 * buffer); token values go through one scratch buffer for the same reason, so writing allocates no
 * per-batch garbage.
 */
async function writeShards(input: AsyncIterable<TokenDoc | TokenDoc[]> | Iterable<TokenDoc | TokenDoc[]>, spec: TokenRunSpec): Promise<ShardInfo[]> {
  const dir = path.join(spec.runDir, 'shards');
  await fs.mkdir(dir, { recursive: true });
  const width = spec.tokenizer.tokenWidth;
  const tok = spec.tokenizer;
  const schema = tokenShardSchema(
    width,
    new Map([['biglm.tokenizer', JSON.stringify({ name: tok.name, vocabSize: tok.vocabSize, eosId: tok.eosId })]]),
  );
  const shards: ShardInfo[] = [];
  const scratch = new TokenScratch(width);
  let sink: ArrowFileSink | undefined;
  let batch: TokenDoc[] = [];
  let shardDocs = 0;
  let shardTokens = 0;

  const flush = () => {
    if (batch.length === 0) return;
    sink ??= new ArrowFileSink(path.join(dir, shardFileName(0, shards.length)), schema);
    const counts = new Uint32Array(batch.length);
    for (let i = 0; i < batch.length; i++) counts[i] = batch[i].tokens.length;
    // The sink writes synchronously, so the scratch buffer is free again once write() returns.
    sink.write(recordBatch(schema, [utf8Data(batch.map((d) => d.id)), utf8Data(batch.map((d) => d.source)), scratch.listData(batch), uint32Data(counts)]));
    batch = [];
  };
  const roll = () => {
    flush();
    if (!sink) return;
    const written = sink.close();
    shards.push({ path: path.relative(spec.runDir, written.path), documents: shardDocs, tokens: shardTokens, bytes: written.bytes, sha256: written.sha256 });
    sink = undefined;
    shardDocs = 0;
    shardTokens = 0;
  };

  try {
    for await (const item of input) {
      const chunk = Array.isArray(item) ? item : [item];
      for (const doc of chunk) {
        batch.push(doc);
        shardDocs++;
        shardTokens += doc.tokens.length;
        if (batch.length >= spec.batchDocs) flush();
        if (shardTokens * (width / 8) >= spec.shardMaxBytes) roll();
      }
      if (Array.isArray(item)) flush();
    }
    roll();
  } catch (e) {
    sink?.abort();
    throw e;
  }
  return shards;
}

/** List<Uint16|Uint32> column data over a reusable values buffer (grown when a batch needs more). */
class TokenScratch {
  private values: Uint16Array | Uint32Array;
  constructor(private readonly width: TokenWidth) {
    this.values = width === 16 ? new Uint16Array(1 << 20) : new Uint32Array(1 << 20);
  }

  listData(docs: readonly TokenDoc[]): Data<List<Uint16 | Uint32>> {
    const offsets = new Int32Array(docs.length + 1);
    let total = 0;
    for (let i = 0; i < docs.length; i++) {
      total += docs[i].tokens.length;
      offsets[i + 1] = total;
    }
    if (total > this.values.length) {
      const size = Math.max(total, this.values.length * 2);
      this.values = this.width === 16 ? new Uint16Array(size) : new Uint32Array(size);
    }
    for (let i = 0; i < docs.length; i++) this.values.set(docs[i].tokens, offsets[i]);
    const child = makeData({ type: tokenType(this.width), length: total, nullCount: 0, data: this.values.subarray(0, total) });
    return makeData({ type: new List(new Field('item', tokenType(this.width), false)), length: docs.length, nullCount: 0, valueOffsets: offsets, child });
  }
}
