// The line a `--text-output jsonl` file holds for each kept document: the document format dolma defines
// (docs/data-format.md in allenai/dolma: `id`, `text`, `source`, `added`, `created`, `metadata`) and the one
// datatrove's JsonlWriter writes and its JsonlReader reads (`text`, `id`, `metadata`; its reader moves every
// other top-level key into `metadata`). Everything else biglm knows about a document goes under `metadata`.

import type { Doc } from '../core/doc.js';

export interface DolmaLine {
  id: string;
  text: string;
  /** Where the data comes from: a dolma input's own `source` ("common-crawl", "pes2o"), else the input file. */
  source: string;
  /** When the data was acquired, only when the input says so (a dolma document's `added`). */
  added?: string;
  /** When the document was created: a dolma input's `created`, else the crawl date, as dolma writes timestamps. */
  created?: string;
  /** dolma's msgspec InputSpec has an optional `version`; kept when the input has one. */
  version?: string;
  metadata: Record<string, unknown>;
}

/** Keys dolma puts at the top level; an input document's values for them are kept there, as strings. */
const TOP_LEVEL = ['source', 'added', 'created', 'version'] as const;

/** A W3C / ISO 8601 date-time, the form WARC-Date has; V8's Date.parse would also take much looser text. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * dolma's timestamp form (dolma/warc/processor.py `_format_to_dolma_timestamp`: ISO 8601 with milliseconds and
 * `Z`), which is what Date#toISOString gives; anything but an ISO date-time is kept as written.
 */
export function dolmaTimestamp(value: string): string {
  const ms = ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/**
 * The dolma / datatrove form of a document. `added` is never the time of the run: same input and config give
 * byte-identical text output, so it is written only when the input carried one. A `metadata` object the input
 * already had (a dolma or datatrove file read back) is merged in, as datatrove's reader adapter does, rather
 * than nested a level deeper; `file_path` (datatrove's key) and `position` record where biglm read the document,
 * unless the input's metadata already says.
 */
export function dolmaLine(doc: Doc): DolmaLine {
  const { metadata: inner, ...rest } = doc.meta;
  const metadata: Record<string, unknown> = {};
  if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) Object.assign(metadata, inner);
  else if (inner !== undefined) metadata.metadata = inner; // a scalar or list: kept, as datatrove's adapter wraps one
  const top: Partial<Record<(typeof TOP_LEVEL)[number], string>> = {};
  for (const [key, value] of Object.entries(rest)) {
    const topLevel = (TOP_LEVEL as readonly string[]).includes(key) && value !== null && typeof value !== 'object';
    if (topLevel) top[key as (typeof TOP_LEVEL)[number]] = String(value);
    else metadata[key] = value;
  }
  metadata.file_path ??= doc.source;
  metadata.position ??= doc.position;
  const created = top.created ?? (typeof rest.date === 'string' && rest.date !== '' ? dolmaTimestamp(rest.date) : undefined);
  // Keys in one fixed order and absent rather than null (dolma's msgspec spec wants strings), so the bytes
  // depend on the document only.
  return {
    id: doc.id,
    text: doc.text,
    source: top.source ?? doc.source,
    ...(top.added !== undefined ? { added: top.added } : {}),
    ...(created !== undefined ? { created } : {}),
    ...(top.version !== undefined ? { version: top.version } : {}),
    metadata,
  };
}
