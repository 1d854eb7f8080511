// The house as docs/architecture.md draws it: which part may import which. Every relative import of every
// source file (static, dynamic, re-export; comments removed first, so a path in a comment does not count)
// is checked against the arrows below; an import across any other arrow fails the test.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The parts, and the parts each may import (besides itself). Keep in step with docs/architecture.md. */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  storage: ['lib'],
  formats: ['lib'],
  tokenizer: ['lib'],
  model: ['lib', 'tokenizer', 'formats'],
  pipeline: ['lib', 'storage', 'tokenizer', 'formats'],
  service: ['lib', 'storage', 'tokenizer', 'pipeline'],
  api: ['lib', 'storage', 'tokenizer', 'formats', 'pipeline'],
  cli: ['lib', 'storage', 'tokenizer', 'formats', 'pipeline', 'model', 'service', 'api'],
  bench: ['lib', 'storage', 'tokenizer', 'formats', 'pipeline', 'model', 'service', 'api', 'cli', 'test'],
};

export interface Violation {
  from: string;
  to: string;
}

/** Imports of `files` (repository-relative path → source text) that cross an arrow not drawn. */
export function forbiddenImports(files: Map<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of files) {
    const from = file.split('/')[0];
    for (const spec of relativeImports(text)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
      const to = target.split('/')[0];
      if (to === from || ALLOWED[from]?.includes(to)) continue;
      out.push({ from: file, to: target });
    }
  }
  return out;
}

/** The relative specifiers of `import … from`, `import '…'`, `import('…')` and `export … from`. */
function relativeImports(text: string): string[] {
  const code = withoutComments(text);
  const found = code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)(['"])(\.{1,2}\/[^'"]*)\1/gm);
  return [...found].map((m) => m[2]);
}

/** The source with its comments blanked; strings (a URL's `//` included) are kept as they are. */
function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const start = i;
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = path.posix.join(dir, name);
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.set(rel, readFileSync(path.join(ROOT, rel), 'utf8'));
    }
  };
  for (const part of Object.keys(ALLOWED)) walk(part);
  return files;
}

describe('the import graph', () => {
  it('crosses only the arrows docs/architecture.md draws', () => {
    const files = sources();
    expect(files.size).toBeGreaterThan(300);
    // a scanner that misses imports would pass vacuously
    expect([...files.values()].reduce((n, text) => n + relativeImports(text).length, 0)).toBeGreaterThan(1000);
    expect(forbiddenImports(files)).toEqual([]);
  });

  it('lists every top-level source folder as a part, so a new one needs its arrows drawn', () => {
    const parts = readdirSync(ROOT).filter(
      (d) => !d.startsWith('.') && !['node_modules', 'dist', 'test', 'docs', 'configs', 'scripts', 'data', 'runs', 'coverage'].includes(d) && statSync(path.join(ROOT, d)).isDirectory(),
    );
    expect(parts.sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('names an import that crosses a forbidden arrow, static, dynamic or re-exported', () => {
    const files = new Map([
      ['tokenizer/train/x.ts', "import { Doc } from '../../pipeline/core/doc.js';\n// from '../../model/biglm.js' in a comment is no import\n"],
      ['lib/y.ts', "export * from '../storage/index.js';\nconst m = () => import('../pipeline/registries.js');\n"],
      ['model/z.ts', "import { Rng } from '../lib/rng.js';\nimport { readExampleShard } from '../formats/examples/shard.js';\n"],
    ]);
    expect(forbiddenImports(files)).toEqual([
      { from: 'tokenizer/train/x.ts', to: 'pipeline/core/doc.ts' },
      { from: 'lib/y.ts', to: 'storage/index.ts' },
      { from: 'lib/y.ts', to: 'pipeline/registries.ts' },
    ]);
  });
});
