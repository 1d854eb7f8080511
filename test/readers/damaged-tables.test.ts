import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { parquetSchema, readParquet } from '../../pipeline/readers/parquet.js';
import { arrowSchema, readArrow } from '../../pipeline/readers/arrow.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';
import { tempDir, writeTemp } from './fixtures.js';

// Damaged Parquet and Arrow files end no run: the rows before the damage are kept where the format allows,
// the rest is counted under read:corrupt_parquet / read:corrupt_arrow with one warning naming the file and
// the byte offset, row group or batch.

const dir = tempDir('biglm-damaged-tables-');
const ROWS = 1000;
const PER_GROUP = 200;
const texts = Array.from({ length: ROWS }, (_, i) => `row ${i}: ${'a fairly ordinary sentence of text. '.repeat((i % 7) + 1)}`);

async function writeParquet(): Promise<Buffer> {
  const parquet = createRequire(import.meta.url)('parquetjs-lite');
  const schema = new parquet.ParquetSchema({ id: { type: 'UTF8' }, text: { type: 'UTF8', compression: 'SNAPPY' } });
  const p = `${dir}/clean.parquet`;
  const w = await parquet.ParquetWriter.openFile(schema, p, { rowGroupSize: PER_GROUP });
  for (let i = 0; i < ROWS; i++) await w.appendRow({ id: `r${i}`, text: texts[i] });
  await w.close();
  return readFileSync(p);
}

function writeArrow(): Buffer {
  const whole = new Table({ id: vectorFromArray(texts.map((_, i) => `r${i}`), new Utf8()), text: vectorFromArray(texts, new Utf8()) });
  const parts = Array.from({ length: ROWS / PER_GROUP }, (_, k) => whole.slice(k * PER_GROUP, (k + 1) * PER_GROUP));
  const table = parts[0].concat(...parts.slice(1));
  expect(table.batches).toHaveLength(ROWS / PER_GROUP);
  return Buffer.from(tableToIPC(table, 'file'));
}

function withInt32(buf: Buffer, at: number, v: number): Buffer {
  const b = Buffer.from(buf);
  b.writeInt32LE(v, at);
  return b;
}

/** The damages the issue lists; `lengthAt` is where the footer length sits (Parquet: size-8, Arrow: size-10). */
function damages(clean: Buffer, lengthAt: number): [string, Buffer][] {
  const n = clean.length;
  const flipped = Buffer.from(clean);
  flipped[n - 20] ^= 0xff;
  return [
    ['truncated to half', clean.subarray(0, n >> 1)],
    ['empty', Buffer.alloc(0)],
    ['a flipped footer byte', flipped],
    ['footer length 2^31-1', withInt32(clean, lengthAt, 0x7fffffff)],
    ['footer length -8', withInt32(clean, lengthAt, -8)],
    ['footer length 0', withInt32(clean, lengthAt, 0)],
    ['footer length = file size', withInt32(clean, lengthAt, n)],
    ['zeroed leading magic', Buffer.concat([Buffer.alloc(6), clean.subarray(6)])],
    ['zeroed trailing magic', Buffer.concat([clean.subarray(0, n - 6), Buffer.alloc(6)])],
  ];
}

type Reader = typeof readParquet | typeof readArrow;

async function readDamaged(read: Reader, name: string, data: Buffer) {
  const p = writeTemp(dir, name, data);
  const ctx = makeTestContext();
  const options = read === readParquet ? parquetSchema.parse({}) : arrowSchema.parse({});
  const docs = await collect(read({ path: p, fileIndex: 0 }, options as never, ctx));
  const dropped = ctx.stats.snapshot().stages.read?.dropped ?? {};
  return { p, docs, ctx, dropped, droppedTotal: Object.values(dropped).reduce((a, b) => a + b, 0) };
}

describe('damaged Parquet files', async () => {
  const clean = await writeParquet();
  for (const [what, data] of damages(clean, clean.length - 8)) {
    it(`${what}: no exception, read = kept + dropped, every drop warned with the file`, async () => {
      const r = await readDamaged(readParquet, 'damaged.parquet', data);
      expect(r.ctx.stats.stats.read).toBe(r.docs.length + r.droppedTotal);
      expect(Object.keys(r.dropped).every((k) => k === 'read:corrupt_parquet')).toBe(true);
      if (r.droppedTotal > 0) expect(r.ctx.log.lines.some((l) => l.startsWith(`warning: ${r.p}:`) && l.includes('[read:corrupt_parquet]'))).toBe(true);
      // Every row that comes out is a row of the clean file, in its place.
      expect(r.docs.every((d) => d.text === texts[d.position])).toBe(true);
    });
  }

  it('a zeroed leading magic loses nothing (the footer is all a reader needs)', async () => {
    const r = await readDamaged(readParquet, 'head.parquet', Buffer.concat([Buffer.alloc(4), clean.subarray(4)]));
    expect(r.docs).toHaveLength(ROWS);
  });

  it('a footer length past the file names the file, the byte offset and the length', async () => {
    const r = await readDamaged(readParquet, 'len.parquet', withInt32(clean, clean.length - 8, 0x7fffffff));
    expect(r.dropped).toEqual({ 'read:corrupt_parquet': 1 });
    expect(r.ctx.log.lines[0]).toBe(
      `warning: ${r.p}:${clean.length - 8}: the Parquet footer does not parse (parquet metadata length 2147483647 exceeds available buffer ${clean.length - 8}); the file (${clean.length} bytes) is skipped [read:corrupt_parquet]`,
    );
  });

  it('a damaged page loses its row group only: the rows before and after it are kept', async () => {
    // Flip bytes in the middle of the third row group's text column chunk (SNAPPY pages fail to decode).
    const { parquetMetadataAsync } = await import('hyparquet');
    const { openRangedFile } = await import('../../pipeline/readers/ranged-file.js');
    const f = await openRangedFile(writeTemp(dir, 'meta.parquet', clean));
    const meta = await parquetMetadataAsync(f);
    await f.close();
    const chunk = meta.row_groups[2].columns[1].meta_data!;
    const mid = Number(chunk.data_page_offset) + Math.floor(Number(chunk.total_compressed_size) / 2);
    const damaged = Buffer.from(clean);
    for (let k = 0; k < 8; k++) damaged[mid + k] ^= 0xa5;
    const r = await readDamaged(readParquet, 'page.parquet', damaged);
    expect(r.dropped).toEqual({ 'read:corrupt_parquet': PER_GROUP });
    expect(r.docs.map((d) => d.position)).toEqual([...Array(ROWS).keys()].filter((i) => i < 2 * PER_GROUP || i >= 3 * PER_GROUP));
    expect(r.ctx.log.lines[0]).toMatch(new RegExp(`^warning: ${r.p}:row group 2 \\(bytes \\d+–\\d+\\): 200 rows lost: .* \\[read:corrupt_parquet\\]$`));
  });
});

