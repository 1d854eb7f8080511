// The reader registry and `--format auto`: which reader a file name calls for.

import { Registry } from '../../lib/registry.js';
import type { ReaderDefinition } from '../core/reader.js';
import { arrowReader } from './arrow.js';
import { jsonlReader } from './jsonl.js';
import { parquetReader } from './parquet.js';
import { warcReader } from './warc.js';
import { jsonArrayReader } from './json-array.js';
import { watReader } from './wat.js';

export const readerRegistry = new Registry<ReaderDefinition>('input format');
for (const r of [warcReader, watReader, jsonlReader, jsonArrayReader, parquetReader, arrowReader] as ReaderDefinition[]) readerRegistry.register(r.format, r);

/** Every file ending `detectFormat` knows, longest first (so `.warc.wet.gz` wins over `.gz`-less matches). */
export function knownEndings(): { ending: string; format: string }[] {
  return readerRegistry
    .names()
    .flatMap((format) => readerRegistry.get(format).extensions.map((ending) => ({ ending, format })))
    .sort((a, b) => b.ending.length - a.ending.length || a.ending.localeCompare(b.ending));
}

/** The reader format for a path, from its file name. Throws, listing the known endings, when none fits. */
export function detectFormat(path: string): string {
  const name = path.toLowerCase();
  for (const { ending, format } of knownEndings()) if (name.endsWith(ending)) return format;
  const endings = knownEndings()
    .map((e) => e.ending)
    .sort()
    .join(', ');
  throw new Error(`can not tell the input format of '${path}' from its name; known endings: ${endings}. Set "format" in the config to one of: ${readerRegistry.names().join(', ')}`);
}

export { warcReader, watReader, jsonlReader, jsonArrayReader, parquetReader, arrowReader };
export { openDecompressed, readDecompressed, sniffCompression, CompressedInputError } from './decompress.js';
