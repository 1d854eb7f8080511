import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Doc } from '../../pipeline/core/doc.js';
import { definitions, htmlExtractSchema } from '../../pipeline/extract/index.js';
import { readDropExamples } from '../../pipeline/filters/drop-examples.js';
import { readExtractionReports } from '../../pipeline/extract/report.js';
import { inspectSections } from '../../pipeline/inspect.js';
import { collect, droppedCount, makeTestContext } from '../helpers/context.js';

const stage = definitions.find((d) => d.type === 'html_extract')!;

function doc(i: number, text: string, format?: string): Doc {
  return { id: `d${i}`, text, source: 'mem', fileIndex: 0, position: i, meta: format ? { content_format: format, url: `https://x/${i}` } : {} };
}
async function* from(docs: Doc[]): AsyncGenerator<Doc> {
  yield* docs;
}
async function run(docs: Doc[], options: object = {}) {
  const runDir = mkdtempSync(path.join(tmpdir(), 'biglm-html-extract-'));
  const ctx = makeTestContext({ stageName: 'html_extract', runDir });
  const setup = { runDir, stageName: 'html_extract', configDir: runDir, seed: 1 };
  const out = await collect(stage.create(stage.schema.parse(options), setup)(from(docs), ctx));
  const snap = ctx.stats.snapshot().stages.html_extract;
  return { out, ctx, runDir, dropped: snap?.dropped ?? {}, counters: snap?.counters ?? {} };
}

const prose = 'The harbour board met on Monday to discuss the new ferry timetable, which starts in May and adds two crossings a day. ';
const page = (body: string, title = 'Ferry timetable') =>
  `<html lang="en"><head><title>${title}</title><meta name="description" content="Two more crossings a day from May."></head><body><article>${body}</article></body></html>`;

describe('the html_extract stage', () => {
  it('turns HTML documents into text with the title line first, metadata kept, and passes other documents through untouched', async () => {
    const plain = doc(1, '<p>not html, keep as is</p>');
    const { out, counters, runDir } = await run([doc(0, page(`<p>${prose.repeat(3)}</p><p>${prose}</p>`), 'html'), plain]);
    expect(out[0].text).toBe(`Ferry timetable\n\n${prose.repeat(3).trim()}\n\n${prose.trim()}`);
    expect(out[0].meta).toMatchObject({ content_format: 'text', title: 'Ferry timetable', html_lang: 'en', description: 'Two more crossings a day from May.', extraction: 'main', url: 'https://x/0' });
    expect(out[1]).toBe(plain);
    expect(counters['path:main']).toBe(1);
    rmSync(runDir, { recursive: true });
  });

  it('leaves the title out of the text with title: false', async () => {
    const { out, runDir } = await run([doc(0, page(`<p>${prose.repeat(4)}</p>`), 'html')], { title: false });
    expect(out[0].text).toBe(prose.repeat(4).trim());
    expect(out[0].meta.title).toBe('Ferry timetable');
    rmSync(runDir, { recursive: true });
  });

  it('drops pages over maxHtmlBytes, binary pages and pages with no text left, once each, and keeps examples for inspect', async () => {
    const big = `<p>${'x'.repeat(1_000_000)}</p>`;
    const binary = '\u0000\u0001\u0002PNG\u0003\u0004'.repeat(500);
    const docs = [doc(0, big, 'html'), doc(2, '<script>only()</script><style>p { color: red }</style>', 'html'), doc(3, binary, 'html'), doc(4, page(`<p>${prose.repeat(3)}</p>`), 'html')];
    const { out, ctx, dropped, runDir } = await run(docs, { maxHtmlBytes: 1_000_000 });
    expect(out.map((d) => d.id)).toEqual(['d4']);
    expect(dropped).toEqual({ 'html_extract:too_large': 1, 'html_extract:empty': 1, 'html_extract:not_html': 1 });
    expect(out.length + droppedCount(ctx)).toBe(4);
    expect(ctx.log.lines).toEqual([
      expect.stringMatching(/^warning: mem:0: HTML of 1000007 bytes is over maxHtmlBytes \(1000000\)/),
      expect.stringMatching(/^warning: mem:3: served as HTML but its first bytes are binary/),
    ]);
    const drops = await readDropExamples(runDir);
    expect(drops.html_extract.in).toBe(4);
    expect(drops.html_extract.reasons['html_extract:too_large']).toMatchObject({ count: 1, examples: [{ id: 'd0', url: 'https://x/0' }] });
    const file = JSON.parse(readFileSync(path.join(runDir, 'excluded', 'html_extract', '0.examples.json'), 'utf8'));
    expect(Object.keys(file.examples).sort()).toEqual(['html_extract:empty', 'html_extract:not_html', 'html_extract:too_large']);
    rmSync(runDir, { recursive: true });
  });

  it('drops a page still being extracted after timeoutMs, with a warning and an example', async () => {
    const slow = `<div><p>${prose}<a href="/x">link</a></p></div>`.repeat(4_000); // 0.7 MB: far over 1 ms
    const { out, ctx, dropped, runDir } = await run([doc(1, slow, 'html')], { timeoutMs: 1 });
    expect(out).toEqual([]);
    expect(dropped).toEqual({ 'html_extract:timeout': 1 });
    expect(ctx.log.lines).toEqual([expect.stringMatching(/^warning: mem:1: extraction took over 1 ms/)]);
    const drops = await readDropExamples(runDir);
    expect(drops.html_extract.reasons['html_extract:timeout']).toMatchObject({ count: 1, examples: [{ id: 'd1', url: 'https://x/1' }] });
    rmSync(runDir, { recursive: true });
  });

  it('counts which step of the cascade gave the text, and shows the pages that fell back in biglm inspect', async () => {
    const short = '<html><body><div>Opening hours: Monday to Friday, nine to five.</div></body></html>';
    const { counters, runDir } = await run([doc(0, page(`<p>${prose.repeat(3)}</p>`), 'html'), doc(1, short, 'html')]);
    expect(counters).toMatchObject({ 'path:main': 1, 'path:baseline': 1 });
    const [report] = await readExtractionReports(runDir);
    expect(report).toMatchObject({ stage: 'html_extract', pages: 2, paths: { main: 1, baseline: 1 }, examples: { baseline: [{ id: 'd1', url: 'https://x/1' }] } });
    const lines = (await inspectSections(runDir)).join('\n');
    expect(lines).toContain('html_extract: 2 HTML pages');
    expect(lines).toContain('text from: main 1 (50.0%), baseline 1 (50.0%)');
    expect(lines).toMatch(/fell back to baseline, e\.g\.:\n\s+· d1 https:\/\/x\/1: Opening hours/);
    rmSync(runDir, { recursive: true });
  });

  it('has strict options with defaults, and names the field of a bad mode', () => {
    expect(htmlExtractSchema.parse({})).toEqual({ mode: 'balanced', fallbacks: true, title: true, lead: true, maxHtmlBytes: 4 << 20, timeoutMs: 2000 });
    expect(() => htmlExtractSchema.parse({ maxHtmlByte: 1 })).toThrow();
    expect(() => htmlExtractSchema.parse({ mode: 'fast' })).toThrow(/precision.*balanced.*recall/s);
  });
});
