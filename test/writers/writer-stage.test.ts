// The writers as final stages: each passes every document on, commits its file when its input ends and records
// its length and sha256; a failure downstream or upstream, or a consumer that stops early, leaves no file under
// the final name and no temporary one.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Doc } from '../../pipeline/core/doc.js';
import { segmentFileWriter } from '../../pipeline/writers/segment-file-writer.js';
import { textOutputWriter } from '../../pipeline/writers/text-output-writer.js';
import { tokenShardsWriter } from '../../pipeline/writers/token-shards-writer.js';
import type { WrittenFiles } from '../../pipeline/writers/writer-stage.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { getEncoding } from '../../tokenizer/index.js';
import { collect, makeTestContext } from '../helpers/context.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-writer-stage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gpt2 = getEncoding('gpt2');
const docs = (n: number): Doc[] =>
  Array.from({ length: n }, (_, i) => {
    const text = `document number ${i}`;
    return { id: `d${i}`, text, source: 'in/a.jsonl', fileIndex: 0, position: i, meta: {}, tokens: Uint32Array.from([...gpt2.encode(text), gpt2.eosId]) };
  });
async function* from(list: Doc[], failAt = -1): AsyncIterable<Doc> {
  for (const [i, d] of list.entries()) {
    if (i === failAt) throw new Error('upstream failed');
    yield d;
  }
}
const empty = (): WrittenFiles => ({ files: [], shards: [] });
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('a writer stage', () => {
  it('passes every document on and records the files it committed, shards first, then the text', async () => {
    const run = path.join(dir, 'ok');
    const written = empty();
    const ctx = makeTestContext({ runDir: run });
    const shards = tokenShardsWriter({ runDir: run, rank: 3, encoding: gpt2, shardMaxBytes: 40, batchDocs: 2 }, written);
    const text = textOutputWriter(run, path.join(run, 'text', 'part-00003.jsonl'), 'jsonl', written);
    const out = await collect(text(shards(from(docs(7)), ctx), ctx));
    expect(out.map((d) => d.id)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(written.shards.map((s) => s.path)).toEqual(written.files.slice(0, -1).map((f) => f.path));
    expect(written.shards.length).toBeGreaterThan(1);
    expect(written.shards.reduce((n, s) => n + s.documents, 0)).toBe(7);
    expect(written.files.at(-1)!.path).toBe('text/part-00003.jsonl');
    for (const f of written.files) expect(sha256(path.join(run, f.path))).toBe(f.sha256);
    const read = [];
    for (const s of written.shards) for await (const d of readShardDocs(path.join(run, s.path))) read.push(d.id);
    expect(read).toEqual(out.map((d) => d.id));
    expect(readFileSync(path.join(run, 'text', 'part-00003.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);
  });

  it('leaves nothing when a stage after it fails, its input fails, or its consumer stops early', async () => {
    const cases: [string, (w: WrittenFiles, run: string) => Promise<unknown>][] = [
      ['downstream', async (w, run) => {
        const ctx = makeTestContext({ runDir: run });
        const failing = async function* (input: AsyncIterable<Doc>) {
          let n = 0;
          for await (const d of input) if (++n === 3) throw new Error('downstream failed'); else yield d;
        };
        return collect(failing(segmentFileWriter(run, path.join(run, 'segments', '0', '00000.jsonl'), w)(from(docs(5)), ctx)));
      }],
      ['upstream', (w, run) => collect(textOutputWriter(run, path.join(run, 'text', 'part-00000.parquet'), 'parquet', w)(from(docs(5), 3), makeTestContext({ runDir: run })))],
      ['early stop', async (w, run) => {
        for await (const d of segmentFileWriter(run, path.join(run, 'segments', '0', '00000.jsonl'), w)(from(docs(5)), makeTestContext({ runDir: run }))) if (d.position === 1) break;
      }],
    ];
    for (const [name, run] of cases) {
      const runDir = path.join(dir, name.replace(' ', '-'));
      const written = empty();
      if (name === 'early stop') await run(written, runDir);
      else await expect(run(written, runDir), name).rejects.toThrow(/failed/);
      expect(written.files, name).toEqual([]);
      const left = existsSync(runDir) ? readdirSync(runDir, { recursive: true }).map(String).filter((f) => /\.(jsonl|parquet|tmp)$/.test(f)) : [];
      expect(left, name).toEqual([]);
    }
  });
});
