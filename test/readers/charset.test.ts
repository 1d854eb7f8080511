import { describe, expect, it } from 'vitest';
import { decodeHtml, metaCharset } from '../../pipeline/readers/charset.js';

const cp1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]); // "Привет"
const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]); // "你好"
const html = (head: string, body: Buffer) => Buffer.concat([Buffer.from(`<html><head>${head}</head><body>`), body, Buffer.from('</body></html>')]);

describe('decodeHtml', () => {
  it('uses the HTTP charset first', () => {
    const d = decodeHtml(html('', cp1251), 'windows-1251');
    expect(d).toMatchObject({ charset: 'windows-1251', source: 'http', lossy: false });
    expect(d.text).toContain('Привет');
  });

  it('reads <meta charset> and <meta http-equiv> when HTTP names none', () => {
    expect(decodeHtml(html('<meta charset="gbk">', gbk)).text).toContain('你好');
    const d = decodeHtml(html('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', gbk));
    expect(d).toMatchObject({ charset: 'gbk', source: 'meta' });
    expect(metaCharset(html("<meta content='text/html;charset=windows-1251' http-equiv='Content-Type'>", cp1251))).toBe('windows-1251');
  });

  it('prefers UTF-8 over a declared Latin-1 when the bytes are valid UTF-8', () => {
    const d = decodeHtml(html('', Buffer.from('Grüße')), 'iso-8859-1');
    expect(d).toMatchObject({ charset: 'utf-8', source: 'detected' });
    expect(d.text).toContain('Grüße');
  });

  it('falls through a declared charset the bytes are not valid in', () => {
    // Declared UTF-8 in HTTP, but the page is GBK and says so in <meta>.
    const d = decodeHtml(html('<meta charset="gbk">', gbk), 'utf-8');
    expect(d).toMatchObject({ charset: 'gbk', source: 'meta' });
  });

  it('detects UTF-8, else falls back to windows-1252, when nothing is declared', () => {
    expect(decodeHtml(Buffer.from('<p>naïve</p>'))).toMatchObject({ charset: 'utf-8', source: 'detected', text: '<p>naïve</p>' });
    expect(decodeHtml(Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x74, 0xe9]))).toMatchObject({ charset: 'windows-1252', source: 'fallback', text: '<p>été' });
  });

  it('honours a byte-order mark and ignores unknown labels', () => {
    expect(decodeHtml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<p>ok</p>')]), 'windows-1251')).toMatchObject({ source: 'bom', text: '<p>ok</p>' });
    expect(decodeHtml(Buffer.from('<p>ok</p>'), 'x-no-such-charset')).toMatchObject({ charset: 'utf-8', source: 'detected' });
  });

  it('replaces bad bytes under the declared charset when no candidate decodes cleanly', () => {
    const d = decodeHtml(Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xfe, 0x41]), 'utf-8');
    expect(d).toMatchObject({ charset: 'utf-8', source: 'http', lossy: true });
    expect(d.text).toContain('\ufffd');
  });
});
