import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { languageId } from '../../../pipeline/filters/langid/language-id.js';
import { prepareText } from '../../../pipeline/filters/langid/detector.js';
import { runStage, doc } from '../run-stage.js';
import { ARTICLE } from '../texts.js';

const GERMAN = 'Die Stadtverwaltung hat am Dienstag beschlossen, die Öffnungszeiten der Bibliothek zu verlängern. Viele Bürger hatten sich dafür eingesetzt.';
const SPANISH = 'El ayuntamiento decidió el martes ampliar el horario de la biblioteca pública, que cerraba a las seis de la tarde desde los recortes.';
const SERBIAN_CYRILLIC = 'Градска управа је у уторак одлучила да продужи радно време библиотеке. Многи грађани су се за то залагали.';
const KHMER = 'មនុស្សទាំងអស់កើតមកមានសេរីភាព និងសមភាព ក្នុងផ្នែកសេចក្ដីថ្លៃថ្នូរ និងសិទ្ធិ។ មនុស្សគ្រប់រូបសុទ្ធតែមានវិចារណញ្ញាណ';

describe('language_id', () => {
  it('keeps English with lid.176 (the default) and stores language, score and script as datatrove does', async () => {
    const r = await runStage(languageId, {}, [doc(ARTICLE)]);
    expect(r.kept).toHaveLength(1);
    expect(r.kept[0].meta).toMatchObject({ language: 'en', language_script: 'Latn' });
    expect(r.kept[0].meta.language_score).toBeGreaterThan(0.65);
    expect(r.kept[0].meta.language_score).toBeLessThanOrEqual(1);
  });

  it('drops other languages but still records what they are', async () => {
    const r = await runStage(languageId, { writeExcluded: true }, [doc(GERMAN, {}, 'de1'), doc(SPANISH, {}, 'es1'), doc(SERBIAN_CYRILLIC, {}, 'sr1')]);
    expect(r.kept).toHaveLength(0);
    expect(r.dropped).toEqual({ 'language_id:other_language': 3 });
    const lines = readFileSync(path.join(r.runDir, 'excluded', 'language_id', '0.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.meta.language, l.meta.language_script])).toEqual([['de', 'Latn'], ['es', 'Latn'], ['sr', 'Cyrl']]);
    expect(r.stats.stats.stages.language_id.counters).toMatchObject({ 'language:de': 1, 'language:es': 1, 'script:Cyrl': 1 });
  });

  it('accepts ISO 639-3 codes in the config, writes them with codes: iso639-3, and an empty list allows any language', async () => {
    expect((await runStage(languageId, { languages: ['deu', 'spa'] }, [doc(GERMAN), doc(SPANISH)])).kept).toHaveLength(2);
    const three = await runStage(languageId, { languages: ['deu', 'eng'], codes: 'iso639-3' }, [doc(GERMAN), doc(ARTICLE)]);
    expect(three.kept.map((d) => d.meta.language)).toEqual(['deu', 'eng']);
    const any = await runStage(languageId, { languages: [] }, [doc(GERMAN), doc(ARTICLE), doc(KHMER)]);
    expect(any.kept.map((d) => [d.meta.language, d.meta.language_script])).toEqual([['de', 'Latn'], ['en', 'Latn'], ['km', 'Khmr']]);
  });

  it('names Khmer with lid.176 and the ensemble, where ELD alone finds no language', async () => {
    const opts = { languages: [], threshold: 0 };
    expect((await runStage(languageId, { ...opts, detector: 'ensemble' }, [doc(KHMER)])).kept[0].meta.language).toBe('km');
    const eld = await runStage(languageId, { ...opts, detector: 'eld' }, [doc(KHMER)]);
    expect(eld.dropped).toEqual({ 'language_id:no_language': 1 });
  });

  it('drops an allowed language below the threshold as low_score', async () => {
    const r = await runStage(languageId, { threshold: 0.9999 }, [doc('Thank you')]);
    expect(r.dropped).toEqual({ 'language_id:low_score': 1 });
  });

  it('keeps a document whose allowed language scores above a low threshold without being the top one (datatrove)', async () => {
    // Mixed German / English text: English is not the top label but has a probability above 0.2.
    const mixed = `${GERMAN} Opening hours of the library will be extended.`;
    const top = await runStage(languageId, { languages: [] , threshold: 0 }, [doc(mixed)]);
    expect(top.kept[0].meta.language).toBe('de');
    expect((await runStage(languageId, { languages: ['en'], threshold: 0.01 }, [doc(mixed)])).kept).toHaveLength(1);
    expect((await runStage(languageId, { languages: ['en'], threshold: 0.65 }, [doc(mixed)])).dropped).toEqual({ 'language_id:other_language': 1 });
  });

  it('marks text without letters as und and drops it with no_language, for every detector', async () => {
    for (const detector of ['lid176', 'eld', 'ensemble']) {
      const r = await runStage(languageId, { detector, languages: [] }, [doc(''), doc('12345 !!! ### 3.14 … — ©')]);
      expect(r.dropped, detector).toEqual({ 'language_id:no_language': 2 });
    }
  });

  it('gives the same metadata whatever the order of documents (no state between documents)', async () => {
    const docs = () => [doc(GERMAN, {}, 'a'), doc(ARTICLE, {}, 'b'), doc(SPANISH, {}, 'c')];
    const meta = async (ds: ReturnType<typeof docs>) => {
      await runStage(languageId, { languages: [], detector: 'ensemble' }, ds);
      return Object.fromEntries(ds.map((d) => [d.id, JSON.stringify(d.meta)]));
    };
    expect(await meta(docs().reverse())).toEqual(await meta(docs()));
  });

  it('prepares text as datatrove does: newlines become spaces, then the cap; lone surrogates become U+FFFD', () => {
    expect(prepareText('one\ntwo\r\nthree\n\nfour', 100)).toBe('one two  three  four');
    expect(prepareText('x'.repeat(5000), 2000)).toHaveLength(2000);
    expect(prepareText('y\n'.repeat(5000), null)).toHaveLength(10000);
    expect(prepareText('ab\ud83d\ude00', 3)).toBe('ab\ufffd');
  });

  it('rejects the old ELD size in model, a model for the ensemble, and a missing model file, naming the fix', async () => {
    await expect(runStage(languageId, { model: 'large' }, [])).rejects.toThrow(/eldModel/);
    await expect(runStage(languageId, { detector: 'ensemble', model: '/tmp/x.bin' }, [])).rejects.toThrow(/detector "lid176"/);
    await expect(runStage(languageId, { model: '/nonexistent/glotlid.bin' }, [])).rejects.toThrow(/no such file/);
    expect(() => languageId.schema.parse({ detector: 'cld3' })).toThrow();
  });
});
