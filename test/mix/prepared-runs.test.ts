import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { runMixFile } from '../../pipeline/mix/mix.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { brownTexts } from '../../pipeline/mix/text-run.js';
import { exportRun } from '../../pipeline/export/index.js';
import { fixtureRegistries } from '../runner/contract-fixtures.js';

// Sources written by the real prepare runner (with the runner tests' line reader, one Brown paragraph
// per line), so the mixer is checked against what `biglm prepare` writes, not only its own writer.
const reg = fixtureRegistries();
let root: string;

async function prepareRun(name: string, pattern: RegExp): Promise<string> {
  const input = path.join(root, `${name}-in`);
  await fs.mkdir(input, { recursive: true });
  for (const t of await brownTexts(pattern, 4)) {
    await fs.writeFile(path.join(input, `${path.basename(t.name)}.txt`), t.text.split(/\n\n/).join('\n') + '\n');
  }
  const cfg = await resolveConfig({ inputs: ['*.txt'], tokenizer: { name: 'gpt2' }, output: { shardMaxBytes: 20_000 } }, input, reg);
  const runDir = path.join(root, name);
  const run = await openRunDir(runDir, cfg, reg, false);
  await runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg });
  return runDir;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-mix-prepared-'));
  await prepareRun('news', /^ca/);
  await prepareRun('fiction', /^ck/);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('mixing runs written by the prepare runner', () => {
  it('accepts them as sources, keeps their documents intact, and records their lineage', async () => {
    const news = await readRunManifest(path.join(root, 'news'));
    const fiction = await readRunManifest(path.join(root, 'fiction'));
    expect(news.manifest.shards.length).toBeGreaterThan(1);
    const file = parseMixFile(
      { mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 0.5, maxEpochs: 3 }, { run: 'fiction', weight: 0.5, maxEpochs: 3 }] }] },
      root,
    );
    const [m] = await runMixFile(file, { out: path.join(root, 'mixed'), log: memoryLogger() });
    expect(m.mix.sources.map((s) => s.configHash)).toEqual([news.manifest.configHash, fiction.manifest.configHash]);
    expect(m.inputs.map((i) => i.path)).toEqual(['news/manifest.json', 'fiction/manifest.json']);

    // Every mixed document is a source document, token for token.
    const source = new Map<string, string>();
    for (const run of [news, fiction]) {
      for (const s of run.manifest.shards) for await (const d of readShardDocs(path.join(run.dir, s.path))) source.set(d.id, d.tokens.join(','));
    }
    const runDir = path.join(root, 'mixed', 'm');
    let docs = 0;
    for (const s of m.shards) {
      for await (const d of readShardDocs(path.join(runDir, s.path))) {
        expect(d.tokens.join(',')).toBe(source.get(d.id.replace(/~rep\d+$/, '')));
        docs++;
      }
    }
    expect(docs).toBe(m.totals.kept);

    // And the mixed run exports like any run.
    const record = await exportRun(runDir, 'megatron', path.join(root, 'export', 'm'));
    expect(record.tokens).toBe(m.totals.tokens);
  });
});
