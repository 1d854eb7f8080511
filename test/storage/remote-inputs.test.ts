// `biglm prepare` reading its inputs from S3 (a glob over keys) and over HTTP (a paths file joined to a
// base URL, as Common Crawl publishes them), against real servers on 127.0.0.1; a missing object is one
// counted `read:missing_file` drop with a warning naming the URL, wrong credentials end the run with exit 2.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import { deleteObject, writeObject } from '../../storage/index.js';
import { expandInputs } from '../../pipeline/config/glob.js';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { startS3, type TestS3 } from '../helpers/s3-server.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';
import { biglm, haveDist, removeTempDirs, tempDir, writeRealCorpus } from '../executor/fixtures.js';

const DATA = path.resolve(__dirname, '../../../shared/data');
const haveData = existsSync(path.join(DATA, 'warc/whirlwind.warc.gz'));
if (!haveDist) console.warn('skipping remote input runs: dist/cli/biglm.js is not built (make build)');
if (!haveData) console.warn(`skipping the HTTP input run: ${DATA} is absent`);

let s3: TestS3;
let files: FileServer | undefined;
beforeAll(async () => {
  s3 = await startS3(['corpus']);
});
afterAll(async () => {
  await s3?.close();
  await files?.close();
  removeTempDirs();
});

/** Columns of every shard of a run, in shard order, without `source` (which names where documents came from). */
async function shardRows(runDir: string): Promise<unknown[]> {
  const manifest = JSON.parse(await fs.readFile(path.join(runDir, 'manifest.json'), 'utf8')) as { shards: { path: string }[] };
  const rows: unknown[] = [];
  for (const s of manifest.shards) {
    const t = tableFromIPC(await fs.readFile(path.join(runDir, s.path)));
    for (const r of t.toArray()) rows.push({ id: r.id, n_tokens: r.n_tokens, tokens: Array.from(r.tokens.toArray()) });
  }
  return rows;
}

async function shardSources(runDir: string): Promise<unknown[]> {
  const manifest = JSON.parse(await fs.readFile(path.join(runDir, 'manifest.json'), 'utf8')) as { shards: { path: string }[] };
  const out: unknown[] = [];
  for (const s of manifest.shards) for (const r of tableFromIPC(await fs.readFile(path.join(runDir, s.path))).toArray()) out.push(r.source);
  return out;
}

