// The partial epoch of a source: a seeded, uniformly random subset of its documents whose tokens add
// up to the budget (within half a document). Needs every document's length (read from the n_tokens
// column alone), so it keeps two typed arrays of one entry per source document (8 bytes each) — the
// only memory that grows with a source.

import * as path from 'node:path';
import { Rng } from '../../lib/rng.js';
import { shardLengths } from '../../formats/token-shards/read.js';
import type { SourceRun } from './source-run.js';

/** Token count of every document of a run, in manifest order (from the n_tokens columns only). */
export async function documentLengths(run: SourceRun): Promise<Uint32Array> {
  const lengths = new Uint32Array(run.documents);
  let at = 0;
  for (const shard of run.manifest.shards) {
    const values = await shardLengths(path.join(run.dir, shard.path));
    if (values.length !== shard.documents) throw new Error(`${run.dir}: ${shard.path} holds ${values.length} documents but the manifest records ${shard.documents}`);
    lengths.set(values, at);
    at += values.length;
  }
  return lengths;
}

/**
 * Marks (1) the documents of a seeded random permutation's prefix whose tokens come closest to
 * `budget`. Stops at the first document that would overshoot by more than it helps, so the subset is
 * a uniform random prefix, not biased towards short documents.
 */
export function selectPartial(lengths: Uint32Array, budget: number, rng: Rng): { selected: Uint8Array; tokens: number; documents: number } {
  const n = lengths.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const selected = new Uint8Array(n);
  let tokens = 0;
  let documents = 0;
  for (let k = 0; k < n && tokens < budget; k++) {
    const len = lengths[order[k]];
    if (tokens + len - budget > budget - tokens) break;
    selected[order[k]] = 1;
    tokens += len;
    documents++;
  }
  return { selected, tokens, documents };
}
