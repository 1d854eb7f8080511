// Dedup stages (exact and MinHash near-duplicate) and the helpers the runner, `biglm inspect`,
// tests and benchmarks use.

import type { StageDefinition } from '../core/stage.js';
import { exactDedup } from './exact-dedup.js';
import { minhashDedup } from './minhash-dedup.js';

export const definitions: StageDefinition[] = [exactDedup, minhashDedup];

export { exactDedup, exactSchema, type ExactOptions } from './exact-dedup.js';
export { minhashDedup } from './minhash-dedup.js';
export { minhashSchema, type MinHashOptions } from './minhash-options.js';
export { MinHasher, jaccard, shingleSet, lshCatchProbability, type MinHashParams } from './minhash.js';
export { normalizeText, splitWords } from './normalize.js';
export { CorruptTaskOutputError, type Producer } from './record-file.js';
export { readDedupReport, type DedupReport } from './report.js';
export { runDedupLocally, type LocalDedupResult, type LocalDedupOptions } from './local.js';
