// The tokens of every document of a run, in shard order: what an export must read back to.

import * as path from 'node:path';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';

export async function sourceDocs(runDir: string): Promise<number[][]> {
  const run = await readRunManifest(runDir);
  const docs: number[][] = [];
  for (const s of run.manifest.shards) for await (const d of readShardDocs(path.join(runDir, s.path))) docs.push(Array.from(d.tokens));
  return docs;
}
