// WAT reader (`.wat`, `.wat.gz`, `.warc.wat.gz`): Common Crawl's metadata files, WARC records whose JSON
// payload describes one record of the crawl's WARC file. The records about HTML responses become documents:
// the page's id (the response's WARC-Record-ID, the id the WARC reader gives the same page, so the two join),
// its title and meta description as `text` (all the human text a WAT holds: the page text is in the WET),
// and in `meta` the URL, date, HTTP status and content type, the title, the description and the outlinks.
// Records about requests, warcinfo, metadata and non-HTML responses are skipped, tallied under `read`
// counters `skipped_records:wat_<type>`, as the WARC reader skips what is not a page. Each payload is bounded
// by its Content-Length, so it is decoded whole (fatal UTF-8) and JSON.parse'd; a streaming parser would
// only add cost here.

import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { sourceName, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { openDecompressed } from './decompress.js';
import { describeGzipDamage } from './gzip-members.js';
import { parseWarc, type WarcHeader } from './warc-parser.js';
import { FileWarnings } from './warn.js';

export const watSchema = z
  .object({
    maxRecordBytes: z
      .number()
      .int()
      .positive()
      .default(16 << 20)
      .describe('Largest WAT record read into memory; larger ones are skipped while streaming and dropped as read:record_too_large.'),
    keepEnvelope: z
      .boolean()
      .default(false)
      .describe("Also keep the record's whole JSON envelope in meta.wat (headers, every link and meta tag; large)."),
  })
  .strict();

export type WatOptions = z.output<typeof watSchema>;

const READ = 'read';
const utf8 = new TextDecoder('utf-8', { fatal: true });

const isJsonMetadata = (h: WarcHeader) => h.type === 'metadata' && /application\/json/i.test(h.fields.get('content-type') ?? '');
const stripAngles = (id: unknown) => (typeof id === 'string' ? id.replace(/^<(.*)>$/, '$1') : undefined);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

type Built = { doc: Doc } | { skip: string } | { drop: string; why: string };

function buildDoc(file: InputFile, h: WarcHeader, block: Buffer, position: number, opts: WatOptions): Built {
  let payload: Json | undefined;
  try {
    payload = obj(JSON.parse(utf8.decode(block)));
  } catch (e) {
    return { drop: e instanceof SyntaxError ? 'invalid_json' : 'invalid_utf8', why: `WAT payload: ${(e as Error).message.slice(0, 120)}` };
  }
  const envelope = obj(payload?.Envelope);
  const warc = obj(envelope?.['WARC-Header-Metadata']);
  if (!envelope || !warc) return { drop: 'invalid_json', why: 'WAT payload without Envelope.WARC-Header-Metadata' };
  const described = str(warc['WARC-Type']) ?? 'untyped';
  if (described !== 'response') return { skip: `wat_${described}` };
  const http = obj(obj(envelope['Payload-Metadata'])?.['HTTP-Response-Metadata']);
  const html = obj(http?.['HTML-Metadata']);
  if (!http || !html) return { skip: 'wat_response_non_html' };

  const head = obj(html.Head);
  const title = str(head?.Title)?.trim();
  const metas = Array.isArray(head?.Metas) ? (head!.Metas as unknown[]).map(obj) : [];
  const description = str(metas.find((m) => str(m?.name)?.toLowerCase() === 'description')?.content)?.trim();
  const links = (Array.isArray(html.Links) ? (html.Links as unknown[]).map(obj) : [])
    .filter((l) => l && str(l.url) && /^A@\/href$/i.test(str(l.path) ?? ''))
    .map((l) => ({ url: l!.url as string, ...(str(l!.text) ? { text: l!.text as string } : {}) }));
  const headers = obj(http.Headers);
  const status = Number(obj(http['Response-Message'])?.Status);
  const recordId = stripAngles(warc['WARC-Record-ID']);
  const meta: Json = {
    url: str(warc['WARC-Target-URI']),
    date: str(warc['WARC-Date']),
    record_id: recordId,
    wat_record_id: stripAngles(h.fields.get('warc-record-id')),
    warc_type: 'response',
    content_format: 'text',
    ...(Number.isFinite(status) ? { http_status: status } : {}),
    ...(headers && str(headers['Content-Type']) ? { content_type: headers['Content-Type'] } : {}),
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    links,
    ...(opts.keepEnvelope ? { wat: envelope } : {}),
  };
  const text = [title, description].filter(Boolean).join('\n\n');
  return { doc: { id: recordId ?? `${file.path}#${position}`, text, source: sourceName(file), fileIndex: file.fileIndex, position, meta } };
}

export async function* readWat(file: InputFile, opts: WatOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  let position = 0;
  const bad = (offset: number, reason: string, message: string) => {
    ctx.stats.countRead();
    ctx.stats.drop(READ, `read:${reason}`);
    warnings.warn(offset, `read:${reason}`, message);
    position++;
  };
  // One gzip member per record (Common Crawl): a damaged member is one lost record, and reading goes on.
  const input = await openDecompressed(file.path, { onGzipDamage: (d) => bad(d.offset, d.reason, describeGzipDamage(d)) });
  try {
    for await (const ev of parseWarc(input.chunks, { wantBlock: isJsonMetadata, maxBlockBytes: opts.maxRecordBytes })) {
      ctx.signal.throwIfAborted();
      if (ev.kind === 'stream_error') {
        // At least one record was in what could not be decoded: it counts as one.
        bad(ev.offset, ev.reason, `${ev.message}; nothing after this point could be read`);
        continue;
      }
      if (ev.kind === 'broken') {
        bad(ev.offset, ev.reason, `${ev.type ? `${ev.type} record` : 'record'}: ${ev.message}`);
        continue;
      }
      if (!ev.block) {
        ctx.stats.count(READ, `skipped_records:${ev.header.type || 'untyped'}`);
        continue;
      }
      const built = buildDoc(file, ev.header, ev.block, position, opts);
      if ('skip' in built) {
        ctx.stats.count(READ, `skipped_records:${built.skip}`);
        continue;
      }
      if ('drop' in built) {
        bad(ev.header.offset, built.drop, built.why);
        continue;
      }
      ctx.stats.countRead();
      position++;
      yield built.doc;
    }
  } finally {
    warnings.finish();
  }
}

export const watReader: ReaderDefinition<typeof watSchema> = {
  format: 'wat',
  description: "Common Crawl WAT files: one document per HTML page described (title and description as text; URL, status, outlinks in meta).",
  extensions: ['.wat', '.wat.gz', '.warc.wat.gz', '.wat.zst'],
  schema: watSchema,
  read: readWat,
};
