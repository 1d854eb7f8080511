// N workers are the main thread and N − 1 pool threads, and both kinds take a step's tasks.

import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Piscina } from 'piscina';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { createPool, runStepRanks } from '../../pipeline/executor/local.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';

let pool: Piscina | undefined;
afterEach(async () => {
  await pool?.destroy();
  pool = undefined;
});

async function openRun(files: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-pool-in-'));
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `${f}-${i}`, text: `Document ${i} of file ${f}: the committee met on Tuesday.` }));
    writeFileSync(path.join(dir, `part-${f}.jsonl`), lines.join('\n') + '\n');
  }
  const reg = defaultRegistries();
  const cfg = await resolveConfig({ inputs: ['*.jsonl'], tokenizer: { name: 'gpt2' } }, dir, reg);
  return openRunDir(mkdtempSync(path.join(os.tmpdir(), 'biglm-pool-out-')), cfg, reg, false);
}

describe('the local pool', () => {
  it('has one thread fewer than the workers asked for, and none for one worker', async () => {
    const run = await openRun(1);
    expect(createPool(1, run)).toBeUndefined();
    pool = createPool(3, run);
    expect(pool?.maxThreads).toBe(2);
  });

  it('runs a step on the main thread and the pool thread together, each task once', async () => {
    const run = await openRun(6);
    pool = createPool(2, run);
    const ran = await runStepRanks(run.runDir, 'seg0', [0, 1, 2, 3, 4, 5], pool, { log: memoryLogger(), progress: false });
    expect(ran).toBe(6);
    expect([0, 1, 2, 3, 4, 5].every((r) => existsSync(runPaths.marker(run.runDir, 'seg0', r)))).toBe(true);
    // the pool thread took some of the tasks, the main thread the others
    expect(pool!.completed).toBeGreaterThan(0);
    expect(pool!.completed).toBeLessThan(6);
  });
});
