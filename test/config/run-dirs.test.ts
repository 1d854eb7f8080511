// biglm's own output folders are never read as inputs through a glob or a folder: a run whose --out lies
// inside its input glob resumes instead of being refused, and a sibling run does not read the first one's
// text output back in. Runs here are real runs of the runner on the fixture registries.

import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandInputs } from '../../pipeline/config/glob.js';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { ConfigError } from '../../lib/config-errors.js';
import { memoryLogger } from '../../lib/log.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { fixtureRegistries } from '../runner/contract-fixtures.js';

const reg = fixtureRegistries();

/** Three text inputs in `data/`, the way a user keeps them, with a run's --out next to them. */
function dataFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-rundirs-'));
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'data', 'a.txt'), 'alpha document\nanother one\n');
  writeFileSync(path.join(dir, 'data', 'b.txt'), 'beta document\n');
  writeFileSync(path.join(dir, 'data', 'c.txt'), 'gamma document\n');
  return dir;
}

const config = { inputs: ['data/**/*.{txt,jsonl}'], tokenizer: { name: 'gpt2' }, output: { textOutput: 'jsonl' } };

async function prepare(base: string, out: string) {
  const log = memoryLogger();
  const cfg = await resolveConfig(config, base, reg, log);
  const run = await openRunDir(path.join(base, out), cfg, reg, false);
  const summary = await runLocal(run, { workers: 1, log, progress: false, registries: reg });
  return { cfg, log, summary };
}

describe('inputs next to a run directory', () => {
  it('resumes a run whose --out is inside its own input glob, saying what it left out', async () => {
    const base = dataFolder();
    const first = await prepare(base, 'data/run1');
    expect(first.cfg.inputs.map((f) => path.relative(base, f))).toEqual(['data/a.txt', 'data/b.txt', 'data/c.txt']);
    const again = await prepare(base, 'data/run1');
    expect(again.cfg.inputs).toEqual(first.cfg.inputs);
    expect(again.summary.tasksRun).toBe(0);
    const warnings = again.log.lines.filter((l) => l.startsWith('warning'));
    // its three text parts and report.txt match the glob
    expect(warnings).toEqual([
      'warning: inputs: left out 4 file(s) under data/run1: biglm output folders (a run\'s plan.json or manifest.json) are never read as inputs; ' +
        'name such a file on its own, without a glob, to read it',
    ]);
  });

  it('keeps a sibling run from reading the first run’s text output back in', async () => {
    const base = dataFolder();
    await prepare(base, 'data/run1');
    const sibling = await prepare(base, 'data/run2');
    expect(sibling.cfg.inputs).toHaveLength(3);
  });

  it('leaves out a run killed before its first task finished (plan.json only) and a mask output (manifest kind biglm-examples)', async () => {
    const base = dataFolder();
    const cfg = await resolveConfig(config, base, reg);
    await openRunDir(path.join(base, 'data', 'killed'), cfg, reg, false);
    mkdirSync(path.join(base, 'data', 'examples'));
    writeFileSync(path.join(base, 'data', 'examples', 'manifest.json'), JSON.stringify({ kind: 'biglm-examples' }));
    writeFileSync(path.join(base, 'data', 'examples', 'part-0.jsonl'), '{"text":"an example"}\n');
    const { files, skippedRunDirs } = await expandInputs(['data'], base);
    expect(files.map((f) => path.relative(base, f))).toEqual(['data/a.txt', 'data/b.txt', 'data/c.txt']);
    expect(skippedRunDirs.map((s) => [path.relative(base, s.dir), s.files])).toEqual([
      ['data/examples', 2],
      ['data/killed', 2],
    ]);
  });

  it('reads a folder of the user’s that merely holds a plan.json and a config.json', async () => {
    const base = dataFolder();
    mkdirSync(path.join(base, 'data', 'project'));
    writeFileSync(path.join(base, 'data', 'project', 'plan.json'), '{"todo": ["write"]}');
    writeFileSync(path.join(base, 'data', 'project', 'config.json'), '{}');
    writeFileSync(path.join(base, 'data', 'project', 'notes.txt'), 'notes\n');
    const { files, skippedRunDirs } = await expandInputs(['data/**/*.txt'], base);
    expect(files.map((f) => path.relative(base, f))).toContain('data/project/notes.txt');
    expect(skippedRunDirs).toEqual([]);
  });

  it('reads a file inside a run directory when it is named on its own', async () => {
    const base = dataFolder();
    await prepare(base, 'data/run1');
    const { files } = await expandInputs(['data/run1/text/part-00000.jsonl'], base);
    expect(files).toEqual([path.join(base, 'data/run1/text/part-00000.jsonl')]);
  });

  it('says what differs when a run directory holds another config, and what to do', async () => {
    const base = dataFolder();
    await prepare(base, 'run');
    writeFileSync(path.join(base, 'data', 'd.txt'), 'delta document\n');
    const cfg = await resolveConfig({ ...config, seed: 3 }, base, reg);
    await expect(openRunDir(path.join(base, 'run'), cfg, reg, false)).rejects.toThrow(
      new ConfigError(
        `${path.join(base, 'run')} already holds a run of a different config (inputs: 1 more file(s) (data/d.txt); tasks: 3 → 4; seed: 0 → 3); ` +
          'rerun with the config it was made with to resume it, pass --force to start over there (its outputs are deleted), or choose another --out',
      ),
    );
  });
});

describe('tasks', () => {
  it('refuses more than 100,000 tasks, naming the field, the value and the fix', async () => {
    const base = dataFolder();
    await expect(resolveConfig({ ...config, tasks: 1_000_000_000 }, base, reg)).rejects.toThrow(
      /tasks = 1000000000: at most 100000 .*; leave tasks out for one task per input file/,
    );
  });

  it('runs one task per file when asked for more tasks than input files, and says so', async () => {
    const base = dataFolder();
    const log = memoryLogger();
    const cfg = await resolveConfig({ ...config, tasks: 8 }, base, reg, log);
    expect(cfg.tasks).toBe(3);
    expect(log.lines).toEqual(['warning: tasks = 8, but the inputs are 3 file(s) and a task reads whole files: running 3 task(s)']);
  });
});
