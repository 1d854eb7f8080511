// The comparison table `biglm mix` prints for a sweep: per mixture and source, the tokens, requested and
// realized shares, documents and epochs — the numbers a mixing experiment reports next to its results.

import type { MixedManifest } from './mixed-manifest.js';
import type { PreparedMixture } from './prepare.js';

const int = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function render(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const numeric = header.map((_, c) => c >= 2);
  const line = (cells: string[]) => cells.map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Realized mixtures, one block of rows per mixture with a total row. */
export function formatMixTable(manifests: readonly MixedManifest[]): string {
  const rows: string[][] = [];
  for (const m of manifests) {
    for (const s of m.mix.sources) {
      rows.push([m.mix.name, s.name, int(s.tokens), pct(s.requestedShare), pct(s.share), int(s.documents), s.epochs.toFixed(3), String(s.maxEpochs)]);
    }
    rows.push([m.mix.name, '(total)', int(m.mix.tokens), '', '', int(m.mix.documents), '', '']);
  }
  return render(['mixture', 'source', 'tokens', 'requested', 'realized', 'documents', 'epochs', 'maxEpochs'], rows);
}

/** Planned mixtures (--dry-run): targets before any document is picked. */
export function formatPlanTable(prepared: readonly PreparedMixture[]): string {
  const rows: string[][] = [];
  for (const p of prepared) {
    for (const s of p.plan.sources) {
      rows.push([p.plan.name, s.name, int(s.target), pct(s.requestedShare), int(s.sourceTokens), (s.target / s.sourceTokens).toFixed(3), String(s.maxEpochs)]);
    }
    rows.push([p.plan.name, '(total)', int(p.plan.totalTokens), '', '', '', '']);
  }
  return render(['mixture', 'source', 'target tokens', 'share', 'source tokens', 'epochs', 'maxEpochs'], rows);
}
