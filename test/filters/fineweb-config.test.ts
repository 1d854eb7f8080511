import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definitions as filters } from '../../pipeline/filters/index.js';
import { definitions as langid } from '../../pipeline/filters/langid/index.js';

const config = JSON.parse(readFileSync(fileURLToPath(new URL('../../configs/fineweb.json', import.meta.url)), 'utf8')) as {
  stages: { type: string; [k: string]: unknown }[];
};
const ours = new Map([...filters, ...langid].map((d) => [d.type, d]));

describe('configs/fineweb.json', () => {
  it('lists the stages in FineWeb order (with exact dedup ahead of MinHash, which is cheap and removes the same)', () => {
    expect(config.stages.map((s) => s.type)).toEqual([
      'url_filter', 'html_extract', 'language_id', 'gopher_repetition', 'gopher_quality',
      'c4_quality', 'fineweb_quality', 'exact_dedup', 'minhash_dedup', 'pii',
    ]);
  });

  it('gives only options our schemas accept, and switches the C4 terminal-punctuation rule off', () => {
    for (const { type, ...options } of config.stages) {
      const def = ours.get(type);
      if (def) expect(() => def.schema.parse(options), type).not.toThrow();
    }
    expect(config.stages.find((s) => s.type === 'c4_quality')).toEqual({ type: 'c4_quality', filterNoTerminalPunct: false });
  });

  it("deduplicates with FineWeb's plain MinHash LSH (no verification step, which FineWeb does not have)", () => {
    expect(config.stages.find((s) => s.type === 'minhash_dedup')).toEqual({ type: 'minhash_dedup', verifyThreshold: 0 });
  });

  it('rejects a misspelt option (schemas are strict)', () => {
    expect(() => ours.get('gopher_quality')!.schema.parse({ minWord: 10 })).toThrow();
  });
});
