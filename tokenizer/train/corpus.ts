// Training text, streamed: plain-text files, JSONL files with a `text` field (optionally gzipped), or a
// run directory's `text/*.jsonl`. Bad JSONL lines are counted by reason and warned about with file and
// line; they never end the training.

import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Logger } from '../../lib/log.js';

/** Expand the command line's inputs: files stay, a run directory gives its `text/*.jsonl`, another directory its files. */
export function resolveInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new Error(`input '${input}' does not exist`);
    if (!statSync(input).isDirectory()) {
      files.push(input);
      continue;
    }
    const textDir = path.join(input, 'text');
    const dir = existsSync(textDir) && statSync(textDir).isDirectory() ? textDir : input;
    const inside = readdirSync(dir)
      .filter((f) => !f.startsWith('.') && statSync(path.join(dir, f)).isFile())
      .filter((f) => dir !== textDir || /\.jsonl(\.gz)?$/.test(f))
      .sort();
    if (inside.length === 0) throw new Error(`input directory '${input}' has no files${dir === textDir ? ' in text/' : ''}`);
    files.push(...inside.map((f) => path.join(dir, f)));
  }
  return files;
}

export interface CorpusCounters {
  documents: number;
  bytes: number;
  /** Skipped records by reason (`invalid_json`, `missing_text`). */
  skipped: Record<string, number>;
}

const WARNINGS_PER_FILE = 10;

/** Yield text from each file in order, in pieces that never split a pre-tokenization piece. */
export async function* readCorpus(files: readonly string[], counters: CorpusCounters, log: Logger): AsyncGenerator<string> {
  for (const file of files) {
    if (/\.jsonl(\.gz)?$/.test(file)) yield* readJsonl(file, counters, log);
    else yield* readText(file, counters);
  }
}

function open(file: string): Readable {
  const raw = createReadStream(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

async function* readJsonl(file: string, counters: CorpusCounters, log: Logger): AsyncGenerator<string> {
  const lines = createInterface({ input: open(file), crlfDelay: Infinity });
  let lineNo = 0;
  let warned = 0;
  const skip = (reason: string, what: string) => {
    counters.skipped[reason] = (counters.skipped[reason] ?? 0) + 1;
    if (warned++ < WARNINGS_PER_FILE) log.warn(`${file}:${lineNo}: ${what}; skipped (${reason})`);
  };
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      skip('invalid_json', `not JSON (${(err as Error).message})`);
      continue;
    }
    const text = (record as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') {
      skip('missing_text', 'no string `text` field');
      continue;
    }
    counters.documents++;
    counters.bytes += Buffer.byteLength(text);
    yield text;
  }
  if (warned > WARNINGS_PER_FILE) log.warn(`${file}: ${warned - WARNINGS_PER_FILE} more bad lines not shown`);
}

const CHUNK = 1 << 20;
const LETTER = /\p{L}/u;

// A plain-text file is one document, read in ~1 MB pieces. A cut goes after a newline that a letter
// follows: no pre-tokenization pattern matches across "\n" into a letter, so the pieces split exactly
// as the whole file would.
async function* readText(file: string, counters: CorpusCounters): AsyncGenerator<string> {
  const stream = open(file);
  stream.setEncoding('utf8');
  let buf = '';
  counters.documents++;
  for await (const chunk of stream as AsyncIterable<string>) {
    buf += chunk;
    if (buf.length < CHUNK) continue;
    const cut = cutPoint(buf);
    if (cut > 0) {
      counters.bytes += Buffer.byteLength(buf.slice(0, cut));
      yield buf.slice(0, cut);
      buf = buf.slice(cut);
    }
  }
  if (buf.length > 0) {
    counters.bytes += Buffer.byteLength(buf);
    yield buf;
  }
}

function cutPoint(buf: string): number {
  let i = buf.lastIndexOf('\n');
  while (i >= 0) {
    const cp = buf.codePointAt(i + 1);
    if (cp !== undefined && LETTER.test(String.fromCodePoint(cp))) return i + 1;
    i = buf.lastIndexOf('\n', i - 1);
  }
  return 0;
}
