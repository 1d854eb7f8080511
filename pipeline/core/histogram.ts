// Fixed log-scale histograms of document lengths (characters, tokens) for the run report. The bin edges
// never depend on the data, so a task's histogram merges with any other task's (or run's) by adding
// counts, like every other stat. Four bins per octave: 0, 1, 2, 3 exactly, then [4,5) [5,6) [6,7) [7,8),
// [8,10) [10,12) [12,14) [14,16), [16,20) … — each bin at most 25 % wider than its lower edge.

/** Bins up to 2^31: more than any string or token array holds. */
export const LENGTH_BINS = 120;

/** Bin of a length ≥ 0, in integer arithmetic only (this runs once per document). */
export function lengthBin(v: number): number {
  if (v < 4) return v < 0 ? 0 : v;
  if (v > 0x7fffffff) v = 0x7fffffff;
  const e = 31 - Math.clz32(v); // floor(log2 v), ≥ 2
  return ((e - 1) << 2) | ((v >>> (e - 2)) & 3);
}

/** Smallest length in bin `b` (the bin holds [binLower(b), binLower(b + 1))). */
export function binLower(b: number): number {
  if (b < 4) return b;
  const e = (b >> 2) + 1;
  return (4 + (b & 3)) * 2 ** (e - 2);
}

/** A histogram as stored in stats files: bin lower edge → count, empty bins left out. */
export type HistogramRecord = Record<string, number>;

/** The per-task accumulator: one typed array, turned into a record when the task writes its stats. */
export class LengthHistogram {
  readonly counts = new Float64Array(LENGTH_BINS);

  add(length: number): void {
    this.counts[lengthBin(length)]++;
  }

  toRecord(): HistogramRecord {
    const out: HistogramRecord = {};
    for (let b = 0; b < LENGTH_BINS; b++) if (this.counts[b] > 0) out[String(binLower(b))] = this.counts[b];
    return out;
  }
}

/** A stored histogram as bins [lower, upper) with counts, in order of length. */
export function histogramBins(h: HistogramRecord): { lower: number; upper: number; count: number }[] {
  return Object.entries(h)
    .map(([k, count]) => {
      const lower = Number(k);
      return { lower, upper: binLower(lengthBin(lower) + 1), count };
    })
    .sort((a, b) => a.lower - b.lower);
}

/** The length below which a fraction `q` of the counted documents lie (bin resolution: the bin's lower edge). */
export function histogramQuantile(h: HistogramRecord, q: number): number {
  const bins = histogramBins(h);
  const total = bins.reduce((n, b) => n + b.count, 0);
  let seen = 0;
  for (const b of bins) {
    seen += b.count;
    if (seen >= q * total) return b.lower;
  }
  return bins.length ? bins[bins.length - 1].lower : 0;
}
