// The run report a person reads: what came in, what each stage dropped and why, what went out.

import type { Stats } from '../core/stats.js';
import type { Manifest } from './run-file-types.js';

export function formatReport(m: Manifest, stats: Stats): string {
  const lines: string[] = [];
  const pct = (n: number) => (m.totals.read > 0 ? `${((100 * n) / m.totals.read).toFixed(2)} %` : '-');
  lines.push(`documents read   ${m.totals.read.toLocaleString('en-US')}`);
  lines.push(`documents kept   ${m.totals.kept.toLocaleString('en-US')} (${pct(m.totals.kept)})`);
  lines.push(`tokens           ${m.totals.tokens.toLocaleString('en-US')} in ${m.totals.shards} shard(s), tokenizer ${m.tokenizer.name}`);
  lines.push('');
  lines.push('stage                      in          out     dropped   time');
  for (const [name, stage] of Object.entries(stats.stages)) {
    const dropped = Object.values(stage.dropped).reduce((a, b) => a + b, 0);
    // Readers count what they read in `stats.read`, not in their stage's in/out.
    const s = name === 'read' ? { ...stage, in: stats.read, out: stats.read - dropped } : stage;
    lines.push(
      `${name.padEnd(20)} ${String(s.in).padStart(8)} ${String(s.out).padStart(12)} ${String(dropped).padStart(11)} ${(s.ms / 1000).toFixed(1).padStart(6)} s`,
    );
  }
  const reasons = Object.entries(m.totals.dropped).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push('');
    lines.push('dropped by reason');
    for (const [reason, n] of reasons) lines.push(`  ${reason.padEnd(44)} ${String(n).padStart(9)}  ${pct(n)}`);
  }
  return lines.join('\n') + '\n';
}
