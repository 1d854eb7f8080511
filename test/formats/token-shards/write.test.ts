import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { writeTokenShards } from '../../../formats/token-shards/write.js';
import { readShardDocs } from '../../../formats/token-shards/read.js';
import type { Doc } from '../../../pipeline/core/doc.js';

function doc(i: number, n: number): Doc {
  return {
    id: `d${i}`,
    text: '',
    source: 'src.jsonl',
    fileIndex: 0,
    position: i,
    meta: {},
    tokens: Uint32Array.from({ length: n }, (_, k) => (i * 1000 + k) % 65536),
  };
}

async function* gen(docs: Doc[]) {
  yield* docs;
}

describe('writeTokenShards', () => {
  it('writes Arrow IPC shards that read back to the same ids and tokens, rolling by size', async () => {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'biglm-shards-'));
    const docs = Array.from({ length: 50 }, (_, i) => doc(i, 10 + i));
    const shards = await writeTokenShards(gen(docs), {
      runDir,
      rank: 3,
      width: 16,
      maxBytes: 1000,
      batchDocs: 7,
      metadata: { 'biglm.tokenizer': '{"name":"gpt2"}' },
    });
    expect(shards.length).toBeGreaterThan(1);
    expect(shards[0].path).toBe('shards/part-00003-0000.arrow');
    expect(shards.reduce((n, s) => n + s.documents, 0)).toBe(50);
    expect(shards.reduce((n, s) => n + s.tokens, 0)).toBe(docs.reduce((n, d) => n + d.tokens!.length, 0));

    const back: { id: string; tokens: number[] }[] = [];
    for (const s of shards) {
      const bytes = readFileSync(path.join(runDir, s.path));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(s.sha256);
      expect(bytes.length).toBe(s.bytes);
      for await (const d of readShardDocs(path.join(runDir, s.path))) back.push({ id: d.id, tokens: [...d.tokens] });
    }
    expect(back.map((d) => d.id)).toEqual(docs.map((d) => d.id));
    expect(back.map((d) => d.tokens)).toEqual(docs.map((d) => [...d.tokens!]));

    const table = tableFromIPC(readFileSync(path.join(runDir, shards[0].path)));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'source', 'tokens', 'n_tokens']);
    expect(String(table.schema.fields[2].type)).toBe('List<Uint16>');
    expect(table.getChild('n_tokens')!.get(0)).toBe(10);
  });
});
