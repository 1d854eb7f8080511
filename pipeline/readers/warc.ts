// WARC / WET reader: HTML `response` (and `resource`) records become documents holding the decoded HTML
// (`meta.content_format = 'html'`, for the html_extract stage); WET `conversion` records become text
// documents. Requests, metadata, warcinfo, revisits and non-HTML responses are not documents: they are
// skipped, not counted as read, and tallied under `read` counters `skipped_records:<type>`.

import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { HTML_FORMAT, sourceName, type InputFile, type ReaderDefinition } from '../core/reader.js';
import type { StageContext } from '../core/stage.js';
import { decodeHtml, decodeUtf8Text } from './charset.js';
import { openDecompressed } from './decompress.js';
import { describeGzipDamage } from './gzip-members.js';
import { charsetParam, decodeContent, dechunk, isHtmlMediaType, mediaType, parseHttpResponse } from './http.js';
import { parseWarc, type WarcHeader } from './warc-parser.js';
import { FileWarnings } from './warn.js';

export const warcSchema = z
  .object({
    maxRecordBytes: z
      .number()
      .int()
      .positive()
      .default(16 << 20)
      .describe(
        'Largest record block (HTTP headers + payload) read into memory; larger document records are skipped while streaming ' +
          'and dropped as read:record_too_large. Common Crawl truncates payloads at 1 MiB, so 16 MiB only bites on other crawls.',
      ),
    onlyOkStatus: z
      .boolean()
      .default(true)
      .describe('Skip HTML responses whose HTTP status is not 2xx (redirect stubs and error pages), as skipped_records:response_not_ok.'),
  })
  .strict();

export type WarcOptions = z.output<typeof warcSchema>;

const READ = 'read';

/** Which records might be documents: decided from the WARC header alone, so the rest is skipped unread. */
function mightBeDocument(h: WarcHeader): boolean {
  const ct = h.fields.get('content-type') ?? '';
  switch (h.type) {
    case 'response':
      // An HTTP response (msgtype=response, or older writers that leave msgtype out); not dns:, ftp:, …
      return /^application\/http/i.test(ct) && !/msgtype\s*=\s*request/i.test(ct);
    case 'resource':
      return isHtmlMediaType(mediaType(ct));
    case 'conversion':
      return true;
    default:
      return false;
  }
}

/** `<urn:uuid:…>` → `urn:uuid:…` (the angle brackets are WARC syntax, not part of the id). */
function stripAngles(id: string | undefined): string | undefined {
  return id?.replace(/^<(.*)>$/, '$1');
}

// An HTML page that did not say so in its Content-Type.
const LOOKS_HTML = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body)\b/i;

type Built = { doc: Doc } | { skip: string } | { drop: string; why: string };

function buildDoc(file: InputFile, h: WarcHeader, block: Buffer, position: number, opts: WarcOptions): Built {
  const f = h.fields;
  const recordId = stripAngles(f.get('warc-record-id'));
  const meta: Record<string, unknown> = {
    // wget writes `<https://…>` (following a grammar slip in the WARC 1.0 spec); the URL is inside.
    url: stripAngles(f.get('warc-target-uri')),
    date: f.get('warc-date'),
    record_id: recordId,
    warc_type: h.type,
  };
  const lang = f.get('warc-identified-content-language');
  if (lang) meta.content_language = lang;
  const truncated = f.get('warc-truncated');
  if (truncated) meta.truncated = truncated;
  const id = recordId ?? `${file.path}#${position}`;
  const doc = (text: string): Built => ({ doc: { id, text, source: sourceName(file), fileIndex: file.fileIndex, position, meta } });

  if (h.type === 'conversion') {
    meta.content_type = f.get('content-type') ?? 'text/plain';
    meta.content_format = 'text';
    // WET bodies are UTF-8 text; CRLF only appears in damaged files (and is never wanted in training text).
    return doc(decodeUtf8Text(block).replace(/\r\n/g, '\n'));
  }

  let payload: Buffer;
  let contentType: string | undefined;
  let contentEncoding = '';
  if (h.type === 'response') {
    const http = parseHttpResponse(block);
    if (!http) return { skip: 'response_not_http' };
    contentType = http.headers.get('content-type');
    const type = mediaType(contentType);
    const sniffed = type === '' && LOOKS_HTML.test(http.body.toString('latin1', 0, 1024));
    if (!isHtmlMediaType(type) && !sniffed) return { skip: 'response_non_html' };
    if (opts.onlyOkStatus && (http.status < 200 || http.status > 299)) return { skip: 'response_not_ok' };
    meta.http_status = http.status;
    payload = http.body;
    if (/chunked/i.test(http.headers.get('transfer-encoding') ?? '')) payload = dechunk(payload) ?? payload;
    contentEncoding = http.headers.get('content-encoding') ?? '';
  } else {
    contentType = f.get('content-type');
    payload = block;
  }
  meta.content_type = contentType ?? 'text/html';
  meta.content_format = HTML_FORMAT;
  if (contentEncoding) {
    try {
      payload = decodeContent(payload, contentEncoding, opts.maxRecordBytes);
    } catch (e) {
      // Some crawlers (Common Crawl in 2014) stored the decoded payload but kept the Content-Encoding
      // header. A payload that already reads as HTML is used as it is.
      if (!LOOKS_HTML.test(payload.toString('latin1', 0, 1024))) {
        return { drop: 'bad_content_encoding', why: `Content-Encoding '${contentEncoding}' does not decode: ${(e as Error).message}` };
      }
      meta.content_encoding_ignored = contentEncoding;
    }
  }
  const decoded = decodeHtml(payload, charsetParam(contentType));
  meta.charset = decoded.charset;
  meta.charset_source = decoded.source;
  if (decoded.lossy) meta.charset_lossy = true;
  if (decoded.mixed) meta.charset_mixed = true;
  return doc(decoded.text);
}

