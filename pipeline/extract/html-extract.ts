// The html_extract stage: documents with `meta.content_format === 'html'` (WARC responses, or JSONL/Parquet
// read with contentFormat 'html') become main-content text (extractor.ts, trafilatura's cascade); every
// other document passes through as it is. Per run it counts which step of the cascade gave the text
// (`path:main|readability|justext|baseline|recall|recall_justext`), and drops pages that are too large,
// time out, are not HTML at all, or have no text left. For `biglm inspect` it keeps the first examples
// of each drop (<runDir>/excluded/<stage>/<rank>.examples.json, as the filters do) and a report of the
// cascade with the first pages that fell back (<runDir>/extract/<stage>/<rank>.json, report.ts).

import * as path from 'node:path';
import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT } from '../core/reader.js';
import type { StageContext, StageDefinition } from '../core/stage.js';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { EXAMPLES_PER_REASON, EXAMPLE_CHARS, type DropExample, type ExamplesFile } from '../filters/define-filter.js';
import { Clock, ExtractTimeout } from './dom.js';
import { extractPage, type ExtractionPath } from './extractor.js';
import { EXTRACTION_EXAMPLES, reportFile, type ExtractionReport } from './report.js';

export const EXTRACT_MODES = ['precision', 'balanced', 'recall'] as const;

export const htmlExtractSchema = z
  .object({
    mode: z
      .enum(EXTRACT_MODES)
      .default('balanced')
      .describe("trafilatura's focus: 'precision' prunes more (headers, bottom bars, trailing headings), 'recall' keeps more (div text, lists in cells), 'balanced' retries short pages in recall mode."),
    fallbacks: z
      .boolean()
      .default(true)
      .describe('Ask Readability and jusText for a second opinion when the main extractor finds little or unclean text (trafilatura without `fast`); false is faster and a little less accurate.'),
    title: z.boolean().default(true).describe("Put the page's title on its own line before the text (it is also kept as meta.title)."),
    lead: z
      .boolean()
      .default(true)
      .describe("Put the article's lead first when the extractor missed it: the page's meta description, when that text is also visible on the page."),
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
      .describe('Time limit per page; a page still being extracted after it is dropped as html_extract:timeout (0 = no limit). Typical pages take 5–20 ms.'),
  })
  .strict();

export type HtmlExtractOptions = z.output<typeof htmlExtractSchema>;

const MAX_WARNINGS = 10;

// Control characters (other than whitespace) and U+FFFD in the first KiB: bytes that were never text.
const BINARY_SAMPLE = 1024;
const BINARY_SHARE = 0.1;
function looksBinary(html: string): boolean {
  const n = Math.min(html.length, BINARY_SAMPLE);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = html.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd || c === 127) bad++;
  }
  return bad / n > BINARY_SHARE;
}

interface Outcome {
  doc?: Doc;
  drop?: 'too_large' | 'timeout' | 'not_html' | 'empty';
  path?: ExtractionPath;
  warning?: string;
}

export function extractDocument(doc: Doc, options: HtmlExtractOptions): Outcome {
  const bytes = Buffer.byteLength(doc.text, 'utf8');
  if (bytes > options.maxHtmlBytes) return { drop: 'too_large', warning: `HTML of ${bytes} bytes is over maxHtmlBytes (${options.maxHtmlBytes})` };
  if (looksBinary(doc.text)) return { drop: 'not_html', warning: 'served as HTML but its first bytes are binary, not text' };
  let page;
  try {
    const clock = new Clock(options.timeoutMs > 0 ? Date.now() + options.timeoutMs : 0);
    page = extractPage(doc.text, { focus: options.mode, fast: !options.fallbacks, lead: options.lead, clock });
  } catch (e) {
    if (!(e instanceof ExtractTimeout)) throw e;
    return { drop: 'timeout', warning: `extraction took over ${options.timeoutMs} ms` };
  }
  if (page.text === '') return { drop: 'empty', path: page.path };
  const meta: Record<string, unknown> = { ...doc.meta, content_format: 'text' };
  if (page.title) meta.title = page.title;
  if (page.lang) meta.html_lang = page.lang;
  if (page.description) meta.description = page.description;
  meta.extraction = page.path;
  const text = options.title && page.title && !page.text.startsWith(page.title) ? `${page.title}\n\n${page.text}` : page.text;
  return { doc: { ...doc, text, meta }, path: page.path };
}

function example(doc: Doc, reason: string): DropExample {
  const ex: DropExample = { id: doc.id, reason, text: doc.text.slice(0, EXAMPLE_CHARS) };
  if (typeof doc.meta.url === 'string') ex.url = doc.meta.url;
  return ex;
}

export function createHtmlExtract(options: HtmlExtractOptions) {
  return async function* htmlExtract(docs: AsyncIterable<Doc>, ctx: StageContext): AsyncGenerator<Doc> {
    const name = ctx.stageName;
    let warned = 0;
    let seen = 0;
    const dropped: Record<string, number> = {};
    const examples: Record<string, DropExample[]> = {};
    const report: ExtractionReport = { stage: name, pages: 0, paths: {}, dropped, examples: {} };
    const keepExample = (reason: string, doc: Doc) => {
      const list = (examples[reason] ??= []);
      if (list.length < EXAMPLES_PER_REASON) list.push(example(doc, reason));
    };
    let completed = false;
    try {
      for await (const doc of docs) {
        if (doc.meta.content_format !== HTML_FORMAT) {
          yield doc;
          continue;
        }
        seen++;
        report.pages++;
        const out = extractDocument(doc, options);
        ctx.stats.count(name, 'html_bytes', Buffer.byteLength(doc.text, 'utf8'));
        if (out.path) {
          ctx.stats.count(name, `path:${out.path}`);
          report.paths[out.path] = (report.paths[out.path] ?? 0) + 1;
          if (out.path !== 'main') {
            // pages the main extractor could not handle alone
            const list = (report.examples[out.path] ??= []);
            if (list.length < EXTRACTION_EXAMPLES) list.push(example(out.doc ?? doc, out.path));
          }
        }
        if (out.drop) {
          const reason = `${name}:${out.drop}`;
          ctx.stats.drop(name, reason);
          dropped[reason] = (dropped[reason] ?? 0) + 1;
          keepExample(reason, doc);
          if (out.warning) {
            if (warned++ < MAX_WARNINGS) ctx.log.warn(`${doc.source}:${doc.position}: ${out.warning} (${doc.meta.url ?? doc.id})`);
            else if (warned === MAX_WARNINGS + 1) ctx.log.warn(`${name}: more pages dropped for size, time or binary content; see the drop counts in stats`);
          }
          continue;
        }
        ctx.stats.count(name, 'text_chars', out.doc!.text.length);
        ctx.stats.observe(name, 'text_to_html_ratio', out.doc!.text.length / Math.max(doc.text.length, 1));
        yield out.doc!;
      }
      completed = true;
    } finally {
      if (completed && seen > 0) {
        const file: ExamplesFile = { stage: name, rank: ctx.rank, in: seen, dropped, examples };
        await writeJsonAtomic(path.join(ctx.runDir, 'excluded', name, `${ctx.rank}.examples.json`), file);
        await writeJsonAtomic(reportFile(ctx.runDir, name, ctx.rank), report);
      }
    }
  };
}

export const htmlExtractStage: StageDefinition<typeof htmlExtractSchema> = {
  type: 'html_extract',
  description: 'HTML documents (meta.content_format = "html") → main-content text (trafilatura-style cascade); other documents pass through.',
  schema: htmlExtractSchema,
  create: (options) => createHtmlExtract(options),
};
