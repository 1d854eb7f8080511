import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandInputs, globBase, globMatcher } from '../../pipeline/config/glob.js';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-glob-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
mkdirSync(path.join(dir, 'crawl-1'), { recursive: true });
mkdirSync(path.join(dir, 'crawl-2'), { recursive: true });
mkdirSync(path.join(dir, 'crawl-3'), { recursive: true });
mkdirSync(path.join(dir, '.hidden'), { recursive: true });
const names = [
  'x.jsonl', 'a/y.jsonl', 'a/b/z.jsonl.gz', 'a/b/w.warc.gz', 'crawl-1/p.warc.gz', 'crawl-2/p.warc.gz', 'crawl-3/p.warc.gz',
  'crawl-3/q.wet.gz', '.hidden/h.jsonl', 'a/.dot.jsonl', 'lit[1].jsonl',
];
for (const f of names) writeFileSync(path.join(dir, f), '');
symlinkSync(path.join(dir, 'x.jsonl'), path.join(dir, 'a', 'linked.jsonl'));

async function expand(...patterns: string[]): Promise<string[]> {
  return (await expandInputs(patterns, dir)).files.map((f) => path.relative(dir, f));
}

describe('expandInputs', () => {
  it('* stays inside one folder; ** crosses folders; both skip hidden names', async () => {
    expect(await expand('*.jsonl')).toEqual(['lit[1].jsonl', 'x.jsonl']);
    expect(await expand('a/*.jsonl')).toEqual(['a/linked.jsonl', 'a/y.jsonl']);
    expect(await expand('**/*.jsonl')).toEqual(['a/linked.jsonl', 'a/y.jsonl', 'lit[1].jsonl', 'x.jsonl']);
  });

  it('{a,b} alternatives and {1..3} ranges', async () => {
    expect(await expand('**/*.{jsonl,jsonl.gz}')).toEqual(['a/b/z.jsonl.gz', 'a/linked.jsonl', 'a/y.jsonl', 'lit[1].jsonl', 'x.jsonl']);
    expect(await expand('crawl-{1..2}/*.gz')).toEqual(['crawl-1/p.warc.gz', 'crawl-2/p.warc.gz']);
  });

  it('[abc], [a-c], [!abc] and ? match one character', async () => {
    expect(await expand('crawl-[13]/*.gz')).toEqual(['crawl-1/p.warc.gz', 'crawl-3/p.warc.gz', 'crawl-3/q.wet.gz']);
    expect(await expand('crawl-[1-2]/*.gz')).toEqual(['crawl-1/p.warc.gz', 'crawl-2/p.warc.gz']);
    expect(await expand('crawl-[!1]/p.warc.gz')).toEqual(['crawl-2/p.warc.gz', 'crawl-3/p.warc.gz']);
    expect(await expand('crawl-?/[pq].w?t.gz')).toEqual(['crawl-3/q.wet.gz']);
  });

  it('!pattern removes files the other patterns matched', async () => {
    expect(await expand('crawl-*/*.gz', '!crawl-2/**', '!**/*.wet.gz')).toEqual(['crawl-1/p.warc.gz', 'crawl-3/p.warc.gz']);
  });

  it('takes a path that exists literally, even with glob characters in its name', async () => {
    expect(await expand('lit[1].jsonl')).toEqual(['lit[1].jsonl']);
  });

  it('takes every file under a plain folder (links followed) and reports patterns that match nothing', async () => {
    const { files, unmatched } = await expandInputs(['a', 'nothing/*.warc', 'crawl-[9]/*'], dir);
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a/b/w.warc.gz', 'a/b/z.jsonl.gz', 'a/linked.jsonl', 'a/y.jsonl']);
    expect(unmatched).toEqual(['nothing/*.warc', 'crawl-[9]/*']);
  });

  it('takes the config folder literally, glob characters in its name included', async () => {
    const odd = path.join(dir, 'runs [x] (1)');
    mkdirSync(odd);
    writeFileSync(path.join(odd, 'in.jsonl'), '');
    const { files } = await expandInputs(['*.jsonl', '!*.gz'], odd);
    expect(files).toEqual([path.join(odd, 'in.jsonl')]);
    rmSync(odd, { recursive: true });
  });

  it('resolves patterns against the config folder, ../ included', async () => {
    const { files } = await expandInputs(['../a/b/*.gz'], path.join(dir, 'crawl-1'));
    expect(files.map((f) => path.relative(dir, f))).toEqual(['a/b/w.warc.gz', 'a/b/z.jsonl.gz']);
  });
});

describe('a config whose ! patterns exclude everything', () => {
  it('is a configuration error naming the patterns', async () => {
    await expect(resolveConfig({ inputs: ['*.jsonl', '!**/*'] }, dir, defaultRegistries())).rejects.toThrow(/inputs: the ! patterns exclude every file/);
  });
});

describe('globBase and globMatcher (for listings that are not local folders)', () => {
  it('split a pattern at its first glob segment', () => {
    expect(globBase('crawl/2024-*/**/*.warc.gz')).toEqual({ base: 'crawl', glob: '2024-*/**/*.warc.gz' });
    expect(globBase('bucket/plain/file.jsonl')).toEqual({ base: 'bucket/plain/file.jsonl', glob: '' });
  });

  it('match keys relative to the base, with the same syntax as local inputs', () => {
    const m = globMatcher('2024-*/**/*.warc.gz');
    expect(m('2024-10/seg/a.warc.gz')).toBe(true);
    expect(m('2024-10/a.warc.gz')).toBe(true);
    expect(m('2023-10/a.warc.gz')).toBe(false);
    expect(m('2024-10/.a.warc.gz')).toBe(false);
    expect(globMatcher('part-[0-4].jsonl')('part-3.jsonl')).toBe(true);
    expect(globMatcher('part-[0-4].jsonl')('part-7.jsonl')).toBe(false);
  });
});
