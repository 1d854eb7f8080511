export * from './doc.js';
export * from './stats.js';
export * from './stage.js';
export * from './reader.js';
