import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { Rng } from '../../lib/rng.js';
import { buildSeeds } from '../../bench/fuzz/corpus.js';
import { mutate } from '../../bench/fuzz/mutate.js';
import { readMutant } from '../../bench/fuzz/check.js';
import { tempDir } from './fixtures.js';

// A seeded mutation test of every reader (the long version is `make fuzz`): no mutant makes a reader throw
// (which would end the task, exit 1), read = kept + Σ dropped holds, and every read drop reason has a
// warning naming the file.

const MUTANTS_PER_SEED = 30;
const dir = tempDir('biglm-mutation-');
const seeds = await buildSeeds(dir);

describe('seeded mutants of every input format', () => {
  for (const seed of seeds) {
    it(`${seed.name}: the clean seed reads whole, and ${MUTANTS_PER_SEED} mutants neither throw nor lose a document uncounted`, async () => {
      const file = path.join(dir, seed.name);
      const clean = await readMutant(file, seed.format, seed.data);
      expect([clean.dropped, clean.crash, clean.broken]).toEqual([{}, undefined, undefined]);
      expect(clean.kept).toBeGreaterThan(0);
      const rng = new Rng(13, seed.name);
      const failures: string[] = [];
      for (let i = 0; i < MUTANTS_PER_SEED; i++) {
        const m = mutate(seed.data, rng);
        const r = await readMutant(file, seed.format, m.data);
        if (r.crash || r.broken) failures.push(`${m.what}: ${r.crash ?? r.broken}`);
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('mutants make fuzz found (seed 1), kept as regressions', () => {
  // Each made apache-arrow report a batch of ~10^14 rows; the reader then counted null rows for hours.
  for (const [name, index] of [
    ['docs.arrow', 1236],
    ['docs.arrow', 1793],
    ['docs.arrows', 133],
    ['docs.arrows', 187],
  ] as const) {
    it(`${name} #${index}: read in bounded time, every loss counted and warned`, async () => {
      const seed = seeds.find((s) => s.name === name)!;
      const rng = new Rng(1, seed.name);
      let m = mutate(seed.data, rng);
      for (let i = 0; i < index; i++) m = mutate(seed.data, rng);
      const r = await readMutant(path.join(dir, seed.name), seed.format, m.data);
      expect([r.crash, r.broken]).toEqual([undefined, undefined]);
      expect(r.read).toBeLessThan(100);
    });
  }
});
