// The library API: a pipeline is checked for order when it is built and becomes the JSON config the CLI
// reads. Run from a user's script (a child process, as a user runs it), functions and definitions passed
// directly are found in their modules and run in every worker, and the config the pipeline prints gives
// byte-identical shards through `biglm prepare`. A stage that cannot reach the workers is refused, saying why.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pipeline, Pipeline } from '../../api/pipeline.js';
import { custom, dedup, filters, readers, stage, tokenize, writers } from '../../api/steps.js';
import { biglm, haveDist, removeTempDirs, runOutputs, tempDir, writeRealCorpus } from '../executor/fixtures.js';
import { distApiUrl, writeStagesModule } from '../custom/fixtures.js';

afterAll(removeTempDirs);

describe('pipeline([...])', () => {
  it('becomes the config biglm prepare reads', async () => {
    const p = pipeline(
      [
        readers.jsonl('in/*.jsonl', { textField: 'body' }),
        filters.gopherQuality({ minStopWords: 1 }),
        stage('length', { minChars: 10, name: 'len' }),
        custom('./my-stages.js#hasLetters'),
        dedup.exact(),
        tokenize('gpt2'),
        writers.shards({ shardMaxBytes: 1 << 20 }),
        writers.jsonl(),
      ],
      { tasks: 3, seed: 7 },
    );
    expect(await p.config()).toEqual({
      inputs: ['in/*.jsonl'],
      reader: { format: 'jsonl', options: { jsonl: { textField: 'body' } } },
      tasks: 3,
      seed: 7,
      stages: [
        { type: 'gopher_quality', minStopWords: 1 },
        { type: 'length', minChars: 10, name: 'len' },
        { type: './my-stages.js#hasLetters' },
        { type: 'exact_dedup' },
      ],
      tokenizer: { name: 'gpt2' },
      output: { shardMaxBytes: 1 << 20, textOutput: 'jsonl' },
    });
  });

  it('refuses steps out of order, naming the step', () => {
    expect(() => pipeline([filters.pii()])).toThrow(/the first step must be a reader/);
    expect(() => pipeline([readers.warc('a'), readers.jsonl('b')])).toThrow(/pipeline step 1: one reader per pipeline/);
    expect(() => pipeline([readers.warc('a'), tokenize(), filters.pii()])).toThrow(/pipeline step 2 \(pii\) comes after tokenize\(\)/);
    expect(() => pipeline([readers.warc('a'), writers.jsonl(), tokenize()])).toThrow(/pipeline step 2 \(tokenize\) comes after a writer/);
    expect(() => pipeline([readers.warc('a'), 42 as never])).toThrow(/42 is not a step/);
  });

  it('resolves a config file the same way the CLI does', async () => {
    const dir = tempDir('biglm-api-cfg-');
    await writeRealCorpus(path.join(dir, 'in'), 2, 3);
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ inputs: ['in/*.jsonl'], stages: [{ type: 'length' }] }));
    const cfg = await (await Pipeline.fromConfigFile(path.join(dir, 'c.json'))).resolve();
    expect(cfg.inputs).toEqual([path.join(dir, 'in', 'part-0.jsonl'), path.join(dir, 'in', 'part-1.jsonl')]);
    expect(cfg.stages.map((s) => s.name)).toEqual(['html_extract', 'length']);
  });
});

function node(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { cwd, timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!haveDist)('a user script that passes its own functions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('biglm-api-user-');
    await writeRealCorpus(path.join(dir, 'in'), 4, 10);
    writeStagesModule(dir, 'my-stages.mjs');
  });

  it('runs them in every worker and prints a config that biglm prepare runs to the same bytes', async () => {
    writeFileSync(
      path.join(dir, 'run.mjs'),
      `import { writeFileSync } from 'node:fs';
import { pipeline, readers, filters, custom, tokenize, writers, LocalExecutor, memoryLogger } from ${JSON.stringify(distApiUrl)};
import { hasLetters, lowercase, evenLength, minChars } from './my-stages.mjs';
const p = pipeline([
  readers.jsonl('in/*.jsonl'),
  filters.length({ minChars: 50 }),
  hasLetters,
  lowercase,
  custom(evenLength, { name: 'even' }),
  custom(minChars, { module: new URL('./my-stages.mjs', import.meta.url), options: { n: 300 } }),
  tokenize('gpt2'),
  writers.shards({ batchDocs: 8 }),
]);
const config = await p.config();
writeFileSync('config.json', JSON.stringify(config));
const r = await new LocalExecutor({ workers: 2, log: memoryLogger() }).run(p, { out: 'runs/api' });
console.log(JSON.stringify({ stages: config.stages, totals: r.manifest.totals }));
`,
    );
    const r = await node('run.mjs', dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { stages: { type: string; name?: string; n?: number }[]; totals: { read: number; kept: number; dropped: Record<string, number> } };
    const url = `file://${path.join(dir, 'my-stages.mjs')}`;
    expect(out.stages.map((s) => s.type)).toEqual(['length', `${url}#hasLetters`, `${url}#lowercase`, `${url}#evenLength`, `${url}#minChars`]);
    expect(out.stages[3].name).toBe('even');
    expect(out.stages[4].n).toBe(300);
    expect(out.totals.dropped['hasLetters:few_letters']).toBeGreaterThan(0);
    expect(out.totals.dropped['even:odd_length']).toBeGreaterThan(0);

    const cli = await biglm(['prepare', path.join(dir, 'config.json'), '--out', path.join(dir, 'runs', 'cli'), '--workers', '1', '--no-progress']);
    expect(cli.code, cli.stderr).toBe(0);
    const a = await runOutputs(path.join(dir, 'runs', 'api'));
    const b = await runOutputs(path.join(dir, 'runs', 'cli'));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, bytes] of b) expect(a.get(name)!.equals(bytes), name).toBe(true);
  });

  it('refuses a function defined in the script that runs the pipeline, and one no module exports', async () => {
    writeFileSync(path.join(dir, 'factory.mjs'), 'export function makeFilter(n) { return (doc) => doc.text.length > n; }\n');
    writeFileSync(
      path.join(dir, 'inline.mjs'),
      `import { pipeline, readers, custom, LocalExecutor } from ${JSON.stringify(distApiUrl)};
import { makeFilter } from './factory.mjs';
export function mine(doc) { return doc.text.length > 10; }
const which = process.env.WHICH === 'main' ? mine : makeFilter(10);
const step = process.env.WHICH === 'named' ? custom(which, { module: new URL('./factory.mjs', import.meta.url) }) : which;
try {
  await new LocalExecutor({ workers: 1 }).run(pipeline([readers.jsonl('in/*.jsonl'), step]), { out: 'runs/inline' });
} catch (e) { console.log(e.name + ': ' + e.message); }
`,
    );
    const run = (which: string) =>
      new Promise<string>((resolve) => execFile(process.execPath, ['inline.mjs'], { cwd: dir, env: { ...process.env, WHICH: which } }, (_e, stdout) => resolve(stdout)));
    expect(await run('main')).toMatch(
      /ConfigError: pipeline step 1 \(function mine\) is defined in .*inline\.mjs, the script that runs the pipeline: every worker imports the module of a stage, which would run that script again there\. Move the stage into a module of its own/,
    );
    expect(await run('closure')).toMatch(
      /ConfigError: pipeline step 1 \(function \(anonymous\)\) is not exported by any module loaded here: .*put it in a module of its own .*or name the module/,
    );
    expect(await run('named')).toMatch(/ConfigError: pipeline step 1 \(function \(anonymous\)\): .*factory\.mjs has no export holding this value; export it from there/);
  });
});