describe.skipIf(!haveDist)('prepare with remote inputs', () => {
  it('reads an s3:// glob and keeps the same documents and tokens as the same files on disk', async () => {
    const local = tempDir('biglm-s3in-');
    const names = await writeRealCorpus(path.join(local, 'in'), 3, 6);
    for (const n of names) await writeObject(`s3://corpus/jsonl/2024/${n}`, await fs.readFile(path.join(local, 'in', n)));
    await writeObject('s3://corpus/jsonl/2024/notes.txt', 'not an input');
    const fromDisk = await biglm(['prepare', '--input', path.join(local, 'in', '*.jsonl'), '--out', path.join(local, 'disk'), '--workers', '1', '--no-progress']);
    expect(fromDisk.code, fromDisk.stderr).toBe(0);
    const fromS3 = await biglm(['prepare', '--input', 's3://corpus/jsonl/**/*.jsonl', '--out', path.join(local, 's3'), '--workers', '1', '--no-progress'], s3.env);
    expect(fromS3.code, fromS3.stderr).toBe(0);
    const manifest = JSON.parse(await fs.readFile(path.join(local, 's3', 'manifest.json'), 'utf8'));
    expect(manifest.inputs.map((i: { path: string }) => i.path)).toEqual(names.map((n) => `s3://corpus/jsonl/2024/${n}`));
    expect(manifest.inputs[0].bytes).toBe((await fs.stat(path.join(local, 'in', names[0]))).size);
    const rows = await shardRows(path.join(local, 's3'));
    expect(rows.length).toBeGreaterThan(5);
    expect(rows).toEqual(await shardRows(path.join(local, 'disk')));
    // the source of a document read from a bucket is its object's URL
    expect(new Set(await shardSources(path.join(local, 's3')))).toEqual(new Set(names.map((n) => `s3://corpus/jsonl/2024/${n}`)));
  });

  it('expands s3:// globs, prefixes and ! exclusions next to local patterns, sorted', async () => {
    for (const k of ['ex/a/1.jsonl', 'ex/a/2.jsonl', 'ex/b/3.jsonl', 'ex/b/.hidden.jsonl', 'ex/c.jsonl']) await writeObject(`s3://corpus/${k}`, '{"text":"x"}\n');
    const got = await expandInputs(['s3://corpus/ex/**/*.jsonl', '!s3://corpus/ex/a/2.jsonl', 's3://corpus/ex/b', 'https://example.org/x.warc.gz'], '/nonexistent');
    expect(got.unmatched).toEqual([]);
    expect(got.files).toEqual(['https://example.org/x.warc.gz', 's3://corpus/ex/a/1.jsonl', 's3://corpus/ex/b/3.jsonl', 's3://corpus/ex/c.jsonl']);
    expect((await expandInputs(['s3://corpus/ex/none/*.jsonl'], '/nonexistent')).unmatched).toEqual(['s3://corpus/ex/none/*.jsonl']);
  });

  it('counts an object deleted between the listing and its task as one read:missing_file drop', async () => {
    const local = tempDir('biglm-s3gone-');
    const names = await writeRealCorpus(path.join(local, 'in'), 3, 5);
    for (const n of names) await writeObject(`s3://corpus/gone/${n}`, await fs.readFile(path.join(local, 'in', n)));
    const reg = defaultRegistries();
    const cfg = await resolveConfig({ inputs: ['s3://corpus/gone/*.jsonl'], tokenizer: { name: 'gpt2' } }, local, reg);
    expect(cfg.inputs).toHaveLength(3);
    await deleteObject(`s3://corpus/gone/${names[1]}`);
    const run = await openRunDir(path.join(local, 'run'), cfg, reg, false);
    const log = memoryLogger();
    await runLocal(run, { workers: 1, log, progress: false });
    const manifest = JSON.parse(await fs.readFile(path.join(local, 'run', 'manifest.json'), 'utf8'));
    expect(manifest.totals.dropped).toEqual({ 'read:missing_file': 1 });
    expect(manifest.totals.kept + 1).toBe(manifest.totals.read);
    expect(log.lines.join('\n')).toContain(`s3://corpus/gone/${names[1]}:0: the input is not there any more`);
  });

  it('says which bucket is missing, and exits 2 on wrong credentials', async () => {
    const out = tempDir('biglm-s3bad-');
    const noBucket = await biglm(['prepare', '--input', 's3://no-such-bucket/x/*.jsonl', '--out', path.join(out, 'a'), '--no-progress'], s3.env);
    expect(noBucket.code).toBe(1);
    expect(noBucket.stderr).toMatch(/s3:\/\/no-such-bucket\/x: not found \(no such bucket\)/);
    const denied = await biglm(['prepare', '--input', 's3://corpus/jsonl/**/*.jsonl', '--out', path.join(out, 'b'), '--no-progress'], {
      ...s3.env,
      // s3rver checks the key id, not the signature's secret
      AWS_ACCESS_KEY_ID: 'NOT-A-KEY',
    });
    expect(denied.code, denied.stderr).toBe(2);
    expect(denied.stderr).toMatch(/^biglm: s3:\/\/corpus\/jsonl: access denied \(InvalidAccessKeyId/m);
  });

  it.skipIf(!haveData)('exits 2 naming the URL when a server refuses an input (2 workers)', async () => {
    const refusing = await startFileServer(DATA, { forbidden: ['/warc/cc.warc.gz', '/warc/whirlwind.warc.gz'] });
    try {
      const dir = tempDir('biglm-403-');
      const r = await biglm(['prepare', '--input', `${refusing.url}/warc/cc.warc.gz`, '--input', `${refusing.url}/warc/whirlwind.warc.gz`, '--out', path.join(dir, 'run'), '--workers', '2', '--no-progress']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${refusing.url}/warc/(cc|whirlwind)\\.warc\\.gz: access denied \\(HTTP 403 Forbidden\\)`));
    } finally {
      await refusing.close();
    }
  });

  it.skipIf(!haveData)('reads a gzip paths file joined to an HTTP base URL, counting a missing file as one drop', async () => {
    files = await startFileServer(DATA);
    const dir = tempDir('biglm-paths-');
    const list = path.join(dir, 'warc.paths.gz');
    await fs.writeFile(list, gzipSync('warc/whirlwind.warc.gz\nwarc/cc.warc.gz\nwarc/gone.warc.gz\n'));
    const r = await biglm(['prepare', '--input-list', list, '--input-base', `${files.url}/`, '--out', path.join(dir, 'run'), '--workers', '1', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${files.url}/warc/gone.warc.gz:0: the input is not there any more`);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'run', 'manifest.json'), 'utf8'));
    expect(manifest.totals.dropped['read:missing_file']).toBe(1);
    const dropped = Object.values(manifest.totals.dropped as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(manifest.totals.kept + dropped).toBe(manifest.totals.read);
    expect(manifest.totals.kept).toBe(2);
    expect(manifest.inputs.map((i: { path: string }) => i.path)).toEqual([`${files.url}/warc/cc.warc.gz`, `${files.url}/warc/gone.warc.gz`, `${files.url}/warc/whirlwind.warc.gz`]);
  });
});
