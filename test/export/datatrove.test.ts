import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportRun } from '../../pipeline/export/index.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { sourceDocs } from './source-docs.js';

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-export-dt-'));
  await writeTextRun({ runDir: path.join(root, 'news'), texts: await brownTexts(/^ca/, 3), tokens: 60_000, shardMaxBytes: 40_000 });
  await writeTextRun({ runDir: path.join(root, 'wide'), texts: await brownTexts(/^cj/, 2), tokens: 20_000, tokenizer: 'cl100k_base' });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('datatrove export', () => {
  it('writes raw tokens and uint64 document ends that split back into the run’s documents', async () => {
    const prefix = path.join(root, 'out', 'news');
    const record = await exportRun(path.join(root, 'news'), 'datatrove', prefix);
    const ds = readFileSync(`${prefix}.ds`);
    const index = readFileSync(`${prefix}.ds.index`);
    const tokens = new Uint16Array(ds.buffer.slice(ds.byteOffset, ds.byteOffset + ds.byteLength));
    const ends = new BigUint64Array(index.buffer.slice(index.byteOffset, index.byteOffset + index.byteLength));
    const docs: number[][] = [];
    let start = 0;
    for (const e of ends) {
      docs.push(Array.from(tokens.subarray(start, Number(e))));
      start = Number(e);
    }
    expect(start).toBe(tokens.length);
    expect(docs).toEqual(await sourceDocs(path.join(root, 'news')));
    expect((await fs.readFile(`${prefix}.ds.metadata`, 'utf8')).split('\n').slice(0, 2)).toEqual(['gpt2|2', String(record.tokens)]);
  });

  it('stores vocabularies over 16 bits as uint32 tokens', async () => {
    const prefix = path.join(root, 'out', 'wide');
    await exportRun(path.join(root, 'wide'), 'datatrove', prefix);
    const ds = readFileSync(`${prefix}.ds`);
    const tokens = Array.from(new Uint32Array(ds.buffer.slice(ds.byteOffset, ds.byteOffset + ds.byteLength)));
    expect(tokens).toEqual((await sourceDocs(path.join(root, 'wide'))).flat());
    expect((await fs.readFile(`${prefix}.ds.metadata`, 'utf8')).split('\n')[0]).toBe('cl100k_base|4');
  });
});
