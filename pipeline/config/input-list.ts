// Paths files: one input a line, as Common Crawl publishes every snapshot (`warc.paths.gz`, `wet.paths.gz`:
// `crawl-data/CC-MAIN-2024-22/segments/…/warc/….warc.gz`). Each line is joined to a base URL; a line that is
// already a URL or an absolute path is taken as it is. The file itself may be local, on S3 or behind HTTPS,
// plain or gzip.

import { gunzipSync } from 'node:zlib';
import { joinLocation, readBytes } from '../../storage/index.js';
import { ConfigError } from '../../lib/config-errors.js';
import { COMMON_CRAWL_BASE } from './common-crawl.js';

export async function readInputList(listFile: string, base: string = COMMON_CRAWL_BASE): Promise<string[]> {
  let bytes: Buffer;
  try {
    bytes = await readBytes(listFile);
  } catch (e) {
    throw new ConfigError(`--input-list ${listFile}: ${(e as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const lines = bytes
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new ConfigError(`--input-list ${listFile}: the file lists no paths`);
  return lines.map((l) => joinLocation(base, l));
}
