// An Arrow IPC file written batch by batch to a temporary name, hashed on the way, renamed on close.

import { createWriteStream, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordBatchFileWriter, type RecordBatch, type Schema } from 'apache-arrow';
import { tempName } from '../core/atomic.js';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

export class ArrowFileSink {
  private readonly writer: RecordBatchFileWriter;
  private readonly done: Promise<void>;
  private readonly tmp: string;
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(
    readonly target: string,
    schema: Schema,
  ) {
    this.tmp = tempName(target);
    this.writer = new RecordBatchFileWriter();
    this.writer.reset(undefined, schema);
    const counter = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        cb(null, chunk);
      },
    });
    this.done = pipeline(this.writer.toNodeStream(), counter, createWriteStream(this.tmp));
  }

  write(batch: RecordBatch): void {
    this.writer.write(batch);
  }

  async close(): Promise<WrittenFile> {
    this.writer.finish();
    await this.done;
    const fh = await fs.open(this.tmp, 'r+');
    await fh.sync();
    await fh.close();
    await fs.rename(this.tmp, this.target);
    return { path: this.target, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    this.writer.abort();
    await this.done.catch(() => undefined);
    await fs.rm(this.tmp, { force: true });
  }
}
