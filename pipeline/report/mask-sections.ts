// The report of a masked-examples directory (`biglm mask`): rows, tokens and masked tokens, documents
// kept and dropped by reason, the train and held-out shards, every masking parameter, and a link back
// to the report of the run the tokens came from.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readExamplesManifest } from './run-files.js';
import { barChart } from './charts.js';
import { cards, escapeHtml, int, note, pct, table, type Cell, type Section } from './html.js';
import { REPORT_FILE } from './report-path.js';

function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, JSON.stringify(v)] as [string, string]],
  );
}

export async function maskSections(runDir: string): Promise<Section[]> {
  const m = await readExamplesManifest(runDir);
  const t = m.totals;
  const slots = t.rows * m.seqLen;
  const sourceReport = path.join(m.source.run, REPORT_FILE);
  const link = existsSync(sourceReport)
    ? `<p>Tokens from <a href="${escapeHtml(path.relative(runDir, sourceReport).split(path.sep).join('/'))}">${escapeHtml(m.source.run)}</a> (its report).</p>`
    : `<p class="note">Tokens from ${escapeHtml(m.source.run)}.</p>`;
  const summary: Section = {
    id: 'summary',
    title: 'Summary',
    html:
      cards([
        { label: 'objective', value: m.objective, note: `sequence length ${m.seqLen}, seed ${m.seed}` },
        { label: 'rows', value: int(t.rows), note: `${int(m.split.trainRows)} train, ${int(m.split.validRows)} held out` },
        { label: 'tokens', value: int(t.tokens), note: `${pct(slots ? t.tokens / slots : NaN)} of row slots (the rest is padding)` },
        { label: 'masked tokens', value: int(t.maskedTokens), note: `${pct(t.tokens ? t.maskedTokens / t.tokens : NaN)} of tokens` },
        { label: 'documents', value: int(t.documents), note: `${int(t.keptDocs)} packed` },
      ]) + link,
  };
  const dropped = Object.entries(t.dropped).sort((a, b) => b[1] - a[1]);
  const total = dropped.reduce((n, [, c]) => n + c, 0);
  const docRows: Cell[][] = dropped.map(([reason, n]) => [reason, n, { text: pct(t.documents ? n / t.documents : NaN), sort: n }]);
  const documents: Section = {
    id: 'drops',
    title: 'Documents',
    html:
      note(`${int(t.documents)} documents read = ${int(t.keptDocs)} packed + ${int(total)} dropped.`) +
      table({
        id: 'drops',
        columns: [{ label: 'reason', key: 'reason' }, { label: 'documents', numeric: true, key: 'count' }, { label: 'of read', numeric: true }],
        rows: docRows,
        footer: [
          ['dropped, all reasons', { text: int(total), sort: total }, pct(t.documents ? total / t.documents : NaN)],
          ['kept', { text: int(t.keptDocs), sort: t.keptDocs }, pct(t.documents ? t.keptDocs / t.documents : NaN)],
          ['read', { text: int(t.documents), sort: t.documents }, ''],
        ],
      }),
  };
  const all = [...m.shards.map((s) => ({ ...s, split: 'train' })), ...m.valid_shards.map((s) => ({ ...s, split: 'held out' }))];
  const shown = all.slice(0, 60);
  const shards: Section = {
    id: 'shards',
    title: 'Example shards',
    html: all.length
      ? barChart({
          id: 'example-rows',
          title: 'Rows per example shard',
          note: all.length > shown.length ? `The first ${shown.length} of ${all.length} shards; the table has them all.` : undefined,
          bars: shown.map((s) => ({ label: s.path, value: s.rows, group: s.split, tip: `${s.path}: ${int(s.rows)} rows, ${int(s.maskedTokens)} masked tokens (from ${s.source})` })),
          xLabel: 'rows →',
          keepOrder: true,
          groupLabel: 'split',
          colors: { train: '#4e79a7', 'held out': '#f28e2c' },
        }) +
        table({
          id: 'example-shards',
          columns: [
            { label: 'shard', key: 'path' },
            { label: 'split' },
            { label: 'rows', numeric: true, key: 'rows' },
            { label: 'masked tokens', numeric: true },
            { label: 'bytes', numeric: true },
            { label: 'from token shard' },
          ],
          rows: all.map((s) => [s.path, s.split, s.rows, s.maskedTokens, s.bytes, s.source]),
        })
      : note('No rows were written.'),
  };
  const params: Section = {
    id: 'masking',
    title: 'Masking parameters',
    html:
      note(`Split rule: ${m.split.rule} (validFraction ${m.split.validFraction}).`) +
      table({ id: 'masking', columns: [{ label: 'parameter' }, { label: 'value' }], rows: flatten(m.masking as unknown as Record<string, unknown>), sortable: false }),
  };
  return [summary, documents, shards, params];
}
