import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { languageId } from '../../pipeline/langid/language-id.js';
import { prepareText } from '../../pipeline/langid/detector.js';
import { normalizeLanguage } from '../../pipeline/langid/iso639.js';
import { runStage, doc } from '../filters/run-stage.js';
import { ARTICLE } from '../filters/texts.js';

const GERMAN = 'Die Stadtverwaltung hat am Dienstag beschlossen, die Öffnungszeiten der Bibliothek zu verlängern. Viele Bürger hatten sich dafür eingesetzt.';
const SPANISH = 'El ayuntamiento decidió el martes ampliar el horario de la biblioteca pública, que cerraba a las seis de la tarde desde los recortes.';

describe('language_id', () => {
  it('keeps English and stores language and score in the metadata', async () => {
    const r = await runStage(languageId, {}, [doc(ARTICLE)]);
    expect(r.kept).toHaveLength(1);
    expect(r.kept[0].meta.language).toBe('en');
    expect(r.kept[0].meta.language_score).toBeGreaterThan(0.65);
  });

  it('drops other languages but still records what they are', async () => {
    const r = await runStage(languageId, { writeExcluded: true }, [doc(GERMAN, {}, 'de1'), doc(SPANISH, {}, 'es1')]);
    expect(r.kept).toHaveLength(0);
    expect(r.dropped).toEqual({ 'language_id:other_language': 2 });
    const lines = readFileSync(path.join(r.runDir, 'excluded', 'language_id', '0.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.meta.language)).toEqual(['de', 'es']);
    expect(r.stats.stats.stages.language_id.counters).toMatchObject({ 'language:de': 1, 'language:es': 1 });
  });

  it('accepts ISO 639-3 codes in the config and an empty list for any language', async () => {
    expect((await runStage(languageId, { languages: ['deu', 'spa'] }, [doc(GERMAN), doc(SPANISH)])).kept).toHaveLength(2);
    const any = await runStage(languageId, { languages: [] }, [doc(GERMAN), doc(ARTICLE)]);
    expect(any.kept.map((d) => d.meta.language)).toEqual(['de', 'en']);
  });

  it('drops an allowed language below the threshold as low_score', async () => {
    const r = await runStage(languageId, { threshold: 0.99 }, [doc(ARTICLE)]);
    expect(r.dropped).toEqual({ 'language_id:low_score': 1 });
  });

  it('marks text without letters as und and drops it with no_language', async () => {
    const r = await runStage(languageId, {}, [doc(''), doc('12345 !!! ###')]);
    expect(r.dropped).toEqual({ 'language_id:no_language': 2 });
  });

  it('replaces newlines by spaces and caps the text fed to the detector', () => {
    expect(prepareText('one\ntwo\r\nthree', 100)).toBe('one two three');
    expect(prepareText('x'.repeat(5000), 2000)).toHaveLength(2000);
    // Cutting between the halves of a surrogate pair leaves no lone surrogate behind.
    expect(prepareText('ab\ud83d\ude00', 3)).toBe('ab\ufffd');
  });

  it('normalizes language codes to ISO 639-1 where one exists', () => {
    expect(normalizeLanguage('eng')).toBe('en');
    expect(normalizeLanguage('cmn')).toBe('zh');
    expect(normalizeLanguage('srp_Cyrl')).toBe('sr');
    expect(normalizeLanguage('pt-BR')).toBe('pt');
    expect(normalizeLanguage('lus')).toBe('lus'); // Mizo has no 639-1 code
  });
});
