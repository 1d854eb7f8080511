// Dedup stages (exact and MinHash near-duplicate) and the helpers the runner and `biglm inspect` use.
// exact/ and minhash/ hold the stages' steps, machinery/ the parts they are built from (record files,
// radix sort, k-way merge, union-find, the WebAssembly MinHash kernel).

import type { StageDefinition } from '../core/stage.js';
import { exactDedup } from './exact/exact-dedup.js';
import { minhashDedup } from './minhash/minhash-dedup.js';

export const definitions: StageDefinition[] = [exactDedup, minhashDedup];

export { exactDedup, exactSchema, type ExactOptions } from './exact/exact-dedup.js';
export { minhashDedup } from './minhash/minhash-dedup.js';
export { minhashSchema, type MinHashOptions } from './minhash/minhash-options.js';
export { MinHasher, jaccard, shingleSet, lshCatchProbability, type MinHashParams } from './minhash/minhash.js';
export { normalizeText, splitWords } from './normalize.js';
export { CorruptTaskOutputError, type Producer } from './machinery/record-file.js';
export { readDedupReport, type DedupReport } from './report.js';
