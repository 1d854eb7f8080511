// Dedup through the real runner: the kept set does not depend on the worker count, and a corrupted
// signature file makes the executor rerun the task that wrote it instead of using bad data.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, truncateSync, statSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../pipeline/config/resolve.js';
import { openRunDir } from '../../pipeline/executor/run-dir.js';
import { runLocal } from '../../pipeline/executor/local.js';
import { defaultRegistries } from '../../pipeline/registries.js';
import { memoryLogger } from '../../lib/log.js';
import { runPaths } from '../../pipeline/runner/layout.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';

const reg = defaultRegistries();

const base = [
  'The harbour master said the ferry would run twice a day through the winter months, weather permitting, starting next week.',
  'Researchers at the institute measured the growth of the seedlings under three kinds of light and recorded every change by hand.',
  'The library will close early on Friday so that the staff can move the old newspaper collection to the new archive building.',
  'After the storm the villagers repaired the bridge with timber from the fallen oaks and reopened the road to the market town.',
];

function corpus(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'biglm-dedup-run-'));
  for (let f = 0; f < 4; f++) {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Exact dedup maps digits to 0, so unique documents differ in words, not numbers.
      const tag = String(f * 100 + i).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]);
      const text = i % 3 === 0 ? base[(i + f) % 4] : `${base[i % 4]} Note ${tag}: ${'entry '.repeat(i % 5)}unique words ${tag} here.`;
      lines.push(JSON.stringify({ id: `f${f}-${i}`, text }));
    }
    writeFileSync(path.join(dir, `part-${f}.jsonl`), lines.join('\n') + '\n');
  }
  return dir;
}

const config = {
  inputs: ['*.jsonl'],
  stages: [{ type: 'exact_dedup' }, { type: 'minhash_dedup' }],
  tokenizer: { name: 'gpt2' },
};

async function run(input: string, workers: number, beforeRest?: (runDir: string) => void) {
  const cfg = await resolveConfig(config, input, reg);
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'biglm-dedup-out-'));
  const log = memoryLogger();
  const opened = await openRunDir(runDir, cfg, reg, false);
  if (beforeRest) {
    await runLocal(opened, { workers, log, progress: false });
    beforeRest(runDir);
  }
  await runLocal(opened, { workers, log, progress: false });
  return { runDir, log, manifest: JSON.parse(readFileSync(runPaths.manifest(runDir), 'utf8')) as Manifest };
}

describe('dedup in the runner', () => {
  const input = corpus();

  it('removes exact and near duplicates, accounting for every document, identically with 1 and 2 workers', async () => {
    const one = await run(input, 1);
    const two = await run(input, 2);
    const m = one.manifest;
    expect(m.totals.read).toBe(120);
    expect(m.totals.dropped['exact_dedup:duplicate']).toBe(36);
    expect(m.totals.kept + Object.values(m.totals.dropped).reduce((a, b) => a + b, 0)).toBe(120);
    expect(readFileSync(runPaths.manifest(two.runDir), 'utf8')).toBe(readFileSync(runPaths.manifest(one.runDir), 'utf8'));
  });

  it('reruns the task that wrote a truncated signature file and ends as a clean run does', async () => {
    const clean = await run(input, 1);
    const damaged = await run(input, 1, (runDir) => {
      const sig = path.join(runDir, 'dedup', 'minhash_dedup', 'sigs', 'band-3', '1.sig');
      truncateSync(sig, Math.floor(statSync(sig).size / 2));
      // Everything downstream of the signatures runs again and reads the damaged file.
      for (const step of ['minhash_dedup.buckets', 'minhash_dedup.clusters', 'seg2', 'finalize']) {
        rmSync(path.join(runDir, 'markers', step), { recursive: true, force: true });
      }
    });
    expect(damaged.log.lines.some((l) => /1\.sig.*rerunning seg1\/1/.test(l))).toBe(true);
    expect(readFileSync(runPaths.manifest(damaged.runDir), 'utf8')).toBe(readFileSync(runPaths.manifest(clean.runDir), 'utf8'));
  });
});
