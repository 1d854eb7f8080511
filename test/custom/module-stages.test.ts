// Stages from a user's own module, named in a config as MODULE#EXPORT: each kind (filter function, mapper,
// whole stage, definition with options) runs in every worker — the main thread and a pool thread, which
// imports the module itself — with the same output as one worker, and its drops counted under its own
// reasons. Bad references are configuration errors that say what to do.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { ConfigError } from '../../lib/config-errors.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { biglm, haveDist, removeTempDirs, runOutputs, tempDir, writeRealCorpus } from '../executor/fixtures.js';
import { expectedOutcome, writeStagesModule } from './fixtures.js';

const reg = defaultRegistries();
if (!haveDist) console.warn('test/custom/module-stages: skipped — dist/ is missing: run `npx tsc -p .` (pool threads and the module import compiled code)');

afterAll(removeTempDirs);

async function run(dir: string, config: object, workers: number): Promise<{ runDir: string; log: string[] }> {
  const cfg = await resolveConfig(config, dir, reg);
  const runDir = tempDir('biglm-custom-run-');
  const log = memoryLogger();
  await runLocal(await openRunDir(runDir, cfg, reg, false), { workers, log, progress: false });
  return { runDir, log: log.lines };
}

function textOutput(runDir: string): string[] {
  const dir = path.join(runDir, 'text');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text));
}

const manifestOf = (runDir: string) => JSON.parse(readFileSync(runPaths.manifest(runDir), 'utf8'));

