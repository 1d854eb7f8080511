export * from './schema.js';
export * from './errors.js';
export * from './resolve.js';
export * from './glob.js';
