// Listing with a glob, over any backend: the folder (or key prefix) before the first glob segment is
// listed, and the keys below it are matched by picomatch, so `s3://cc/crawl-data/CC-MAIN-2024-*/**/*.warc.gz`
// costs one listing of `crawl-data/`.

import picomatch from 'picomatch';
import type { ObjectInfo } from './backend.js';

/** `s3://b/crawl/2024-*\/**\/*.gz` → { base: 's3://b/crawl', glob: '2024-*\/**\/*.gz' }; glob '' when there is none. */
export function splitGlob(pattern: string): { base: string; glob: string } {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(\/.*)?$/i.exec(pattern);
  const origin = m ? m[1] : '';
  const rest = m ? (m[2] ?? '') : pattern;
  const scan = picomatch.scan(rest, { unescape: true });
  if (!scan.isGlob) return { base: pattern, glob: '' };
  return { base: origin + scan.base, glob: scan.glob };
}

export function hasGlob(pattern: string): boolean {
  return splitGlob(pattern).glob !== '';
}

/** The objects of a listing that `glob` (relative to `base`) matches; names starting with '.' never do. */
export async function* matchListing(base: string, glob: string, listing: AsyncIterable<ObjectInfo>): AsyncIterable<ObjectInfo> {
  const match = picomatch(glob, { dot: false });
  const prefix = base.endsWith('/') ? base : `${base}/`;
  for await (const o of listing) {
    if (!o.location.startsWith(prefix)) continue;
    if (match(o.location.slice(prefix.length))) yield o;
  }
}
