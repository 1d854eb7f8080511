// Documents as JSON lines: the intermediate files between segments (`segments/<k>/<rank>.jsonl`, biglm's own
// `Doc` with its order key) and the `--text-output jsonl` files (dolma's document form, dolma-line.ts). One
// document per line with all its metadata; written to a temporary name
// and renamed when complete, so a killed task never leaves a half file under the final name. The writer
// hashes what it writes, so the task's marker can record the file's length and sha256; the reader checks
// them against that record while it reads.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Doc } from '../core/doc.js';
import { tempName } from '../../lib/atomic.js';
import { CorruptTaskOutputError, type Producer } from '../core/corrupt-output.js';
import { hashMismatch, type FileRecord } from '../runner/file-record.js';

/** The serialized form of a segment file: everything but the tokens. */
export type DocLine = Omit<Doc, 'tokens'>;

/** What one line holds for a document. */
export type LineShape = (doc: Doc) => unknown;

export const segmentLine: LineShape = (doc): DocLine => ({
  id: doc.id,
  text: doc.text,
  source: doc.source,
  fileIndex: doc.fileIndex,
  position: doc.position,
  meta: doc.meta,
});

export class DocJsonlWriter {
  private readonly tmp: string;
  private readonly out;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  /** A write error, kept until the next call: a stream destroyed by abort() must not crash the process. */
  private failed: Error | undefined;
  count = 0;

  constructor(
    readonly target: string,
    private readonly shape: LineShape = segmentLine,
  ) {
    this.tmp = tempName(target);
    this.out = createWriteStream(this.tmp);
    this.out.on('error', (e) => (this.failed ??= e));
  }

  static async open(target: string, shape: LineShape = segmentLine): Promise<DocJsonlWriter> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    return new DocJsonlWriter(target, shape);
  }

  async write(doc: Doc): Promise<void> {
    if (this.failed) throw this.failed;
    // Encoded once: the same bytes are hashed, counted and written.
    const bytes = Buffer.from(JSON.stringify(this.shape(doc)) + '\n');
    this.hash.update(bytes);
    this.bytes += bytes.length;
    this.count++;
    if (!this.out.write(bytes)) await once(this.out, 'drain');
  }

  /** Commits the file; its length and sha256, for the task's marker. */
  async close(): Promise<{ bytes: number; sha256: string }> {
    if (this.failed) throw this.failed;
    this.out.end();
    await once(this.out, 'finish');
    const fh = await fs.open(this.tmp, 'r+');
    await fh.sync();
    await fh.close();
    await fs.rename(this.tmp, this.target);
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    // The stream opens its file asynchronously: removing it before the stream has closed could run before the
    // open and leave the temporary file behind.
    const closed = this.out.closed ? undefined : new Promise<void>((resolve) => this.out.once('close', () => resolve()));
    this.out.destroy();
    await closed;
    await fs.rm(this.tmp, { force: true });
  }
}

/** What to check a file against while reading it (nothing but its lines, without a record), and whom to name when it is damaged. */
export interface ExpectedFile {
  record?: FileRecord;
  producer: Producer;
}

/**
 * Read back a file written by DocJsonlWriter, in order. With `expected`, a line that is not JSON, or a length or
 * sha256 other than recorded (checked at the end, before the caller can commit anything), throws
 * CorruptTaskOutputError naming the file and the task that wrote it.
 */
export async function* readDocJsonl(file: string, expected?: ExpectedFile): AsyncIterable<Doc> {
  const hash = createHash('sha256');
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let lineNo = 0;
  let rest = '';
  const parse = (line: string): Doc => {
    try {
      return JSON.parse(line) as Doc;
    } catch (e) {
      const reason = `line ${lineNo} is not JSON (${(e as Error).message})`;
      if (expected) throw new CorruptTaskOutputError(file, expected.producer, reason);
      throw new Error(`${file}: ${reason}`);
    }
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      lineNo++;
      if (nl > start) yield parse(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) {
    lineNo++;
    yield parse(rest);
  }
  if (expected?.record) {
    const { record, producer } = expected;
    if (bytes !== record.bytes) throw new CorruptTaskOutputError(file, producer, `read ${bytes} bytes, expected ${record.bytes}`);
    const sha256 = hash.digest('hex');
    if (sha256 !== record.sha256) throw new CorruptTaskOutputError(file, producer, hashMismatch(sha256, record.sha256));
  }
}
