// `node --import ./scripts/gpu/trace-modules.mjs ...`: appends the path of every module the process
// resolves (ESM and CommonJS, .node addons included) to $TRACE_OUT, one per line. bundle.sh runs the
// trainer under it to learn which files of dist/ and node_modules/ the GPU check needs.

import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.TRACE_OUT;
if (!out) throw new Error('trace-modules.mjs: set TRACE_OUT to the file that collects module paths');

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  if (r.url.startsWith('file:')) appendFileSync(${JSON.stringify(out)}, new URL(r.url).pathname + '\\n');
  return r;
}`),
);

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  if (file.startsWith('/')) appendFileSync(out, file + '\n');
  return file;
};
