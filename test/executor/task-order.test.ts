import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { largestFirst } from '../../pipeline/executor/task-order.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import { fixtureRegistries } from '../runner/contract-fixtures.js';

const reg = fixtureRegistries();

/** Three inputs: a.txt small, b.txt big, c.txt in between. */
async function openRun() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-order-in-'));
  writeFileSync(path.join(dir, 'a.txt'), 'one short line\n');
  writeFileSync(path.join(dir, 'b.txt'), 'a longer line of text\n'.repeat(20));
  writeFileSync(path.join(dir, 'c.txt'), 'a middle line\n'.repeat(5));
  const cfg = await resolveConfig(
    { inputs: ['*.txt'], stages: [{ type: 'min_length', chars: 3 }, { type: 'first_of_text' }], tokenizer: { name: 'gpt2' } },
    dir,
    reg,
  );
  return openRunDir(mkdtempSync(path.join(os.tmpdir(), 'biglm-order-out-')), cfg, reg, false);
}

describe('the order a step hands out its ranks', () => {
  it('starts the rank with the most input bytes first, and keeps the order of steps without input files', async () => {
    const run = await openRun();
    expect(run.plan.rankFiles).toEqual([[0], [1], [2]]); // a, b, c
    expect(await largestFirst(run, 'seg0', [0, 1, 2])).toEqual([1, 2, 0]);
    expect(await largestFirst(run, 'seg0', [0, 2])).toEqual([2, 0]);
    expect(await largestFirst(run, 'first_of_text.decide', [0])).toEqual([0]);
    expect(await largestFirst(run, 'finalize', [0])).toEqual([0]);
  });

  it('orders a later segment by the document files the segment before wrote for each rank', async () => {
    const run = await openRun();
    await runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg });
    expect(await largestFirst(run, 'seg1', [0, 1, 2])).toEqual([1, 2, 0]);
  });

  it('runs inline tasks one at a time, biggest first, so a run stopped after one task has finished that one', async () => {
    const run = await openRun();
    const summary = await runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg, stopAfterTasks: 1 });
    expect(summary.tasksRun).toBe(1);
    expect([0, 1, 2].map((r) => existsSync(runPaths.marker(run.runDir, 'seg0', r)))).toEqual([false, true, false]);
  });
});
