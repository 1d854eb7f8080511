// Real multilingual text for the tokenizer tests: Common Crawl WET records from ../shared/data
// (absent for users: tests using it skip), cut into documents at record boundaries.

import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const sharedData = new URL('../../../shared/data/', import.meta.url);
export const wetFile = new URL(
  'wet/restored/CC-MAIN-20201129214615-20201130004615-00404.first318.warc.wet.gz',
  sharedData,
);
export const hasWet = existsSync(wetFile);

/** The first `maxBytes` of the WET file's records (headers and bodies), one string per record. */
export function wetDocuments(maxBytes = Infinity): string[] {
  const all = gunzipSync(readFileSync(wetFile)).toString('utf8');
  const docs: string[] = [];
  let total = 0;
  for (const record of all.split('WARC/1.0\r\n')) {
    if (record.length === 0) continue;
    docs.push(record);
    total += record.length;
    if (total >= maxBytes) break;
  }
  return docs;
}