// The WARC standard makes these mandatory on the record types we turn into documents.
const REQUIRED = ['warc-record-id', 'warc-date', 'warc-target-uri'];

export async function* readWarc(file: InputFile, opts: WarcOptions, ctx: StageContext): AsyncGenerator<Doc> {
  const warnings = new FileWarnings(ctx.log, file.path);
  let position = 0;
  let recovered = 0;
  let firstRecoveredAt = -1;
  const bad = (offset: number, reason: string, message: string) => {
    ctx.stats.countRead();
    ctx.stats.drop(READ, `read:${reason}`);
    warnings.warn(offset, `read:${reason}`, message);
    position++;
  };
  // One gzip member per record (Common Crawl): a damaged member is one lost record, and reading goes on.
  const input = await openDecompressed(file.path, { onGzipDamage: (d) => bad(d.offset, d.reason, describeGzipDamage(d)) });
  try {
    for await (const ev of parseWarc(input.chunks, { wantBlock: mightBeDocument, maxBlockBytes: opts.maxRecordBytes })) {
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
      if (ev.recovered) {
        recovered++;
        if (firstRecoveredAt < 0) firstRecoveredAt = ev.header.offset;
        ctx.stats.count(READ, 'recovered_records');
      }
      if (!ev.block) {
        ctx.stats.count(READ, `skipped_records:${ev.header.type || 'untyped'}`);
        continue;
      }
      const missing = REQUIRED.filter((k) => !ev.header.fields.has(k));
      if (missing.length) {
        bad(ev.header.offset, 'malformed_record', `${ev.header.type} record without ${missing.join(', ')}`);
        continue;
      }
      const built = buildDoc(file, ev.header, ev.block, position, opts);
      if ('skip' in built) {
        ctx.stats.count(READ, `skipped_records:${built.skip}`);
        continue;
      }
      ctx.stats.countRead();
      if ('drop' in built) {
        ctx.stats.drop(READ, `read:${built.drop}`);
        warnings.warn(ev.header.offset, `read:${built.drop}`, built.why);
        position++;
        continue;
      }
      position++;
      yield built.doc;
    }
  } finally {
    if (recovered > 0) {
      ctx.log.warn(
        `${file.path}:${firstRecoveredAt}: ${recovered} records had a Content-Length that does not match their block; ` +
          'recovered them by scanning for the next WARC/ header line (first one at this offset)',
      );
    }
    warnings.finish();
  }
}

export const warcReader: ReaderDefinition<typeof warcSchema> = {
  format: 'warc',
  description: 'WARC/WET files (plain, gzip with one member per record, zstd): HTML responses and WET conversion records.',
  extensions: ['.warc', '.warc.gz', '.warc.zst', '.wet', '.wet.gz', '.warc.wet.gz', '.wet.zst'],
  schema: warcSchema,
  read: readWarc,
};
