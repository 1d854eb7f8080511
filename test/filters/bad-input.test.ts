import { describe, it, expect } from 'vitest';
import type { StageDefinition } from '../../pipeline/core/stage.js';
import { definitions as filterDefinitions } from '../../pipeline/filters/index.js';
import { definitions as langidDefinitions } from '../../pipeline/filters/langid/index.js';
import { Rng } from '../../lib/rng.js';
import { runStage, doc } from './run-stage.js';
import { ARTICLE } from './texts.js';

const ALL: StageDefinition[] = [...filterDefinitions, ...langidDefinitions];

const BAD: Record<string, string> = {
  empty: '',
  whitespace: ' \n\n\t \r\n ',
  symbols: '!!! ??? ### ... *** --- ||| @@@ ©®™ ✓✓✓ 🙂🙂🙂',
  mixedScripts: 'Hello мир 世界 مرحبا שלום नमस्ते สวัสดี こんにちは 안녕하세요. Mixed scripts in one line, 42 times.',
  loneSurrogates: 'Broken \ud800 text with a lone high surrogate and a lone low \udc00 one, then \ud83d\ude00 a real pair.\n'.repeat(3),
  surrogateAtEnd: ARTICLE + '\ud83d',
};

// 50 MB of varied words (not one repeated line) is the worst case for the n-gram and line statistics.
function bigDocument(bytes: number): string {
  const rng = new Rng(7);
  const syll = ['ka', 'lo', 'mi', 'ra', 'ten', 'su', 'vel', 'dor', 'an', 'pe', 'qui', 'zo'];
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 3 + rng.int(0, 9);
    const words: string[] = [];
    for (let k = 0; k < n; k++) words.push(syll[rng.int(0, 12)] + syll[rng.int(0, 12)] + (rng.next() < 0.3 ? syll[rng.int(0, 12)] : ''));
    const line = words.join(' ') + (rng.next() < 0.7 ? '.' : '') + (rng.next() < 0.2 ? '\n\n' : '\n');
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

describe('bad input through every filter', () => {
  for (const def of ALL) {
    it(`${def.type}: keeps or drops each odd document with a reason, never throws`, async () => {
      const docs = Object.entries(BAD).map(([name, text], i) => ({ ...doc(text, { url: 'https://example.com/x' }, name), position: i }));
      const r = await runStage(def, {}, docs);
      const s = r.stats.stats.stages[def.type];
      const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
      expect(s.in).toBe(docs.length);
      expect(r.kept.length + dropped).toBe(docs.length);
      expect(Object.keys(s.dropped).filter((k) => k.endsWith(':error'))).toEqual([]);
      expect(r.log).toEqual([]);
    });
  }

  // Huge pages are mostly repeated boilerplate: 50 MB of a repeated article with numbered footers.
  function hugePage(bytes: number): string {
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < bytes; i++) {
      const p = `${ARTICLE}\n\nPage ${i} of the archive.\n\n`;
      parts.push(p);
      size += p.length;
    }
    return parts.join('');
  }

  async function verdicts(text: string): Promise<Record<string, string | true>> {
    const out: Record<string, string | true> = {};
    for (const def of ALL) {
      const t0 = performance.now();
      const r = await runStage(def, {}, [doc(text, { url: 'https://example.com/big' }, 'big')]);
      out[def.type] = r.kept.length ? true : Object.keys(r.stats.stats.stages[def.type].dropped)[0];
      // Generous wall-clock bound: the test machines are shared; this catches quadratic behaviour.
      expect(performance.now() - t0).toBeLessThan(60_000);
    }
    return out;
  }

  it('runs a 50 MB document through every filter', async () => {
    const v = await verdicts(hugePage(50 * 1024 * 1024));
    expect(v.gopher_repetition).toBe('gopher_repetition:dup_para_frac');
    expect(v.gopher_quality).toBe('gopher_quality:too_many_words');
    expect(v.fineweb_quality).toBe('fineweb_quality:char_dup_ratio');
    expect(v.length).toBe(true);
    expect(Object.values(v).filter((x) => typeof x === 'string' && x.endsWith(':error'))).toEqual([]);
  }, 600_000);

  it('runs a 4 MB document of varied words (the n-gram worst case) through every filter', async () => {
    const v = await verdicts(bigDocument(4 * 1024 * 1024));
    expect(v.gopher_quality).toBe('gopher_quality:too_many_words');
    expect(Object.values(v).filter((x) => typeof x === 'string' && x.endsWith(':error'))).toEqual([]);
  }, 600_000);
});
