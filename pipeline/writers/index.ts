export * from './arrow-columns.js';
export * from './arrow-file.js';
export * from './token-shards.js';
export * from './doc-jsonl.js';
export * from './doc-parquet.js';
export * from './dolma-line.js';
