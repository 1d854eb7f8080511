// Clean seed files for the reader fuzz, one per format, built here from the project's own writers (so the
// fuzz runs on a fresh clone): WARC (a gzip member per record) and WET, JSONL plain / gzip / zstd,
// Parquet (parquetjs-lite, several row groups) and Arrow IPC file and stream.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as path from 'node:path';
import { Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';

export interface Seed {
  /** Name of the seed, also the file name the mutants get (its ending picks the reader). */
  name: string;
  format: string;
  data: Buffer;
}

const texts = Array.from({ length: 40 }, (_, i) => `Document ${i}: ${'a sentence of ordinary crawled text, with words. '.repeat(3 + (i % 9))}`);

function warcRecord(type: string, fields: Record<string, string>, block: string): Buffer {
  const body = Buffer.from(block);
  const head = ['WARC/1.0', `WARC-Type: ${type}`, ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head), body, Buffer.from('\r\n\r\n')]);
}

function warcRecords(): Buffer[] {
  return texts.map((t, i) => {
    const fields = { 'WARC-Target-URI': `https://example.com/${i}`, 'WARC-Date': '2024-05-18T01:02:03Z', 'WARC-Record-ID': `<urn:uuid:00000000-0000-0000-0000-${String(i).padStart(12, '0')}>` };
    if (i % 2) return warcRecord('conversion', { ...fields, 'Content-Type': 'text/plain' }, t);
    const html = `<!doctype html><html><head><title>Page ${i}</title></head><body><p>${t}</p></body></html>`;
    return warcRecord('response', { ...fields, 'Content-Type': 'application/http; msgtype=response' }, `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`);
  });
}

/** A zstd frame of raw blocks (RFC 8878): fzstd only decodes, and the fuzz must not need a zstd binary. */
function zstdRaw(data: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0b1010_0000;
  header.writeUInt32LE(data.length, 5);
  const parts: Buffer[] = [header];
  for (let off = 0; off < data.length; off += 128 << 10) {
    const size = Math.min(128 << 10, data.length - off);
    const bh = (size << 3) | (off + size >= data.length ? 1 : 0);
    parts.push(Buffer.from([bh & 0xff, (bh >> 8) & 0xff, (bh >> 16) & 0xff]), data.subarray(off, off + size));
  }
  return Buffer.concat(parts);
}

async function parquetSeed(dir: string): Promise<Buffer> {
  const parquet = createRequire(import.meta.url)('parquetjs-lite');
  const schema = new parquet.ParquetSchema({ id: { type: 'UTF8' }, text: { type: 'UTF8', compression: 'SNAPPY' }, n: { type: 'INT64' } });
  const file = path.join(dir, 'seed.parquet');
  const w = await parquet.ParquetWriter.openFile(schema, file, { rowGroupSize: 10 });
  for (let i = 0; i < texts.length; i++) await w.appendRow({ id: `d${i}`, text: texts[i], n: i });
  await w.close();
  return readFileSync(file);
}

function arrowSeed(format: 'file' | 'stream'): Buffer {
  const whole = new Table({ id: vectorFromArray(texts.map((_, i) => `d${i}`), new Utf8()), text: vectorFromArray(texts, new Utf8()) });
  const parts = [0, 10, 20, 30].map((s) => whole.slice(s, s + 10));
  return Buffer.from(tableToIPC(parts[0].concat(...parts.slice(1)), format));
}

/** Every seed; `dir` is a scratch folder for writers that want a file. */
export async function buildSeeds(dir: string): Promise<Seed[]> {
  const records = warcRecords();
  const jsonl = Buffer.from(texts.map((t, i) => JSON.stringify({ id: `d${i}`, text: t, meta: { n: i } })).join('\n') + '\n');
  return [
    { name: 'crawl.warc.gz', format: 'warc', data: Buffer.concat(records.map((r) => gzipSync(r))) },
    { name: 'crawl.warc.wet', format: 'warc', data: Buffer.concat(records.filter((_, i) => i % 2)) },
    { name: 'docs.jsonl', format: 'jsonl', data: jsonl },
    { name: 'docs.jsonl.gz', format: 'jsonl', data: gzipSync(jsonl) },
    { name: 'docs.jsonl.zst', format: 'jsonl', data: zstdRaw(jsonl) },
    { name: 'docs.parquet', format: 'parquet', data: await parquetSeed(dir) },
    { name: 'docs.arrow', format: 'arrow', data: arrowSeed('file') },
    { name: 'docs.arrows', format: 'arrow', data: arrowSeed('stream') },
  ];
}
