import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandInputs, globToRegExp } from '../../pipeline/config/glob.js';

describe('expandInputs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-glob-'));
  mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  for (const f of ['x.jsonl', 'a/y.jsonl', 'a/b/z.jsonl.gz', 'a/b/w.warc.gz']) writeFileSync(path.join(dir, f), '');

  it('expands *, ** and {a,b} and sorts by bytes', async () => {
    const { files } = await expandInputs(['**/*.{jsonl,jsonl.gz}'], dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a/b/z.jsonl.gz', 'a/y.jsonl', 'x.jsonl']);
  });

  it('takes every file under a plain directory and reports patterns that match nothing', async () => {
    const { files, unmatched } = await expandInputs(['a', 'nothing/*.warc'], dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a/b/w.warc.gz', 'a/b/z.jsonl.gz', 'a/y.jsonl']);
    expect(unmatched).toEqual(['nothing/*.warc']);
  });

  it('keeps * inside one directory level', () => {
    expect(globToRegExp('/d/*.gz').test('/d/x.gz')).toBe(true);
    expect(globToRegExp('/d/*.gz').test('/d/e/x.gz')).toBe(false);
  });
});
