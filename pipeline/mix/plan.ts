// Token budgets of a mixture: how many tokens each source supplies, as whole epochs plus a partial one,
// checked against maxEpochs before anything is written. Pure arithmetic on the sources' manifests.

import type { ResolvedMixture } from './schema.js';
import type { SourceRun } from './source-run.js';

export interface SourcePlan {
  name: string;
  /** Tokens requested from this source. */
  target: number;
  /** The requested share of the mixture (weight, or tokens / total for fixed budgets). */
  requestedShare: number;
  sourceTokens: number;
  sourceDocuments: number;
  /** Whole passes over the source. */
  fullEpochs: number;
  /** Tokens still to take, as a seeded subset of documents, after the whole passes. */
  partialTokens: number;
  maxEpochs: number;
}

export interface MixturePlan {
  name: string;
  totalTokens: number;
  sources: SourcePlan[];
}

/** Plans every source of a mixture, or returns the problems (each naming the source and a fix). */
export function planMixture(m: ResolvedMixture, runs: readonly SourceRun[]): { plan?: MixturePlan; errors: string[] } {
  const errors: string[] = [];
  const where = `mixture '${m.name}'`;
  m.sources.forEach((s, i) => {
    if (runs[i].tokens === 0) errors.push(`${where}, source '${s.name}' (${s.runAsWritten}): the run holds no tokens; check its report.txt for why every document was dropped`);
  });
  if (errors.length > 0) return { errors };

  const weighted = m.sources.every((s) => s.weight !== undefined);
  let total: number;
  if (weighted && m.totalTokens !== undefined) {
    total = m.totalTokens;
  } else if (weighted) {
    // No budget given: the largest one every source can supply within its maxEpochs.
    total = Math.floor(Math.min(...m.sources.map((s, i) => (s.maxEpochs * runs[i].tokens) / s.weight!)));
  } else {
    total = m.sources.reduce((n, s) => n + s.tokens!, 0);
  }

  const sources = m.sources.map((s, i): SourcePlan => {
    const sourceTokens = runs[i].tokens;
    const target = weighted ? Math.round(s.weight! * total) : s.tokens!;
    const fullEpochs = Math.floor(target / sourceTokens);
    return {
      name: s.name,
      target,
      requestedShare: weighted ? s.weight! : target / total,
      sourceTokens,
      sourceDocuments: runs[i].documents,
      fullEpochs,
      partialTokens: target - fullEpochs * sourceTokens,
      maxEpochs: s.maxEpochs,
    };
  });

  for (const [i, p] of sources.entries()) {
    const epochs = p.target / p.sourceTokens;
    if (epochs > p.maxEpochs + 1e-9) {
      const s = m.sources[i];
      const ask = s.weight !== undefined ? `its weight ${s.weight} of ${total.toLocaleString('en-US')} tokens` : `its budget`;
      errors.push(
        `${where}, source '${p.name}' (${s.runAsWritten}): ${ask} needs ${p.target.toLocaleString('en-US')} tokens = ${epochs.toFixed(2)} epochs of its ` +
          `${p.sourceTokens.toLocaleString('en-US')} tokens, more than maxEpochs ${p.maxEpochs}; raise "maxEpochs" to at least ${Math.ceil(epochs * 100) / 100}, ` +
          `lower the ${s.weight !== undefined ? 'weight or totalTokens' : 'tokens'}, or add data to the source`,
      );
    }
  }
  return errors.length > 0 ? { errors } : { plan: { name: m.name, totalTokens: total, sources }, errors };
}
