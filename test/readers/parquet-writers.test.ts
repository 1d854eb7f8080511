import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { parquetSchema, readParquet } from '../../pipeline/readers/parquet.js';
import { DocParquetWriter } from '../../pipeline/writers/doc-parquet.js';
import type { Doc } from '../../pipeline/core/doc.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';
import { tempDir } from './fixtures.js';

// Every row of the Parquet files today's writers produce: pyarrow with each codec, page version and
// encoding, several row groups, a nested `metadata` struct and null texts; Hugging Face `datasets`;
// datatrove's ParquetWriter (one pyarrow ParquetWriter per file, its fixed schema); and biglm's own writer.

const ROWS = 5411;
const textOf = (i: number) => `Document ${i} — ${'lorem ipsum dolor ünïcode 漢字 '.repeat((i % 37) + 1)}`;
const isNull = (i: number) => i % 101 === 7;
const NULLS = Array.from({ length: ROWS }, (_, i) => i).filter(isNull).length;

const PYTHON_TEXTS = `
N = ${ROWS}
def text(i): return f"Document {i} — " + "lorem ipsum dolor ünïcode 漢字 " * (i % 37 + 1)
texts = [None if i % 101 == 7 else text(i) for i in range(N)]
`;

const dir = tempDir('biglm-parquet-writers-');

async function read(file: string, options: Record<string, unknown> = {}) {
  const ctx = makeTestContext();
  const docs = await collect(readParquet({ path: file, fileIndex: 0 }, parquetSchema.parse(options), ctx));
  return { docs, ctx, dropped: ctx.stats.snapshot().stages.read?.dropped ?? {} };
}

const py = pythonVenv(['datasets']);
if (py.reason) console.warn(`test/readers/parquet-writers (pyarrow, datasets): skipped — ${py.reason}`);

const CODECS = ['snappy', 'gzip', 'zstd', 'lz4', 'brotli', 'none'];

describe.skipIf(!py.venv)('Parquet files written by pyarrow', () => {
  const written = () =>
    runPython(
      py.venv!,
      `import sys, pyarrow as pa, pyarrow.parquet as pq
${PYTHON_TEXTS}
t = pa.table({
  "id": [f"doc-{i}" for i in range(N)],
  "text": texts,
  "cat": [["news", "blog", "forum"][i % 3] for i in range(N)],
  "metadata": [{"url": f"https://example.com/{i}", "score": i * 0.5, "token_count": i * 3, "dump": "CC-MAIN-2024-10"} for i in range(N)],
})
for codec in ${JSON.stringify(CODECS)}:
  for dictionary in (True, False):
    for version in ("1.0", "2.0"):
      name = f"{sys.argv[1]}/pa-{codec}-{'dict' if dictionary else 'plain'}-v{version[0]}.parquet"
      pq.write_table(t, name, compression=codec, use_dictionary=dictionary, data_page_version=version, row_group_size=1000)
pq.write_table(t, f"{sys.argv[1]}/pa-defaults.parquet")
`,
      [dir],
    );
  let once = false;
  const ensure = () => {
    if (!once) written();
    once = true;
  };

  for (const codec of CODECS) {
    for (const encoding of ['dict', 'plain']) {
      for (const version of ['1', '2']) {
        it(`reads every row: ${codec}, ${encoding === 'dict' ? 'dictionary' : 'plain'} encoding, data page v${version}, 6 row groups`, async () => {
          ensure();
          const { docs, ctx, dropped } = await read(path.join(dir, `pa-${codec}-${encoding}-v${version}.parquet`));
          expect(ctx.stats.stats.read).toBe(ROWS);
          expect(docs).toHaveLength(ROWS - NULLS);
          expect(dropped).toEqual({ 'read:null_text': NULLS });
          const expected = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !isNull(i));
          expect(docs.map((d) => d.position)).toEqual(expected);
          expect(docs.every((d, k) => d.text === textOf(expected[k]) && d.id === `doc-${expected[k]}`)).toBe(true);
          expect(docs[1].meta).toEqual({ cat: 'blog', metadata: { url: 'https://example.com/1', score: 0.5, token_count: 3, dump: 'CC-MAIN-2024-10' } });
          expect(ctx.log.lines.filter((l) => l.includes('[read:null_text]'))[0]).toMatch(/pa-.*\.parquet:row 7: column 'text' is null/);
        });
      }
    }
  }

  it('reads every row of a file with pyarrow defaults (one row group, several pages)', async () => {
    ensure();
    const { docs, ctx } = await read(path.join(dir, 'pa-defaults.parquet'));
    expect(ctx.stats.stats.read).toBe(ROWS);
    expect(docs).toHaveLength(ROWS - NULLS);
    expect(docs.at(-1)!.text).toBe(textOf(ROWS - 1));
  });
});

