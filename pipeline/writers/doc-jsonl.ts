// Documents as JSON lines: the intermediate files between segments (`segments/<k>/<rank>.jsonl`) and the
// `--text-output jsonl` files. One document per line with all its metadata; written to a temporary name
// and renamed when complete, so a killed task never leaves a half file under the final name.

import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import type { Doc } from '../core/doc.js';
import { tempName } from '../core/atomic.js';

/** The serialized form: everything but the tokens. */
export type DocLine = Omit<Doc, 'tokens'>;

export class DocJsonlWriter {
  private readonly tmp: string;
  private readonly out;
  count = 0;

  constructor(readonly target: string) {
    this.tmp = tempName(target);
    this.out = createWriteStream(this.tmp);
  }

  static async open(target: string): Promise<DocJsonlWriter> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    return new DocJsonlWriter(target);
  }

  async write(doc: Doc): Promise<void> {
    const line: DocLine = {
      id: doc.id,
      text: doc.text,
      source: doc.source,
      fileIndex: doc.fileIndex,
      position: doc.position,
      meta: doc.meta,
    };
    this.count++;
    if (!this.out.write(JSON.stringify(line) + '\n')) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
    const fh = await fs.open(this.tmp, 'r+');
    await fh.sync();
    await fh.close();
    await fs.rename(this.tmp, this.target);
  }

  async abort(): Promise<void> {
    this.out.destroy();
    await fs.rm(this.tmp, { force: true });
  }
}

/** Read back a file written by DocJsonlWriter, in order. */
export async function* readDocJsonl(file: string): AsyncIterable<Doc> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      if (nl > start) yield JSON.parse(text.slice(start, nl)) as Doc;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield JSON.parse(rest) as Doc;
}
