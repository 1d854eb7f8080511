import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { jsonlSchema, readJsonl } from '../../pipeline/readers/jsonl.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { tempDir, writeTemp, zstdRleFrame } from './fixtures.js';

// A zstd file that compresses thousands to one decodes in bounded memory: a 600 MB one-line .jsonl.zst
// (20 KB on disk) peaked at ~650 MB when fzstd was handed 1 MiB of compressed bytes at once.

const dir = tempDir('biglm-zstd-memory-');
const LINE_BYTES = 600 << 20;
const file = writeTemp(dir, 'one-line.jsonl.zst', zstdRleFrame(Buffer.from('{"text": "'), 0x61, LINE_BYTES, Buffer.from('"}\n{"text": "a short line after it"}\n')));
const built = path.resolve('dist/pipeline/readers/jsonl.js');

describe('zstd with bounded memory', () => {
  it('drops the 600 MB line as read:document_too_large and keeps the line after it', async () => {
    const ctx = makeTestContext();
    const docs = await collect(readJsonl({ path: file, fileIndex: 0 }, jsonlSchema.parse({}), ctx));
    expect(docs.map((d) => d.text)).toEqual(['a short line after it']);
    expect(ctx.stats.snapshot().stages.read?.dropped).toEqual({ 'read:document_too_large': 1 });
  });

  it.skipIf(!existsSync(built))('reads it in a process whose peak RSS stays far below the line (< 300 MB)', () => {
    const script = `
      const { readJsonl, jsonlSchema } = await import(${JSON.stringify(built)});
      const { StatsRecorder } = await import(${JSON.stringify(path.resolve('dist/pipeline/core/stats.js'))});
      const ctx = { rank: 0, worldSize: 1, stats: new StatsRecorder(), log: { warn() {}, info() {} }, signal: new AbortController().signal };
      let n = 0;
      for await (const d of readJsonl({ path: ${JSON.stringify(file)}, fileIndex: 0 }, jsonlSchema.parse({}), ctx)) n++;
      console.log(JSON.stringify({ n, rssMB: process.resourceUsage().maxRSS / 1024 }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { n, rssMB } = JSON.parse(r.stdout);
    expect(n).toBe(1);
    expect(rssMB).toBeLessThan(300);
  });
});
