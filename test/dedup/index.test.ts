import { describe, expect, it } from 'vitest';
import { definitions } from '../../pipeline/dedup/index.js';
import { Registry } from '../../lib/registry.js';
import type { StageDefinition } from '../../pipeline/core/stage.js';

describe('the dedup stage definitions', () => {
  it('register exact_dedup and minhash_dedup as barrier stages with strict schemas', () => {
    const registry = new Registry<StageDefinition>('stage type');
    for (const d of definitions) registry.register(d.type, d);
    expect(registry.names()).toEqual(['exact_dedup', 'minhash_dedup']);
    for (const d of definitions) {
      expect(d.barrier).toBeDefined();
      expect(() => d.schema.parse({ nonsense: 1 })).toThrow();
    }
  });

  it('fill in the FineWeb defaults', () => {
    const mh = definitions.find((d) => d.type === 'minhash_dedup')!.schema.parse({});
    expect(mh).toMatchObject({
      unit: 'word', shingleSize: 5, bands: 14, rows: 8, verifyThreshold: 0.75, index: [],
      normalization: { lowercase: true, numbers: true, punctuation: true, diacritics: true },
    });
  });

  it('fail at planning time, naming the path, when an index run does not exist', () => {
    const mh = definitions.find((d) => d.type === 'minhash_dedup')!;
    const options = mh.schema.parse({ index: ['no/such/run'] });
    expect(() => mh.barrier!.steps(options, { runDir: '/tmp/r', stageName: 'minhash_dedup', configDir: '/tmp', seed: 0, segmentWorldSize: 1 })).toThrow(
      /index 'no\/such\/run': no finished minhash_dedup stage under \/tmp\/no\/such\/run/,
    );
  });
});
