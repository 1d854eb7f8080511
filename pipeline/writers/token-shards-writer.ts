// The last segment's shard writer: tokenized documents into the run's Arrow token shards, passed on to the
// text output after it, so the text holds exactly the documents in the shards.

import type { Stage } from '../core/stage.js';
import type { Encoding } from '../../tokenizer/index.js';
import { TokenShardWriter } from '../../formats/token-shards/write.js';
import { writerStage, type WrittenFiles } from './writer-stage.js';

export interface ShardWriterOptions {
  runDir: string;
  rank: number;
  encoding: Encoding;
  shardMaxBytes: number;
  batchDocs: number;
}

/** Tokenized documents into `shards/part-<rank>-<k>.arrow`, the tokenizer named in each shard's schema. */
export function tokenShardsWriter(o: ShardWriterOptions, written: WrittenFiles): Stage {
  const { encoding } = o;
  return writerStage(
    () =>
      TokenShardWriter.open({
        runDir: o.runDir,
        rank: o.rank,
        width: encoding.vocabSize <= 65536 ? 16 : 32,
        maxBytes: o.shardMaxBytes,
        batchDocs: o.batchDocs,
        metadata: { 'biglm.tokenizer': JSON.stringify({ name: encoding.name, vocabSize: encoding.vocabSize, eosId: encoding.eosId }) },
      }),
    async (w) => {
      const shards = await w.close();
      written.shards.push(...shards);
      written.files.push(...shards.map((s) => ({ path: s.path, bytes: s.bytes, sha256: s.sha256 })));
    },
  );
}
