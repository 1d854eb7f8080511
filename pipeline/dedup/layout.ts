// Where a dedup stage keeps its files: everything under <runDir>/dedup/<stageName>/.

import * as path from 'node:path';

export class DedupLayout {
  readonly dir: string;
  constructor(runDir: string, readonly stageName: string) {
    this.dir = path.join(runDir, 'dedup', stageName);
  }
  static ofStageDir(dir: string, stageName: string): DedupLayout {
    const l = Object.create(DedupLayout.prototype) as DedupLayout;
    Object.assign(l, { dir, stageName });
    return l;
  }
  /** Hash-relevant options, world size and kind; lets a later run use this one as an index. */
  params(): string {
    return path.join(this.dir, 'params.json');
  }
  sig(band: number, rank: number): string {
    return path.join(this.dir, 'sigs', `band-${band}`, `${rank}.sig`);
  }
  /** Low 32 bits of each document's minima (candidate verification). */
  minima(rank: number): string {
    return path.join(this.dir, 'minima', `${rank}.min`);
  }
  keys(rank: number): string {
    return path.join(this.dir, 'keys', `${rank}.keys`);
  }
  hashes(partition: number, rank: number): string {
    return path.join(this.dir, 'hashes', `part-${partition}`, `${rank}.hash`);
  }
  /** id + first line of each document, written only when clusters are dumped. */
  meta(rank: number): string {
    return path.join(this.dir, 'meta', `${rank}.jsonl`);
  }
  pairs(band: number): string {
    return path.join(this.dir, 'pairs', `band-${band}.pairs`);
  }
  /** MinHash: one removal list per original rank. */
  removals(rank: number): string {
    return path.join(this.dir, 'remove', `${rank}.rm`);
  }
  /** Exact: one removal list per (partition, original rank). */
  partRemovals(partition: number, rank: number): string {
    return path.join(this.dir, 'remove', `part-${partition}`, `${rank}.rm`);
  }
  partReport(partition: number): string {
    return path.join(this.dir, 'reports', `part-${partition}.json`);
  }
  report(): string {
    return path.join(this.dir, 'report.json');
  }
  clusters(): string {
    return path.join(this.dir, 'clusters.jsonl');
  }
}