describe.skipIf(!py.venv)('Parquet files written by Hugging Face datasets and datatrove', () => {
  it('datasets.Dataset.to_parquet: every row, text and id', async () => {
    const file = path.join(dir, 'hf.parquet');
    runPython(
      py.venv!,
      `import sys, datasets
${PYTHON_TEXTS}
ds = datasets.Dataset.from_dict({"text": texts, "id": [f"doc-{i}" for i in range(N)], "lang": ["en"] * N})
ds.to_parquet(sys.argv[1])
`,
      [file],
    );
    const { docs, ctx, dropped } = await read(file);
    expect(ctx.stats.stats.read).toBe(ROWS);
    expect(dropped).toEqual({ 'read:null_text': NULLS });
    expect(docs[0]).toMatchObject({ id: 'doc-0', text: textOf(0), meta: { lang: 'en' } });
  });

  it("datatrove's ParquetWriter layout: a ParquetWriter with its schema, a batch per 1,000 documents, media list and metadata struct", async () => {
    const file = path.join(dir, 'datatrove.parquet');
    runPython(
      py.venv!,
      `import sys, pyarrow as pa, pyarrow.parquet as pq
${PYTHON_TEXTS}
schema = pa.schema([("text", pa.string()), ("id", pa.string()), ("media", pa.list_(pa.struct([("url", pa.string())]))),
  ("metadata", pa.struct([("url", pa.string()), ("dump", pa.string()), ("token_count", pa.int64()), ("language_score", pa.float64())]))])
w = pq.ParquetWriter(sys.argv[1], schema=schema, compression="snappy")
for s in range(0, N, 1000):
  rows = [{"text": texts[i], "id": f"doc-{i}", "media": [{"url": f"https://example.com/{i}.png"}] if i % 2 else [],
           "metadata": {"url": f"https://example.com/{i}", "dump": "CC-MAIN-2024-10", "token_count": i, "language_score": 0.75}} for i in range(s, min(N, s + 1000))]
  w.write_table(pa.Table.from_pylist(rows, schema=schema))
w.close()
`,
      [file],
    );
    const { docs, ctx, dropped } = await read(file);
    expect(ctx.stats.stats.read).toBe(ROWS);
    expect(dropped).toEqual({ 'read:null_text': NULLS });
    expect(docs[1].meta).toEqual({
      media: [{ url: 'https://example.com/1.png' }],
      metadata: { url: 'https://example.com/1', dump: 'CC-MAIN-2024-10', token_count: 1, language_score: 0.75 },
    });
  });
});

describe("biglm's own Parquet writer (--text-output parquet, parquetjs-lite)", () => {
  const docs: Doc[] = Array.from({ length: 3000 }, (_, i) => ({
    id: `d${i}`,
    text: textOf(i),
    source: 'crawl/a.warc.gz',
    fileIndex: 2,
    position: i,
    meta: { url: `https://example.com/${i}`, n: i },
  }));
  const file = path.join(dir, 'own.parquet');

  it('writes files the reader reads back row for row', async () => {
    const w = await DocParquetWriter.open(file);
    for (const d of docs) await w.write(d);
    await w.close();
    const back = await read(file);
    expect(back.ctx.stats.stats.read).toBe(docs.length);
    expect(back.docs.map((d) => [d.id, d.text, JSON.parse(d.meta.metadata as string), d.meta.position, d.meta.file_index])).toEqual(
      docs.map((d) => [d.id, d.text, d.meta, d.position, d.fileIndex]),
    );
  });

  it.skipIf(!py.venv)('writes files pyarrow reads back row for row', () => {
    const out = runPython(
      py.venv!,
      `import sys, json, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1]).to_pylist()
print(json.dumps([[r["id"], r["text"], json.loads(r["metadata"]), r["position"], r["file_index"]] for r in t], ensure_ascii=False))
`,
      [file],
    );
    expect(JSON.parse(out)).toEqual(docs.map((d) => [d.id, d.text, d.meta, d.position, d.fileIndex]));
  });
});
