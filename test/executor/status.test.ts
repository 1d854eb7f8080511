import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { runStatus, formatStatus } from '../../pipeline/executor/status.js';
import { pendingWork } from '../../pipeline/executor/executor.js';
import { failurePath } from '../../pipeline/executor/failures.js';
import { memoryLogger } from '../../lib/log.js';
import { fixtureRegistries } from '../runner/contract-fixtures.js';

const reg = fixtureRegistries();

async function newRun() {
  const inputs = mkdtempSync(path.join(os.tmpdir(), 'biglm-status-in-'));
  for (const name of ['a', 'b', 'c', 'd']) writeFileSync(path.join(inputs, `${name}.txt`), `first line of ${name}\nsecond line of ${name}\nsame text\n`);
  const cfg = await resolveConfig({ inputs: ['*.txt'], stages: [{ type: 'first_of_text' }], tokenizer: { name: 'gpt2' } }, inputs, reg);
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'biglm-status-run-'));
  return { inputs, run: await openRunDir(runDir, cfg, reg, false) };
}

describe('the status of a run', () => {
  it('counts done and pending ranks per step from the markers of a run that stopped half way', async () => {
    const { run } = await newRun();
    await runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg, stopAfterTasks: 3 });
    const st = await runStatus(run.runDir, run.plan);
    expect(st.executor).toBe('local');
    expect(st.complete).toBe(false);
    expect(st.steps.map((s) => [s.step, s.worldSize, s.done, s.running, s.pending, s.failed])).toEqual([
      ['seg0', 4, 3, 0, 1, 0],
      ['first_of_text.decide', 1, 0, 0, 1, 0],
      ['seg1', 4, 0, 0, 4, 0],
      ['finalize', 1, 0, 0, 1, 0],
    ]);
    expect((await pendingWork(run.runDir, run.plan)).map((w) => w.pending)).toEqual([[3], [0], [0, 1, 2, 3], [0]]);
    expect(formatStatus(st)).toMatch(/resume with: biglm resume/);
    expect(formatStatus(st)).toMatch(/first_of_text.decide +1 +0 +0 +1 +0  \(waits for seg0\)/);
  });

  it('lists a rank whose task threw as failed, with the error, and forgets it once the rank succeeds', async () => {
    const { inputs, run } = await newRun();
    const moved = path.join(inputs, 'c.txt.away');
    await import('node:fs/promises').then((fs) => fs.rename(path.join(inputs, 'c.txt'), moved));
    await expect(runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg })).rejects.toThrow(/task seg0\/2 failed/);
    const st = await runStatus(run.runDir, run.plan);
    expect(st.steps[0]).toMatchObject({ step: 'seg0', done: 3, failed: 1, pending: 0 });
    expect(st.steps[0].notDone[0]).toMatchObject({ rank: 2, state: 'failed' });
    expect(st.steps[0].notDone[0].why).toMatch(/ENOENT.*c\.txt/);
    expect(formatStatus(st)).toMatch(/failed rank 2: ENOENT/);

    await import('node:fs/promises').then((fs) => fs.rename(moved, path.join(inputs, 'c.txt')));
    const summary = await runLocal(run, { workers: 1, log: memoryLogger(), progress: false, registries: reg });
    expect(summary).toEqual({ tasksRun: 1 + 1 + 4 + 1, tasksSkipped: 3 });
    expect(existsSync(failurePath(run.runDir, 'seg0', 2))).toBe(false);
    const done = await runStatus(run.runDir, run.plan);
    expect(done.complete).toBe(true);
    expect(done.steps.every((s) => s.done === s.worldSize && s.notDone.length === 0)).toBe(true);
    rmSync(run.runDir, { recursive: true, force: true });
  });
});
