// What a run records while it runs so that its report can draw document lengths per source: two probes
// on the document stream of every task, one where the filters start (after HTML extraction) and one after
// tokenization (what goes into the shards). Each holds one typed-array histogram per source group and
// hands plain, mergeable records to the task's stats when its input ends; per document that is an array
// lookup and a few increments.

import * as path from 'node:path';
import type { Doc } from '../core/doc.js';
import type { StatsRecorder } from '../core/stats.js';
import { LengthHistogram } from '../core/histogram.js';

/** Runs with up to this many input files get one group per file; larger runs group by folder. */
const MAX_GROUPS = 16;

/**
 * The report's source group of every input file (by index): the file itself (relative to the folder all
 * inputs share) when there are few, else the first folder below that shared folder, else one group —
 * so a run of 100,000 files still keeps a handful of histograms.
 */
export function sourceGroups(inputs: readonly string[]): string[] {
  if (inputs.length === 0) return [];
  const common = commonDir(inputs);
  const rel = inputs.map((f) => path.relative(common, f).split(path.sep).join('/'));
  if (inputs.length <= MAX_GROUPS) return rel;
  const top = rel.map((r) => (r.includes('/') ? r.slice(0, r.indexOf('/')) + '/' : '(top folder)'));
  return new Set(top).size <= MAX_GROUPS ? top : inputs.map(() => 'all inputs');
}

function commonDir(files: readonly string[]): string {
  let dir = path.dirname(files[0]);
  for (const f of files) while (dir !== path.dirname(dir) && !f.startsWith(dir + path.sep)) dir = path.dirname(dir);
  return dir;
}

/** Where a probe sits: where filtering starts, or what the shards hold (then with token counts too). */
export type ProbePoint = 'before' | 'after';

interface GroupAcc {
  chars: LengthHistogram;
  tokens?: LengthHistogram;
  docs: number;
  charSum: number;
  tokenSum: number;
}

/**
 * Counts document lengths per source group into histograms `<point>:chars:<group>` (and `after:tokens:<group>`)
 * and counters `<point>:docs:<group>`, `…:chars:<group>`, `…:tokens:<group>` of stage `stageName`'s stats.
 * The runner calls `add` from the loop that already counts the stage's documents (runner/instrument.ts): a
 * stream layer of its own would cost an async-generator hop per document, several times the counting.
 */
export class LengthProbe {
  private readonly byFile: (GroupAcc | undefined)[] = [];
  private readonly byGroup = new Map<string, GroupAcc>();

  constructor(
    private readonly point: ProbePoint,
    private readonly stageName: string,
    private readonly groups: readonly string[],
    private readonly stats: StatsRecorder,
  ) {}

  add(doc: Doc): void {
    const acc = this.byFile[doc.fileIndex] ?? this.accFor(doc.fileIndex);
    const n = doc.text.length;
    acc.chars.add(n);
    acc.docs++;
    acc.charSum += n;
    if (acc.tokens && doc.tokens) {
      acc.tokens.add(doc.tokens.length);
      acc.tokenSum += doc.tokens.length;
    }
  }

  /** Hands the task's counts to its stats, once, when the stage's input has ended. */
  flush(): void {
    const { point, stageName, stats } = this;
    for (const [group, acc] of this.byGroup) {
      stats.addHistogram(stageName, `${point}:chars:${group}`, acc.chars.toRecord());
      stats.count(stageName, `${point}:docs:${group}`, acc.docs);
      stats.count(stageName, `${point}:chars:${group}`, acc.charSum);
      if (acc.tokens) {
        stats.addHistogram(stageName, `${point}:tokens:${group}`, acc.tokens.toRecord());
        stats.count(stageName, `${point}:tokens:${group}`, acc.tokenSum);
      }
    }
    this.byGroup.clear();
    this.byFile.length = 0;
  }

  private accFor(fileIndex: number): GroupAcc {
    const group = this.groups[fileIndex] ?? 'other';
    let acc = this.byGroup.get(group);
    if (!acc) {
      acc = { chars: new LengthHistogram(), tokens: this.point === 'after' ? new LengthHistogram() : undefined, docs: 0, charSum: 0, tokenSum: 0 };
      this.byGroup.set(group, acc);
    }
    return (this.byFile[fileIndex] = acc);
  }
}
