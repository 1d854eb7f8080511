// `--text-output parquet`: kept documents with their metadata as Parquet (like datatrove's ParquetWriter),
// written to a temporary name and renamed when complete. Metadata goes in one JSON column so documents
// from different readers share a schema.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Doc } from '../core/doc.js';
import { tempName } from '../../lib/atomic.js';

// parquetjs-lite is CommonJS without types; this is the part of its writer API used here.
interface ParquetWriterApi {
  appendRow(r: unknown): Promise<void>;
  close(): Promise<void>;
}
interface ParquetWriterModule {
  ParquetSchema: new (fields: Record<string, { type: string; compression?: string }>) => unknown;
  ParquetWriter: { openFile(schema: unknown, path: string): Promise<ParquetWriterApi> };
}
const parquet = createRequire(import.meta.url)('parquetjs-lite') as ParquetWriterModule;

const schema = new parquet.ParquetSchema({
  id: { type: 'UTF8' },
  text: { type: 'UTF8', compression: 'GZIP' },
  source: { type: 'UTF8' },
  file_index: { type: 'INT32' },
  position: { type: 'INT64' },
  metadata: { type: 'UTF8', compression: 'GZIP' },
});

export class DocParquetWriter {
  private constructor(
    readonly target: string,
    private readonly tmp: string,
    private readonly writer: ParquetWriterApi,
  ) {}
  count = 0;

  static async open(target: string): Promise<DocParquetWriter> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = tempName(target);
    const writer = await parquet.ParquetWriter.openFile(schema, tmp);
    return new DocParquetWriter(target, tmp, writer);
  }

  async write(doc: Doc): Promise<void> {
    this.count++;
    await this.writer.appendRow({
      id: doc.id,
      text: doc.text,
      source: doc.source,
      file_index: doc.fileIndex,
      position: doc.position,
      metadata: JSON.stringify(doc.meta),
    });
  }

  async close(): Promise<void> {
    await this.writer.close();
    await fs.rename(this.tmp, this.target);
  }

  async abort(): Promise<void> {
    await this.writer.close().catch(() => undefined);
    await fs.rm(this.tmp, { force: true });
  }
}
