// The masking stage: prepared token shards → packed, masked BiGLM / BERT / diffusion training examples.

export * from './config.js';
export * from './spans.js';
export * from './objectives.js';
export * from './pack.js';
export * from './attention.js';
export * from './shard.js';
export * from './run.js';
