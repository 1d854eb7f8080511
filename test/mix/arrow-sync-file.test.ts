import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArrowSyncFileSink } from '../../pipeline/mix/arrow-sync-file.js';
import { ArrowFileSink } from '../../pipeline/writers/arrow-file.js';
import { recordBatch, tokenListData, tokenShardSchema, uint32Data, utf8Data } from '../../pipeline/writers/arrow-columns.js';
import { getEncoding } from '../../tokenizer/index.js';

describe('the synchronous Arrow file sink', () => {
  it('writes byte for byte the file the stream-based sink writes, with the same sha256', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-sync-sink-'));
    try {
      const enc = getEncoding('gpt2');
      const texts = ['The Fulton County Grand Jury said Friday an investigation', 'of recent primary election produced "no evidence"', ''];
      const tokens = texts.map((t) => Uint32Array.from([...enc.encode(t), enc.eosId]));
      enc.free();
      const schema = tokenShardSchema(16, new Map([['biglm.tokenizer', '{"name":"gpt2"}']]));
      const batch = recordBatch(schema, [
        utf8Data(['a', 'b', 'c']),
        utf8Data(['x', 'y', 'z']),
        tokenListData(tokens, 16),
        uint32Data(Uint32Array.from(tokens.map((t) => t.length))),
      ]);
      const streamed = new ArrowFileSink(path.join(dir, 'stream.arrow'), schema);
      streamed.write(batch);
      streamed.write(batch);
      const a = await streamed.close();
      const sync = new ArrowSyncFileSink(path.join(dir, 'sync.arrow'), schema);
      sync.write(batch);
      sync.write(batch);
      const b = sync.close();
      expect(readFileSync(b.path).equals(readFileSync(a.path))).toBe(true);
      expect([b.bytes, b.sha256]).toEqual([a.bytes, a.sha256]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
