import { describe, expect, it } from 'vitest';
import type { Doc } from '../../pipeline/core/doc.js';
import { definitions, htmlExtractSchema } from '../../pipeline/extract/index.js';
import { collect, droppedCount, makeTestContext } from '../helpers/context.js';

const stage = definitions.find((d) => d.type === 'html_extract')!;
const setup = { runDir: '/tmp', stageName: 'html_extract', configDir: '/tmp', seed: 1 };

function doc(i: number, text: string, format?: string): Doc {
  return { id: `d${i}`, text, source: 'mem', fileIndex: 0, position: i, meta: format ? { content_format: format, url: `https://x/${i}` } : {} };
}
async function* from(docs: Doc[]): AsyncGenerator<Doc> {
  yield* docs;
}
async function run(docs: Doc[], options: object = {}) {
  const ctx = makeTestContext({ stageName: 'html_extract' });
  const out = await collect(stage.create(stage.schema.parse(options), setup)(from(docs), ctx));
  return { out, ctx, dropped: ctx.stats.snapshot().stages.html_extract?.dropped ?? {} };
}

describe('the html_extract stage', () => {
  it('turns HTML documents into text with a title and content_format text, and passes other documents through untouched', async () => {
    const plain = doc(1, '<p>not html, keep as is</p>');
    const { out } = await run([doc(0, '<html><head><title>T</title></head><body><p>Hello <b>there</b>.</p></body></html>', 'html'), plain]);
    expect(out[0]).toMatchObject({ id: 'd0', text: 'Hello there.', meta: { content_format: 'text', title: 'T', url: 'https://x/0' } });
    expect(out[1]).toBe(plain);
  });

  it('drops pages over maxHtmlBytes, pages that time out, and pages with no text left, once each', async () => {
    const big = `<p>${'x'.repeat(1_000_000)}</p>`;
    const slow = '<div><p>t</p></div>'.repeat(45_000); // 855 KB, ~270k parser events: far over 1 ms
    const { out, ctx, dropped } = await run([doc(0, big, 'html'), doc(1, slow, 'html'), doc(2, '<script>only()</script><nav>menu</nav>', 'html'), doc(3, '<p>fine</p>', 'html')], {
      maxHtmlBytes: 1_000_000,
      timeoutMs: 1,
    });
    expect(out.map((d) => d.text)).toEqual(['fine']);
    expect(dropped).toEqual({ 'html_extract:too_large': 1, 'html_extract:timeout': 1, 'html_extract:empty': 1 });
    expect(out.length + droppedCount(ctx)).toBe(4);
    expect(ctx.log.lines).toEqual([expect.stringMatching(/^warning: mem:0: HTML of 1000007 bytes is over maxHtmlBytes \(1000000\)/), expect.stringMatching(/^warning: mem:1: extraction took over 1 ms/)]);
  });

  it('has strict options with defaults', () => {
    expect(htmlExtractSchema.parse({})).toEqual({ maxHtmlBytes: 4 << 20, timeoutMs: 2000, mainContent: true, maxLinkDensity: 0.5 });
    expect(() => htmlExtractSchema.parse({ maxHtmlByte: 1 })).toThrow();
  });
});
