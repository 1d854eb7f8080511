// A document's `source` has one owner: the reader stamps the name it is given for the file (`InputFile.source`,
// the path when none is given) on every document, whatever the format; a prepare run gives the path relative
// to the config, so the shards' `source` column does not depend on where the inputs live.

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { readerRegistry } from '../../pipeline/readers/index.js';
import { DocParquetWriter } from '../../pipeline/writers/doc-parquet.js';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { memoryLogger } from '../../lib/log.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { collect, makeTestContext } from '../helpers/context.js';
import { conversionRecord, tempDir, writeTemp } from '../readers/fixtures.js';

const dir = tempDir('biglm-source-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wat = new URL('../../../shared/data/warc/CC-MAIN-20140820021334-00006-ip-10-180-136-8.ec2.internal.warc.wat', import.meta.url).pathname;
if (!existsSync(wat)) console.warn('test/core/reader: the WAT case is skipped — ../shared/data is absent');

async function inputs(): Promise<[format: string, file: string][]> {
  const parquet = path.join(dir, 'docs.parquet');
  const writer = await DocParquetWriter.open(parquet);
  await writer.write({ id: 'p0', text: 'a parquet row', source: 'ignored', fileIndex: 0, position: 0, meta: {} });
  await writer.close();
  return [
    ['jsonl', writeTemp(dir, 'docs.jsonl', '{"text":"a line"}\n{"text":"another"}\n')],
    ['json', writeTemp(dir, 'docs.json', '[{"text":"an element"}]')],
    ['warc', writeTemp(dir, 'docs.warc', conversionRecord('https://example.com/', 'a converted page'))],
    ['arrow', writeTemp(dir, 'docs.arrow', tableToIPC(tableFromArrays({ text: ['an arrow row'] }), 'file'))],
    ['parquet', parquet],
    ...(existsSync(wat) ? [['wat', wat] as [string, string]] : []),
  ];
}

describe('the source of a document', () => {
  it('is the name the reader is given for its file, by every reader, and the path when it is given none', async () => {
    for (const [format, file] of await inputs()) {
      const reader = readerRegistry.get(format);
      const named = await collect(reader.read({ path: file, fileIndex: 0, source: `name-of/${format}` }, reader.schema.parse({}), makeTestContext()));
      expect(named.length, format).toBeGreaterThan(0);
      expect(new Set(named.map((d) => d.source)), format).toEqual(new Set([`name-of/${format}`]));
      const unnamed = await collect(reader.read({ path: file, fileIndex: 0 }, reader.schema.parse({}), makeTestContext()));
      expect(new Set(unnamed.map((d) => d.source)), format).toEqual(new Set([file]));
    }
  });

  it('is the input path relative to the config in the shards of a run', async () => {
    const root = path.join(dir, 'project');
    mkdirSync(path.join(root, 'data'), { recursive: true });
    writeTemp(path.join(root, 'data'), 'a.jsonl', '{"text":"the first document of a"}\n');
    writeTemp(path.join(root, 'data'), 'b.jsonl', '{"text":"the first document of b"}\n{"text":"the second one"}\n');
    const reg = defaultRegistries();
    const cfg = await resolveConfig({ inputs: ['data/*.jsonl'] }, root, reg);
    const out = path.join(dir, 'run');
    await runLocal(await openRunDir(out, cfg, reg, false), { workers: 1, log: memoryLogger(), progress: false, registries: reg });
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    const sources: string[] = [];
    for (const shard of manifest.shards) for await (const d of readShardDocs(path.join(out, shard.path))) sources.push(d.source);
    expect(sources.sort()).toEqual(['data/a.jsonl', 'data/b.jsonl', 'data/b.jsonl']);
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).not.toContain(root);
  });
});
