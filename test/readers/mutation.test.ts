import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { Rng } from '../../pipeline/core/rng.js';
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