// apache-arrow's JS file writer leaves the schema out of the stream part (it is only in the footer), so a
// JS-written file with a broken footer has nothing to recover; pyarrow's (and Arrow C++'s) files have it.
const py = pythonVenv(['datasets']);
if (py.reason) console.warn(`test/readers/damaged-tables (pyarrow-written Arrow files): skipped — ${py.reason}`);

function writeArrowWithPyarrow(): Buffer {
  const p = `${dir}/pyarrow.arrow`;
  runPython(
    py.venv!,
    `import sys, json, pyarrow as pa, pyarrow.ipc as ipc
texts = json.load(open(sys.argv[2]))
t = pa.table({"id": [f"r{i}" for i in range(len(texts))], "text": texts})
with ipc.new_file(sys.argv[1], t.schema) as w:
  for b in t.to_batches(max_chunksize=${PER_GROUP}): w.write_batch(b)
`,
    [p, writeTemp(dir, 'texts.json', JSON.stringify(texts))],
  );
  return readFileSync(p);
}

describe('damaged Arrow IPC files', () => {
  const written: [string, () => Buffer][] = [['apache-arrow (JS)', writeArrow]];
  if (py.venv) written.push(['pyarrow', writeArrowWithPyarrow]);
  for (const [writer, write] of written) {
    const clean = write();
    for (const [what, data] of damages(clean, clean.length - 10)) {
      it(`${writer}, ${what}: no exception, read = kept + dropped, every drop warned with the file`, async () => {
        const r = await readDamaged(readArrow, 'damaged.arrow', data);
        expect(r.ctx.stats.stats.read).toBe(r.docs.length + r.droppedTotal);
        expect(Object.keys(r.dropped).every((k) => k === 'read:corrupt_arrow')).toBe(true);
        if (r.droppedTotal > 0) expect(r.ctx.log.lines.some((l) => l.startsWith(`warning: ${r.p}:`) && l.includes('[read:corrupt_arrow]'))).toBe(true);
        expect(r.docs.every((d) => d.text === texts[d.position])).toBe(true);
      });
    }
  }

  it.skipIf(!py.venv)('a broken footer loses nothing: the batches are read as the stream they are', async () => {
    const clean = writeArrowWithPyarrow();
    for (const v of [0x7fffffff, -8, 0, clean.length]) {
      const r = await readDamaged(readArrow, 'footer.arrow', withInt32(clean, clean.length - 10, v));
      expect(r.docs).toHaveLength(ROWS);
      expect(r.ctx.log.lines[0]).toMatch(/footer\.arrow:8: not a readable Arrow IPC file .*; reading its record batches as a stream from byte 8/);
    }
  });

  it.skipIf(!py.venv)('a truncated file keeps every whole batch before the cut and counts the rest', async () => {
    const clean = writeArrowWithPyarrow();
    const r = await readDamaged(readArrow, 'cut.arrow', clean.subarray(0, clean.length >> 1));
    expect(r.docs.length % PER_GROUP).toBe(0);
    expect(r.docs.length).toBeGreaterThanOrEqual(PER_GROUP);
    expect(r.docs.map((d) => d.position)).toEqual([...Array(r.docs.length).keys()]);
    expect(r.dropped).toEqual({ 'read:corrupt_arrow': 1 });
    expect(r.ctx.log.lines.at(-1)).toMatch(new RegExp(`cut\\.arrow:\\d+: record batch ${r.docs.length / PER_GROUP} does not decode .*; ${r.docs.length} rows before it kept`));
  });

  it('a file without a readable schema is one lost record, with a warning', async () => {
    const r = await readDamaged(readArrow, 'noschema.arrow', writeArrow().subarray(0, 100));
    expect(r.docs).toHaveLength(0);
    expect(r.dropped).toEqual({ 'read:corrupt_arrow': 1 });
    expect(r.ctx.log.lines.at(-1)).toMatch(/noschema\.arrow:\d+: no schema could be read .*; the file \(100 bytes\) is skipped \[read:corrupt_arrow\]/);
  });
});
