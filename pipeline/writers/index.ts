export * from '../../formats/arrow/columns.js';
export * from '../../formats/arrow/file-sink.js';
export * from '../../formats/token-shards/write.js';
export * from './doc-jsonl.js';
export * from './doc-parquet.js';
export * from './dolma-line.js';
