export * from './schema.js';
export * from '../../lib/config-errors.js';
export * from './resolve.js';
export * from './glob.js';
