import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runDedupLocally } from '../helpers/run-dedup-locally.js';
import { doc, tempRun, keptIds, sharedData } from './helpers.js';

const sentences = path.join(sharedData, 'langid/lingua-sentences');

describe.skipIf(!existsSync(sentences))('near-duplicate Chinese and Japanese pages (shared data)', () => {
  for (const lang of ['zh', 'ja']) {
    it(`${lang}: finds copies with a dropped sentence and edited characters, with word segmentation and with character shingles`, async () => {
      const lines = readFileSync(path.join(sentences, `${lang}.txt`), 'utf8').split('\n').filter((l) => l.length > 10);
      const pages = Array.from({ length: 30 }, (_, i) => lines.slice(i * 20, i * 20 + 20));
      const docs = pages.map((p, i) => doc(`${lang}-${i}`, p.join('\n'), 0, i));
      // copies of pages 0..9: last of 20 sentences dropped, one character replaced in the first sentence
      pages.slice(0, 10).forEach((p, i) => {
        const edited = [p[0].slice(0, 3) + '的' + p[0].slice(4), ...p.slice(1, 19)];
        docs.push(doc(`${lang}-copy-${i}`, edited.join('\n'), 1, i));
      });
      const expected = docs.filter((d) => !d.id.includes('copy')).map((d) => d.id).sort();
      for (const options of [{}, { unit: 'char', shingleSize: 5 }]) {
        const res = await runDedupLocally([docs], { type: 'minhash_dedup', ...options }, tempRun());
        expect(keptIds(res.kept)).toEqual(expected);
      }
    });
  }
});