describe.skipIf(!haveDist)('stages from a user module', () => {
  let dir: string;
  const base = { inputs: ['in/*.jsonl'], tokenizer: { name: 'gpt2' }, output: { textOutput: 'jsonl', batchDocs: 8 } };
  const n = 800;
  const stages = [
    { type: './my-stages.js#hasLetters' },
    { type: './my-stages.js#lowercase' },
    { type: './my-stages.js#evenLength' },
    { type: './my-stages.js#minChars', n },
  ];

  beforeAll(async () => {
    dir = tempDir('biglm-custom-');
    await writeRealCorpus(path.join(dir, 'in'), 4, 12);
    writeStagesModule(dir);
  });

  it('run in the main thread and in a pool thread, byte-identical to one worker, drops under their own reasons', async () => {
    // The documents as they enter the user's stages (after HTML extraction), from a run without them.
    const reference = await run(dir, base, 1);
    const entering = textOutput(reference.runDir);
    const want = expectedOutcome(entering, n);
    expect(want.kept.length).toBeGreaterThan(3);
    expect(Object.keys(want.dropped).sort()).toEqual(['evenLength:odd_length', 'hasLetters:few_letters', 'min_chars:short']);

    const two = await run(dir, { ...base, stages }, 2);
    const one = await run(dir, { ...base, stages }, 1);
    const a = await runOutputs(two.runDir);
    const b = await runOutputs(one.runDir);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, bytes] of b) expect(a.get(name)!.equals(bytes), name).toBe(true);

    const manifest = manifestOf(two.runDir);
    const refManifest = manifestOf(reference.runDir);
    expect(manifest.totals.read).toBe(refManifest.totals.read);
    expect(manifest.totals.kept).toBe(want.kept.length);
    for (const [reason, count] of Object.entries(want.dropped)) expect(manifest.totals.dropped[reason], reason).toBe(count);
    const dropped = Object.values(manifest.totals.dropped as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(manifest.totals.kept + dropped).toBe(manifest.totals.read);
    // The mapper ran before the shards were written: the kept texts are lower case.
    expect([...textOutput(two.runDir)].sort()).toEqual([...want.kept].sort());

    // Each stage reports under its own name: the export's, or the definition's type.
    const stats = JSON.parse(readFileSync(path.join(two.runDir, 'stats.json'), 'utf8'));
    for (const name of ['hasLetters', 'lowercase', 'evenLength', 'min_chars']) expect(stats.stages[name], name).toBeDefined();
    expect(stats.stages.lowercase.in).toBe(stats.stages.lowercase.out);
    // The resolved config names the module by absolute URL, so any task anywhere imports the same file.
    const cfg = JSON.parse(readFileSync(runPaths.config(two.runDir), 'utf8'));
    expect(cfg.stages.find((s: { name: string }) => s.name === 'min_chars')).toMatchObject({
      type: `file://${path.join(dir, 'my-stages.js')}#minChars`,
      options: { n, writeExcluded: false },
    });
  });

  it('count what a buggy stage loses: a throwing filter as <stage>:error, an uncounting stage as <stage>:uncounted, with warnings', async () => {
    const r = await run(dir, { ...base, stages: [{ type: './my-stages.js#throwsOnMoney' }, { type: './my-stages.js#forgetful' }] }, 2);
    const m = manifestOf(r.runDir);
    expect(m.totals.dropped['throwsOnMoney:error']).toBeGreaterThan(0);
    expect(m.totals.dropped['forgetful:uncounted']).toBeGreaterThan(0);
    const dropped = Object.values(m.totals.dropped as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(m.totals.kept + dropped).toBe(m.totals.read);
    expect(r.log.join('\n')).toMatch(/throwsOnMoney failed on document .*: no money here/);
    expect(r.log.join('\n')).toMatch(/forgetful \(rank \d\): \d+ document\(s\) neither passed on nor counted with ctx\.stats\.drop; counted as forgetful:uncounted/);
    expect(r.log.join('\n')).not.toMatch(/accounting mismatch/);
  });

  it('take the default export without #EXPORT, named after the file', async () => {
    const cfg = await resolveConfig({ ...base, stages: [{ type: './my-stages.js' }] }, dir, reg);
    expect(cfg.stages.map((s) => s.name)).toEqual(['html_extract', 'my-stages']);
  });

  it('are configuration errors when the file, the export or an option is wrong, saying what to do', async () => {
    const resolve = (stage: object) => resolveConfig({ ...base, stages: [stage] }, dir, reg);
    await expect(resolve({ type: './nope.js#x' })).rejects.toThrow(/stages\[0\]\.type = "\.\/nope\.js#x": cannot import .*nope\.js: no such file; check the path/);
    await expect(resolve({ type: './my-stages.js#hasLeters' })).rejects.toThrow(/has no export 'hasLeters'; it exports .*hasLetters/);
    await expect(resolve({ type: './my-stages.js#notAStage' })).rejects.toThrow(/notAStage is number, not a stage: export a function/);
    await expect(resolve({ type: './my-stages.js#hasLetters', n: 3 })).rejects.toThrow(/n: unknown key; remove it/);
    await expect(resolve({ type: './my-stages.js#minChars', m: 3 })).rejects.toThrow(/m: unknown key \(did you mean 'n'\?\)/);
    await expect(resolve({ type: 'my_stage' })).rejects.toThrow(/unknown stage type; known: .*, or MODULE#EXPORT for a stage from your module/);
    await expect(resolve({ type: './nope.js#x' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('say what is supported when a config names a TypeScript module Node cannot import', async () => {
    writeFileSync(path.join(dir, 'typed.ts'), 'export function ok(doc: { text: string }): boolean { return doc.text.length > 0; }\n');
    const file = path.join(dir, 'typed.json');
    writeFileSync(file, JSON.stringify({ ...base, stages: [{ type: './typed.ts#ok' }] }));
    const r = await biglm(['config', 'resolve', file]);
    if (r.code === 0) {
      // This Node strips types itself (22.18+ / 23.6+): the .ts module is simply imported.
      expect(JSON.parse(r.stdout).stages.map((s: { name: string }) => s.name)).toContain('ok');
      return;
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot import TypeScript by itself\. Compile the module \(tsc\) and name the \.js file, or run every process of the run under a TypeScript loader/);
  });
});
