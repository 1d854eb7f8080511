// Per-file warning budget: the first warnings of each kind are logged in full, the rest are only counted
// and summed up in one line at the end, so one broken file can not flood the log.

import type { Logger } from '../../lib/log.js';

export class FileWarnings {
  private shown = 0;
  private suppressed = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly path: string,
    private readonly limit = 10,
  ) {}

  /** `where` is a byte offset or `line N`; `reason` the drop reason it is counted under. */
  warn(where: string | number, reason: string, message: string): void {
    if (this.shown < this.limit) {
      this.shown++;
      this.log.warn(`${this.path}:${where}: ${message} [${reason}]`);
    } else {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
    }
  }

  /** Log the summary of suppressed warnings, if any. Call once when the file is done. */
  finish(): void {
    if (this.suppressed.size === 0) return;
    const total = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.suppressed].map(([r, n]) => `${r} ×${n}`).join(', ');
    this.log.warn(`${this.path}: ${total} more bad records not shown (${parts}); see the drop counts in stats`);
  }
}
