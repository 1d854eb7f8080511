import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readJsonl, jsonlSchema } from '../../pipeline/readers/jsonl.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { tempDir, writeTemp } from './fixtures.js';

// What biglm does not read is refused before the run starts (exit 2, naming the file or field and the fix),
// never read as garbage into a run that exits 0 with 0 documents.

const dir = tempDir('biglm-unsupported-');
const cli = path.resolve('dist/cli/biglm.js');
const have = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
const jsonl = writeTemp(dir, 'docs.jsonl', '{"text": "one document"}\n{"text": "another one"}\n');

function compress(tool: string, out: string): string {
  const r = spawnSync(tool, ['-c', jsonl], { maxBuffer: 1 << 20 });
  writeFileSync(out, r.stdout);
  return out;
}

function prepare(args: string[]) {
  return spawnSync(process.execPath, [cli, 'prepare', ...args, '--out', path.join(dir, 'run'), '--force', '--no-progress', '--tokenizer', 'gpt2'], { encoding: 'utf8', timeout: 120_000 });
}

describe.skipIf(!existsSync(cli))('inputs biglm does not read', () => {
  for (const [tool, ext] of [
    ['bzip2', 'bz2'],
    ['xz', 'xz'],
  ] as const) {
    it.skipIf(!have(tool))(`a ${tool} file exits 2 naming the file and how to recompress it, by name and when the format is forced`, () => {
      const named = compress(tool, path.join(dir, `docs.jsonl.${ext}`));
      const byName = prepare(['--input', named]);
      expect(byName.status).toBe(2);
      expect(byName.stderr).toContain(`${named} is ${tool}-compressed, which biglm does not read (it reads plain, gzip and zstd files); recompress it, e.g. \`${tool} -dc ${named} | zstd -o ${path.join(dir, 'docs.jsonl.zst')}\``);
      const disguised = compress(tool, path.join(dir, `disguised-${ext}.jsonl`));
      const forced = prepare(['--input', disguised]);
      expect(forced.status).toBe(2);
      expect(forced.stderr).toContain(`${disguised} is ${tool}-compressed`);
    });
  }

  it('reader.format "csv" exits 2 naming the field, the value and the formats there are', () => {
    const config = writeTemp(dir, 'csv.json', JSON.stringify({ inputs: ['docs.jsonl'], reader: { format: 'csv' }, tokenizer: { name: 'gpt2' } }));
    const r = spawnSync(process.execPath, [cli, 'prepare', config, '--out', path.join(dir, 'run-csv'), '--no-progress'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`reader.format = "csv": not an input format biglm reads; set it to 'auto' or one of: arrow, json, jsonl, parquet, warc, wat (convert CSV/TSV to JSONL or Parquet first`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('a file that became bzip2 after the run was planned', () => {
  it('is one counted read:unsupported_compression drop with the advice, not garbage documents', async () => {
    const p = writeTemp(dir, 'late.jsonl', Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(64, 7)]));
    const ctx = makeTestContext();
    const docs = await collect(readJsonl({ path: p, fileIndex: 0 }, jsonlSchema.parse({}), ctx));
    expect(docs).toHaveLength(0);
    expect(ctx.stats.snapshot().stages.read?.dropped).toEqual({ 'read:unsupported_compression': 1 });
    expect(ctx.log.lines[0]).toContain(`${p} is bzip2-compressed, which biglm does not read`);
  });
});
