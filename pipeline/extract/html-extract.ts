// The html_extract stage: documents with `meta.content_format === 'html'` (WARC responses, or JSONL/Parquet
// read with contentFormat 'html') become main-content text; every other document passes through as it is.

import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT } from '../core/reader.js';
import type { StageContext, StageDefinition } from '../core/stage.js';
import { ExtractTimeout, htmlToText } from './html-to-text.js';

export const htmlExtractSchema = z
  .object({
    maxHtmlBytes: z
      .number()
      .int()
      .positive()
      .default(4 << 20)
      .describe('Pages larger than this (UTF-8 bytes) are dropped as html_extract:too_large: past a few MiB an HTML page is a data dump, not prose.'),
    timeoutMs: z
      .number()
      .int()
      .nonnegative()
      .default(2000)
      .describe('Time limit per page; a page still parsing after it is dropped as html_extract:timeout (0 = no limit). Typical pages take ~1 ms.'),
    mainContent: z.boolean().default(true).describe('Keep only <main>/<article> text when a page has it and it holds a fair share of the text.'),
    maxLinkDensity: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Drop text blocks whose characters are more than this share link text (menus, tag clouds, "related" lists); 1 disables.'),
  })
  .strict();

export type HtmlExtractOptions = z.output<typeof htmlExtractSchema>;

const MAX_WARNINGS = 10;

export function createHtmlExtract(options: HtmlExtractOptions) {
  return async function* htmlExtract(docs: AsyncIterable<Doc>, ctx: StageContext): AsyncGenerator<Doc> {
    const name = ctx.stageName;
    let warned = 0;
    const warn = (doc: Doc, msg: string) => {
      if (warned++ < MAX_WARNINGS) ctx.log.warn(`${doc.source}:${doc.position}: ${msg} (${doc.meta.url ?? doc.id})`);
      else if (warned === MAX_WARNINGS + 1) ctx.log.warn(`${name}: more pages dropped for size or time; see the drop counts in stats`);
    };
    for await (const doc of docs) {
      if (doc.meta.content_format !== HTML_FORMAT) {
        yield doc;
        continue;
      }
      const bytes = Buffer.byteLength(doc.text, 'utf8');
      if (bytes > options.maxHtmlBytes) {
        ctx.stats.drop(name, 'too_large');
        warn(doc, `HTML of ${bytes} bytes is over maxHtmlBytes (${options.maxHtmlBytes})`);
        continue;
      }
      let out;
      try {
        out = htmlToText(doc.text, {
          mainContent: options.mainContent,
          maxLinkDensity: options.maxLinkDensity,
          deadline: options.timeoutMs > 0 ? Date.now() + options.timeoutMs : 0,
        });
      } catch (e) {
        if (!(e instanceof ExtractTimeout)) throw e;
        ctx.stats.drop(name, 'timeout');
        warn(doc, `extraction took over ${options.timeoutMs} ms`);
        continue;
      }
      ctx.stats.count(name, 'html_bytes', bytes);
      ctx.stats.count(name, `scope:${out.scope}`);
      if (out.linkDenseBlocks) ctx.stats.count(name, 'link_dense_blocks', out.linkDenseBlocks);
      if (out.text === '') {
        ctx.stats.drop(name, 'empty');
        continue;
      }
      ctx.stats.count(name, 'text_chars', out.text.length);
      ctx.stats.observe(name, 'text_to_html_ratio', out.text.length / Math.max(doc.text.length, 1));
      const meta: Record<string, unknown> = { ...doc.meta, content_format: 'text' };
      if (out.title) meta.title = out.title;
      yield { ...doc, text: out.text, meta };
    }
  };
}

export const htmlExtractStage: StageDefinition<typeof htmlExtractSchema> = {
  type: 'html_extract',
  description: 'HTML documents (meta.content_format = "html") → main-content text; other documents pass through.',
  schema: htmlExtractSchema,
  create: (options) => createHtmlExtract(options),
};
