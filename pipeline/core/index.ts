export * from './doc.js';
export * from './stats.js';
export * from './stage.js';
export * from './reader.js';
export * from './log.js';
export * from './registry.js';
export * from './rng.js';
export * from './atomic.js';
