import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeHtml } from '../../pipeline/readers/charset.js';

// Article 1 of the Universal Declaration of Human Rights in the official/common translations, encoded
// in the charset pages in that language use, with and without a declaration.
const TEXTS: [charset: string, text: string][] = [
  ['gbk', '人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。人人有资格享有本宣言所载的一切权利和自由，不分种族、肤色、性别、语言、宗教、政治或其他见解。'],
  ['big5', '人人生而自由，在尊嚴和權利上一律平等。他們賦有理性和良心，並應以兄弟關係的精神相對待。人人有資格享有本宣言所載的一切權利和自由，不分種族、膚色、性別、語言、宗教、政治或其他見解。'],
  ['shift_jis', 'すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられており、互いに同胞の精神をもって行動しなければならない。'],
  ['euc-kr', '모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다. 인간은 천부적으로 이성과 양심을 부여받았으며 서로 형제애의 정신으로 행동하여야 한다.'],
  ['windows-1251', 'Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.'],
  ['koi8-r', 'Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.'],
  ['iso-8859-2', 'Všichni lidé rodí se svobodní a sobě rovní co do důstojnosti a práv. Jsou nadáni rozumem a svědomím a mají spolu jednat v duchu bratrství.'],
  ['windows-1252', 'Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués de raison et de conscience et doivent agir les uns envers les autres dans un esprit de fraternité.'],
];

const page = (text: string, head = '') => `<!doctype html><html><head>${head}<title>Artikel 1</title></head><body><h1>Artikel 1</h1><p>${text}</p></body></html>`;

describe('decodeHtml on pages in eight legacy charsets', () => {
  it.each(TEXTS)('reads %s text that declares nothing (statistical detection)', (charset, text) => {
    const d = decodeHtml(iconv.encode(page(text), charset));
    // windows-1252 is also the last fallback, so a short Latin-1 page may be read right without detection
    expect(d.source).toBe(charset === 'windows-1252' && d.source === 'fallback' ? 'fallback' : 'detected');
    expect(d.text).toContain(text);
    expect(d.lossy).toBe(false);
  });

  it.each(TEXTS)('reads %s text declared in <meta charset>, <meta http-equiv> and the HTTP header', (charset, text) => {
    for (const [bytes, http, source] of [
      [iconv.encode(page(text, `<meta charset="${charset}">`), charset), undefined, 'meta'],
      [iconv.encode(page(text, `<meta http-equiv="Content-Type" content="text/html; charset=${charset}">`), charset), undefined, 'meta'],
      [iconv.encode(page(text), charset), charset, 'http'],
    ] as const) {
      const d = decodeHtml(bytes, http);
      expect(d.text).toContain(text);
      expect(d.source).toBe(source);
    }
  });

  it.each(TEXTS.filter(([c]) => c !== 'windows-1252'))('reads %s text whose page wrongly declares utf-8', (charset, text) => {
    const d = decodeHtml(iconv.encode(page(text, '<meta charset="utf-8">'), charset));
    expect(d.source).toBe('detected');
    expect(d.text).toContain(text);
  });

  it('passes over a <meta charset> that names no charset it knows', () => {
    const [charset, text] = TEXTS[0];
    const d = decodeHtml(iconv.encode(page(text, '<meta charset="x-klingon-7">'), charset));
    expect(d).toMatchObject({ source: 'detected', charset: 'gb18030' }); // chardet names the superset of GBK
    expect(d.text).toContain(text);
  });

  it('reads UTF-8 pages with a few stray windows-1252 bytes as both, not as mojibake of one', () => {
    const utf8 = Buffer.from(page(`${TEXTS[7][1]} Grüße aus Köln, schöne Äpfel, süße Öfen.`), 'utf8');
    const stray = iconv.encode(' Ein eingefügter Absatz über Bäume.', 'windows-1252');
    const d = decodeHtml(Buffer.concat([utf8, stray]), 'utf-8');
    expect(d).toMatchObject({ charset: 'utf-8', source: 'detected', mixed: true, lossy: false });
    expect(d.text).toContain('Grüße aus Köln');
    expect(d.text).toContain('über Bäume');
  });
});
