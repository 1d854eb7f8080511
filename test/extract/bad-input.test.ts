import { describe, expect, it } from 'vitest';
import { htmlExtractSchema, extractDocument } from '../../pipeline/extract/html-extract.js';
import { decodeHtml } from '../../pipeline/readers/charset.js';
import type { Doc } from '../../pipeline/core/doc.js';

// Each bad page must give a counted drop or a best-effort text within the time bound, never a crash
// or a stall. The bound is the stage's own (timeoutMs); the test allows it plus generous slack.
const TIMEOUT_MS = 2000;
const options = htmlExtractSchema.parse({ timeoutMs: TIMEOUT_MS });
const SLACK_MS = 3000;

const doc = (text: string): Doc => ({ id: 'bad', text, source: 'mem', fileIndex: 0, position: 0, meta: { content_format: 'html' } });

function timed(html: string) {
  const t = performance.now();
  const out = extractDocument(doc(html), options);
  return { out, ms: performance.now() - t };
}

const sentence = 'The committee met on Tuesday and agreed to publish the full report next month, after the review. ';

describe('html_extract on bad input', () => {
  it('a 4 MB page on a single line', () => {
    const html = `<html><body><div>${`<p>${sentence.repeat(4)}</p>`.repeat(10_000)}</div></body></html>`.replace(/\n/g, ' ').slice(0, 4_000_000);
    expect(html.length).toBeGreaterThan(3_900_000);
    expect(html.includes('\n')).toBe(false);
    const { out, ms } = timed(html);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    if (out.drop) expect(out.drop).toBe('timeout');
    else expect(out.doc!.text).toContain('The committee met on Tuesday');
  });

  it('100,000 nested <div>s', () => {
    // htmlparser2 keeps its own stack of open elements (O(depth) work per tag), so this page can take
    // longer than the limit to parse: it must then be a timeout drop, on time
    const html = `<html><body>${'<div>'.repeat(100_000)}<p>${sentence.repeat(5)}</p>${'</div>'.repeat(100_000)}</body></html>`;
    const { out, ms } = timed(html);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    if (out.drop) expect(out.drop).toBe('timeout');
    else expect(out.doc!.text).toContain('The committee met on Tuesday');
  });

  it('unclosed tags everywhere', () => {
    const html = `<html><body>${`<div><p>${sentence}<b><i><span><a href="#">link`.repeat(3000)}`;
    const { out, ms } = timed(html);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    if (out.drop) expect(out.drop).toBe('timeout');
    else expect(out.doc!.text).toContain('The committee met on Tuesday');
  });

  it('a page of only <script>', () => {
    const html = `<html><head><script>${'var x = "<p>not text</p>";\n'.repeat(20_000)}</script></head><body><script>document.write("hi")</script></body></html>`;
    const { out, ms } = timed(html);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(out.drop).toBe('empty');
  });

  it('binary bytes served as text/html', () => {
    // a PNG header and deflate-like noise, as a server mislabelling an image would send it
    const bytes = new Uint8Array(200_000);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
    const decoded = decodeHtml(bytes);
    const { out, ms } = timed(decoded.text);
    expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(out.drop).toBe('not_html');
  });

  it('a <meta charset> naming an unknown charset', () => {
    const bytes = Buffer.from(`<html><head><meta charset="x-unknown-charset-9"><title>Bericht</title></head><body><article><p>${'Der Ausschuss tagte am Dienstag und beschloss, den vollständigen Bericht zu veröffentlichen. '.repeat(6)}</p></article></body></html>`);
    const decoded = decodeHtml(bytes);
    expect(decoded.charset).toBe('utf-8');
    const { out } = timed(decoded.text);
    expect(out.doc!.text).toContain('den vollständigen Bericht');
  });

  it('a page that runs past the time limit is dropped as a timeout, not left running', () => {
    const html = `<html><body>${`<div class="a"><p>${sentence}<a href="/x">link</a></p></div>`.repeat(20_000)}</body></html>`;
    const t = performance.now();
    const out = extractDocument(doc(html), htmlExtractSchema.parse({ timeoutMs: 5 }));
    expect(out.drop).toBe('timeout');
    expect(performance.now() - t).toBeLessThan(SLACK_MS);
  });
});
