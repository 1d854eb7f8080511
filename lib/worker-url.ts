// Worker threads (piscina) load compiled JavaScript. Under vitest the code runs from the .ts sources,
// so map a sibling module's URL to its compiled twin under dist/ (`make test` builds first).

import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';

/** URL of the compiled worker module `relative` next to the module at `fromUrl`. */
export function workerUrl(fromUrl: string, relative: string): string {
  const here = fileURLToPath(fromUrl);
  if (here.endsWith('.js')) return new URL(relative, fromUrl).href;
  // Running from source: <root>/<sub>/file.ts → <root>/dist/<sub>/<relative .js>
  const root = findRoot(path.dirname(here));
  const sub = path.relative(root, path.dirname(here));
  const target = path.join(root, 'dist', sub, relative.replace(/\.ts$/, '.js'));
  if (!existsSync(target)) {
    throw new Error(`compiled worker ${target} is missing: run \`make install\` (or \`npx tsc -p .\`) first`);
  }
  return pathToFileURL(target).href;
}

function findRoot(dir: string): string {
  let d = dir;
  while (!existsSync(path.join(d, 'package.json'))) {
    const up = path.dirname(d);
    if (up === d) throw new Error(`no package.json above ${dir}`);
    d = up;
  }
  return d;
}
