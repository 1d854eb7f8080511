import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMixFile } from '../../pipeline/mix/schema.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('configs/mix-sample.json', () => {
  it('is a valid sweep over the two sample runs, each mixture with the same 2M-token budget', async () => {
    const file = await loadMixFile(path.join(repo, 'configs/mix-sample.json'));
    expect(file.mixtures.map((m) => m.name)).toEqual(['mail-only', 'brown-only', 'even', 'brown-heavy']);
    const runs = new Set(file.mixtures.flatMap((m) => m.sources.map((s) => path.relative(repo, s.run))));
    expect([...runs].sort()).toEqual(['runs/sample-brown', 'runs/sample-mail']);
    expect(file.mixtures.every((m) => m.totalTokens === 2_000_000)).toBe(true);
    expect(file.mixtures.flatMap((m) => m.sources.map((s) => s.maxEpochs))).toEqual([2, 2, 2, 2, 2, 2]);
  });
});
