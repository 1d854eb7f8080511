// Plain, mergeable run statistics (datatrove style). Counters and running means keyed by stage;
// mergeStats is pure, each task writes its own file and the run merges them.

import type { HistogramRecord } from './histogram.js';

export interface RunningMean {
  n: number;
  mean: number;
  /** Sum of squared deviations (Welford), so variance = m2 / n. */
  m2: number;
  min: number;
  max: number;
}

export interface StageStats {
  /** Documents that entered the stage. */
  in: number;
  /** Documents the stage passed on. */
  out: number;
  /** Documents the stage dropped, by reason (`gopher_quality:mean_word_length`, …). */
  dropped: Record<string, number>;
  /** Free-form counters (bytes, tokens, records recovered, …). */
  counters: Record<string, number>;
  /** Running means of per-document values (length, language score, …). */
  means: Record<string, RunningMean>;
  /** Wall time spent inside the stage, in milliseconds (excluding upstream stages). */
  ms: number;
  /** Log-binned length histograms (`before:chars:<source>`, …; core/histogram.ts), bin lower edge → count. */
  histograms?: Record<string, HistogramRecord>;
}

export interface Stats {
  /** Documents produced by the readers (one per record/line/row, including bad ones). */
  read: number;
  stages: Record<string, StageStats>;
}

export function emptyStats(): Stats {
  return { read: 0, stages: {} };
}

export function emptyStageStats(): StageStats {
  return { in: 0, out: 0, dropped: {}, counters: {}, means: {}, ms: 0 };
}

export function emptyMean(): RunningMean {
  return { n: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity };
}

export function addToMean(m: RunningMean, x: number): void {
  m.n += 1;
  const delta = x - m.mean;
  m.mean += delta / m.n;
  m.m2 += delta * (x - m.mean);
  if (x < m.min) m.min = x;
  if (x > m.max) m.max = x;
}

/** Chan et al.'s parallel combination of two Welford accumulators. */
export function mergeMeans(a: RunningMean, b: RunningMean): RunningMean {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return {
    n,
    mean: a.mean + (delta * b.n) / n,
    m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

function addRecords(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function mergeStageStats(a: StageStats, b: StageStats): StageStats {
  const means: Record<string, RunningMean> = { ...a.means };
  for (const [k, v] of Object.entries(b.means)) means[k] = means[k] ? mergeMeans(means[k], v) : { ...v };
  const merged: StageStats = {
    in: a.in + b.in,
    out: a.out + b.out,
    dropped: addRecords(a.dropped, b.dropped),
    counters: addRecords(a.counters, b.counters),
    means,
    ms: a.ms + b.ms,
  };
  if (a.histograms || b.histograms) {
    const histograms: Record<string, HistogramRecord> = { ...a.histograms };
    for (const [k, v] of Object.entries(b.histograms ?? {})) histograms[k] = addRecords(histograms[k] ?? {}, v);
    merged.histograms = histograms;
  }
  return merged;
}

export function mergeStats(a: Stats, b: Stats): Stats {
  const stages: Record<string, StageStats> = { ...a.stages };
  for (const [k, v] of Object.entries(b.stages)) stages[k] = stages[k] ? mergeStageStats(stages[k], v) : v;
  return { read: a.read + b.read, stages };
}

/** All drops of all stages as one reason → count map (reasons are already prefixed by stage). */
export function totalDropped(stats: Stats): Record<string, number> {
  let out: Record<string, number> = {};
  for (const s of Object.values(stats.stages)) out = addRecords(out, s.dropped);
  return out;
}

/** Mutable recorder a task uses while it runs; `snapshot()` gives the plain data to write. */
export class StatsRecorder {
  readonly stats: Stats = emptyStats();

  stage(name: string): StageStats {
    return (this.stats.stages[name] ??= emptyStageStats());
  }

  countRead(n = 1): void {
    this.stats.read += n;
  }

  drop(stage: string, reason: string, n = 1): void {
    const s = this.stage(stage);
    const key = reason.includes(':') ? reason : `${stage}:${reason}`;
    s.dropped[key] = (s.dropped[key] ?? 0) + n;
  }

  count(stage: string, counter: string, n = 1): void {
    const s = this.stage(stage);
    s.counters[counter] = (s.counters[counter] ?? 0) + n;
  }

  /** Adds a task's histogram (fixed bins, so counts of the same bin add up). */
  addHistogram(stage: string, name: string, h: HistogramRecord): void {
    const s = this.stage(stage);
    const all = (s.histograms ??= {});
    all[name] = addRecords(all[name] ?? {}, h);
  }

  observe(stage: string, name: string, x: number): void {
    const s = this.stage(stage);
    addToMean((s.means[name] ??= emptyMean()), x);
  }

  snapshot(): Stats {
    return JSON.parse(JSON.stringify(this.stats, (_k, v) => (v === Infinity || v === -Infinity ? null : v)));
  }
}
