// Reader and html_extract throughput: MB/s (on disk and decompressed), docs/s and peak RSS per case, each
// case in its own process so its peak RSS is its own. Inputs are the shared real files and, for sizes
// that show steady-state speed, files of >= 50 MB made by repeating real shared content (OSCAR JSONL,
// Common Crawl WET and WARC) in a temporary folder. "ceiling" rows time only the decompression of the same
// file, so the reader's cost over the floor is visible as a ratio.
//
//   npx tsc -p . && node dist/bench/readers.js [--quick] [--mb 50]

import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Parser } from 'htmlparser2';
import type { Doc } from '../pipeline/core/doc.js';
import { memoryLogger } from '../lib/log.js';
import type { StageContext } from '../pipeline/core/stage.js';
import { StatsRecorder } from '../pipeline/core/stats.js';
import { createHtmlExtract } from '../pipeline/extract/html-extract.js';
import { htmlExtractSchema } from '../pipeline/extract/html-extract.js';
import { readerRegistry } from '../pipeline/readers/index.js';

const here = fileURLToPath(import.meta.url);
function repoRoot(): string {
  let d = path.dirname(here);
  while (!existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
  return d;
}
const SHARED = path.resolve(repoRoot(), '../shared/data');
const WORK = path.join(tmpdir(), 'biglm-bench-readers');

interface Case {
  name: string;
  kind: 'reader' | 'html_extract' | 'ceiling';
  format?: string;
  file: string;
  options?: Record<string, unknown>;
  /** Decompressed size, measured by the parent so the child's peak RSS is the reader's alone. */
  dataBytes?: number;
}

interface Result {
  name: string;
  fileMB: number;
  dataMB: number;
  docs: number;
  seconds: number;
  peakRssMB: number;
}

function ctx(): StageContext {
  return { rank: 0, worldSize: 1, runDir: WORK, stageName: 'html_extract', stats: new StatsRecorder(), log: memoryLogger(), signal: new AbortController().signal, seed: 1 };
}

async function runCase(c: Case): Promise<Result> {
  const fileBytes = statSync(c.file).size;
  if (c.kind === 'ceiling' && c.options?.jsonParse) {
    // Split on bytes and JSON.parse each line, nothing else: the floor for any JSONL reader in JS.
    const t = performance.now();
    let docs = 0;
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(c.file, { highWaterMark: 1 << 20 })) {
      const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let pos = 0;
      for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
        JSON.parse(buf.toString('utf8', pos, nl));
        docs++;
        pos = nl + 1;
      }
      rest = buf.subarray(pos);
    }
    return { name: c.name, fileMB: fileBytes / 1e6, dataMB: fileBytes / 1e6, docs, seconds: (performance.now() - t) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  }
  if (c.kind === 'ceiling') {
    const t = performance.now();
    let out = 0;
    const src = createReadStream(c.file, { highWaterMark: 1 << 20 });
    for await (const chunk of c.file.endsWith('.gz') ? src.pipe(createGunzip({ chunkSize: 256 << 10 })) : src) out += (chunk as Buffer).length;
    return { name: c.name, fileMB: fileBytes / 1e6, dataMB: out / 1e6, docs: 0, seconds: (performance.now() - t) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  }
  const def = readerRegistry.get(c.format!);
  const opts = def.schema.parse(c.kind === 'html_extract' ? {} : (c.options ?? {}));
  if (c.kind === 'reader') {
    const t = performance.now();
    let docs = 0;
    let chars = 0;
    for await (const d of def.read({ path: c.file, fileIndex: 0 }, opts, ctx())) {
      docs++;
      chars += d.text.length;
    }
    const seconds = (performance.now() - t) / 1000;
    void chars;
    return { name: c.name, fileMB: fileBytes / 1e6, dataMB: (c.dataBytes ?? fileBytes) / 1e6, docs, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  }
  // html_extract: read the HTML documents first (untimed), then time the stage alone.
  const pages: Doc[] = [];
  for await (const d of def.read({ path: c.file, fileIndex: 0 }, opts, ctx())) pages.push(d);
  const htmlBytes = pages.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  async function* src() {
    yield* pages;
  }
  const t = performance.now();
  let docs = 0;
  if (c.options?.ceiling) {
    // The parser alone, with no handlers: what any htmlparser2-based extractor must pay.
    for (const p of pages) {
      const parser = new Parser({}, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
      parser.write(p.text);
      parser.end();
      docs++;
    }
  } else {
    const stage = createHtmlExtract(htmlExtractSchema.parse({}));
    for await (const _ of stage(src(), ctx())) docs++;
  }
  return { name: c.name, fileMB: htmlBytes / 1e6, dataMB: htmlBytes / 1e6, docs, seconds: (performance.now() - t) / 1000, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** Repeat `unit` until the total is at least `mb` megabytes; write it plain and gzip (one member per repeat). */
function repeatTo(name: string, unit: Buffer, mb: number): { plain: string; gz: string } {
  const plain = path.join(WORK, name);
  const gz = `${plain}.gz`;
  const n = Math.ceil((mb * 1e6) / unit.length);
  if (!existsSync(gz) || statSync(plain).size !== unit.length * n) {
    writeFileSync(plain, Buffer.concat(Array.from({ length: n }, () => unit)));
    const member = gzipSync(unit, { level: 6 });
    writeFileSync(gz, Buffer.concat(Array.from({ length: n }, () => member)));
  }
  return { plain, gz };
}

function prepare(mb: number): Case[] {
  mkdirSync(WORK, { recursive: true });
  const s = (rel: string) => path.join(SHARED, rel);
  const gz = (rel: string) => gunzipSync(readFileSync(s(rel))).length;
  const cases: Case[] = [
    { name: 'warc  warcfile.warc.gz (16 HTML, 5 charsets)', kind: 'reader', format: 'warc', file: s('warc/warcfile.warc.gz'), dataBytes: gz('warc/warcfile.warc.gz') },
    { name: 'warc  test.warc.wet.gz (CRLF-damaged, recovery)', kind: 'reader', format: 'warc', file: s('wet/test.warc.wet.gz'), dataBytes: gz('wet/test.warc.wet.gz') },
    { name: 'warc  restored WET (318 records)', kind: 'reader', format: 'warc', file: s('wet/restored/CC-MAIN-20201129214615-20201130004615-00404.first318.warc.wet.gz'), dataBytes: gz('wet/restored/CC-MAIN-20201129214615-20201130004615-00404.first318.warc.wet.gz') },
    { name: 'jsonl data.jsonl (OSCAR, 63 docs)', kind: 'reader', format: 'jsonl', file: s('jsonl/data.jsonl'), options: { textField: 'content' } },
    { name: 'parquet Mizo news (1,348 rows, SNAPPY)', kind: 'reader', format: 'parquet', file: s('parquet/test-00000-of-00001.parquet'), options: { textColumn: 'Article' } },
  ];
  // Synthetic-by-repetition, >= mb MB each, from real shared content.
  const oscar = readFileSync(s('jsonl/data.jsonl'));
  const jsonl = repeatTo(`oscar-${mb}mb.jsonl`, oscar, mb);
  const wet = repeatTo(`cc-${mb}mb.warc.wet`, gunzipSync(readFileSync(s('wet/restored/CC-MAIN-20201129214615-20201130004615-00404.first318.warc.wet.gz'))), mb);
  const warc = repeatTo(`html-${mb}mb.warc`, Buffer.concat([gunzipSync(readFileSync(s('warc/warcfile.warc.gz'))), gunzipSync(readFileSync(s('warc/sample-0000.warc.gz')))]), mb);
  cases.push(
    { name: `jsonl OSCAR x${Math.round(statSync(jsonl.plain).size / oscar.length)} plain`, kind: 'reader', format: 'jsonl', file: jsonl.plain, options: { textField: 'content' } },
    { name: '  ceiling: split + JSON.parse only', kind: 'ceiling', file: jsonl.plain, options: { jsonParse: true } },
    { name: 'jsonl OSCAR repeated, gzip', kind: 'reader', format: 'jsonl', file: jsonl.gz, options: { textField: 'content' }, dataBytes: statSync(jsonl.plain).size },
    { name: '  ceiling: gunzip only, same file', kind: 'ceiling', file: jsonl.gz },
    { name: 'warc  CC WET repeated, gzip', kind: 'reader', format: 'warc', file: wet.gz, dataBytes: statSync(wet.plain).size },
    { name: '  ceiling: gunzip only, same file', kind: 'ceiling', file: wet.gz },
    { name: 'warc  CC+wget WARC (HTML) repeated, gzip', kind: 'reader', format: 'warc', file: warc.gz, dataBytes: statSync(warc.plain).size },
    { name: '  ceiling: gunzip only, same file', kind: 'ceiling', file: warc.gz },
  );
  let hasZstd = true;
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
  } catch {
    hasZstd = false;
  }
  if (hasZstd) {
    const zst = `${jsonl.plain}.zst`;
    if (!existsSync(zst)) execFileSync('zstd', ['-q', '-f', '-3', jsonl.plain, '-o', zst]);
    cases.push({ name: 'jsonl OSCAR repeated, zstd (fzstd)', kind: 'reader', format: 'jsonl', file: zst, options: { textField: 'content' }, dataBytes: statSync(jsonl.plain).size });
  }
  // Arrow IPC: the repeated OSCAR texts as one text column.
  const arrowFile = path.join(WORK, `oscar-${mb}mb.arrow`);
  if (!existsSync(arrowFile)) {
    const texts = readFileSync(jsonl.plain, 'utf8')
      .split('\n')
      .filter((l) => l)
      .map((l) => (JSON.parse(l) as { content: string }).content);
    // Plain Utf8, not tableFromArrays' default dictionary encoding (which would store each repeated text once).
    const table = new Table({ text: vectorFromArray(texts, new Utf8()), n: vectorFromArray(texts.map((_, i) => i), new Int32()) });
    writeFileSync(arrowFile, tableToIPC(table, 'file'));
  }
  cases.push({ name: 'arrow OSCAR texts repeated (IPC file)', kind: 'reader', format: 'arrow', file: arrowFile });
  cases.push({ name: 'html_extract on the repeated WARC pages', kind: 'html_extract', format: 'warc', file: warc.gz });
  cases.push({ name: '  ceiling: htmlparser2, empty handlers', kind: 'html_extract', format: 'warc', file: warc.gz, options: { ceiling: true } });
  return cases;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--case') {
    const c = JSON.parse(args[1]) as Case;
    process.stdout.write(JSON.stringify(await runCase(c)));
    return;
  }
  if (!existsSync(SHARED)) {
    console.log(`shared data not found at ${SHARED}; nothing to measure`);
    return;
  }
  const mbArg = args.indexOf('--mb');
  const mb = mbArg >= 0 ? Number(args[mbArg + 1]) : args.includes('--quick') ? 10 : 50;
  const cases = prepare(mb);
  console.log(`node ${process.version}, inputs in ${WORK} (synthetic files >= ${mb} MB)\n`);
  const rows: string[][] = [['case', 'file MB', 'data MB', 'docs', 's', 'file MB/s', 'data MB/s', 'docs/s', 'peak RSS MB', 'vs ceiling']];
  let lastReaderRate = 0;
  for (const c of cases) {
    const r = spawnSync(process.execPath, [here, '--case', JSON.stringify(c)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) {
      rows.push([c.name, 'failed: ' + (r.stderr.split('\n').find((l) => l.includes('Error')) ?? r.stderr.slice(0, 200))]);
      continue;
    }
    const res = JSON.parse(r.stdout) as Result;
    const dataRate = res.dataMB / res.seconds;
    const isCeiling = c.kind === 'ceiling' || c.options?.ceiling === true;
    const showDocs = c.kind !== 'ceiling' || c.options?.jsonParse === true;
    const vs = isCeiling && lastReaderRate > 0 ? `ours at ${((lastReaderRate / dataRate) * 100).toFixed(0)}%` : '';
    if (!isCeiling) lastReaderRate = dataRate;
    rows.push([
      c.name,
      res.fileMB.toFixed(1),
      res.dataMB.toFixed(1),
      showDocs ? String(res.docs) : '',
      res.seconds.toFixed(2),
      (res.fileMB / res.seconds).toFixed(1),
      dataRate.toFixed(1),
      showDocs ? Math.round(res.docs / res.seconds).toLocaleString('en-US') : '',
      res.peakRssMB.toFixed(0),
      vs,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const [k, r] of rows.entries()) {
    console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : (cell ?? '').padStart(widths[i]))).join('  '));
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log('\nfile MB/s: bytes on disk per second; data MB/s: decompressed bytes (for html_extract: HTML bytes) per second.');
}

await main();
