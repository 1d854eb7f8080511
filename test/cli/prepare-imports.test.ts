// `biglm prepare` starts its worker threads before it imports the pipeline (cli/commands/prepare.ts). An import
// of a pipeline module added to that file, or to anything it imports, would quietly put the pipeline's import
// back ahead of the threads' start: this walks the static imports from it, as Node loads them.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Repository-relative .ts files that `file` loads before its first line runs: static imports and re-exports, types left out. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^import\s*['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    if (m[2]) continue;
    const spec = m[3] ?? m[4];
    staticClosure(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'), seen);
  }
  return seen;
}

describe("biglm prepare's first module", () => {
  const loaded = [...staticClosure('cli/commands/prepare.ts')].sort();

  it('starts the pool from it', () => {
    expect(loaded).toContain('cli/early-pool.ts');
    expect(loaded).toContain('pipeline/executor/pool.ts');
  });

  it('loads no pipeline module but the config file reader and the pool, and no storage, api or model', () => {
    const heavy = loaded.filter(
      (f) => /^(storage|api|model|service|formats)\//.test(f) || (f.startsWith('pipeline/') && !['pipeline/config/config-file.ts', 'pipeline/config/common-crawl.ts', 'pipeline/executor/pool.ts'].includes(f)),
    );
    expect(heavy).toEqual([]);
  });
});
