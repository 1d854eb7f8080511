// What a run left in a bucket, named as `runOutputs` (test/executor/fixtures.ts) names a local run's files,
// so tests compare an S3 run with a local one file by file.

import { listObjects, readBytes } from '../../storage/index.js';

/** The run's manifest and shards as stored in the bucket. */
export async function bucketOutputs(url: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  out.set('manifest.json', await readBytes(`${url}/manifest.json`));
  for await (const o of listObjects(`${url}/shards`)) out.set(o.location.slice(url.length + 1), await readBytes(o.location));
  return out;
}

/** Every key under `url`, relative to it. */
export async function keys(url: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of listObjects(url)) out.push(o.location.slice(url.length + 1));
  return out;
}
