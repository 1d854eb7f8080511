import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readShardDocs, shardDocs, shardLengths } from '../../formats/token-shards/read.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';

let root: string;
const runs: Record<string, Manifest> = {};

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-shard-reader-'));
  const texts = await brownTexts(/^cg/, 2);
  runs.narrow = await writeTextRun({ runDir: path.join(root, 'narrow'), texts, tokens: 80_000, batchDocs: 7, shardMaxBytes: 60_000 });
  runs.wide = await writeTextRun({ runDir: path.join(root, 'wide'), texts, tokens: 30_000, batchDocs: 5, tokenizer: 'cl100k_base' });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('reading token shards by random access', () => {
  it.each(['narrow', 'wide'])('reads the same documents as the stream reader (%s tokens)', async (name) => {
    for (const s of runs[name].shards) {
      const file = path.join(root, name, s.path);
      const a: string[] = [];
      const b: string[] = [];
      for await (const d of shardDocs(file)) a.push(`${d.id}|${d.source}|${d.tokens.join(',')}`);
      for await (const d of readShardDocs(file)) b.push(`${d.id}|${d.source}|${d.tokens.join(',')}`);
      expect(a).toEqual(b);
      expect(a.length).toBe(s.documents);
    }
  });

  it.each(['narrow', 'wide'])('reads every n_tokens from the footer and column alone, equal to the token counts (%s)', async (name) => {
    expect(runs[name].shards.length).toBeGreaterThan(0);
    for (const s of runs[name].shards) {
      const file = path.join(root, name, s.path);
      const counts: number[] = [];
      for await (const d of readShardDocs(file)) counts.push(d.tokens.length);
      expect(Array.from(await shardLengths(file))).toEqual(counts);
    }
  });

  it('falls back to whole batches for an Arrow file that is not a plain token shard', async () => {
    const { tableToIPC, tableFromArrays } = await import('apache-arrow');
    const file = path.join(root, 'other.arrow');
    await fs.writeFile(file, tableToIPC(tableFromArrays({ n_tokens: Uint32Array.from([3, 1, 4]), extra: Int32Array.from([1, 2, 3]) }), 'file'));
    expect(Array.from(await shardLengths(file))).toEqual([3, 1, 4]);
  });
});
