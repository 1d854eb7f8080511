// Corpus mixing: blend prepared runs into new runs by token share, with capped upsampling and a
// bounded-memory shuffle (docs/mixing.md).

export { MixFileConfig, MixSourceConfig, MixtureConfig, MixOutputConfig, loadMixFile, parseMixFile } from './schema.js';
export type { ResolvedMixFile, ResolvedMixture, ResolvedSource } from './schema.js';
export { readRunManifest, checkSameTokenizer, sha256File, type SourceRun } from './source-run.js';
export { planMixture, type MixturePlan, type SourcePlan } from './plan.js';
export { prepareMixtures, buildMixture, runMixFile, type MixedManifest, type MixLineage, type MixSourceLineage } from './mix.js';
export { writeTokenRun, type TokenDoc, type TokenRunSpec } from './run-writer.js';
export { formatMixTable, formatPlanTable } from './table.js';
export { shardBatches, shardDocs, shardLengths } from '../../formats/token-shards/read.js';
export { writeTextRun, brownTexts } from './text-run.js';
