// Progress on long work: a bar with docs/s, MB/s and ETA on a terminal; a plain line every few seconds
// otherwise (logs, CI).

export interface ProgressOptions {
  label: string;
  /** Tasks in the step: the ETA comes from finished tasks, since a reader knows no total in advance. */
  totalTasks: number;
  stream?: NodeJS.WriteStream;
  enabled?: boolean;
}

export class Progress {
  private readonly start = Date.now();
  private docs = 0;
  private bytes = 0;
  private tasksDone = 0;
  private lastDraw = 0;
  private readonly tty: boolean;
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.enabled = opts.enabled ?? true;
  }

  add(docs: number, bytes: number): void {
    this.docs += docs;
    this.bytes += bytes;
    this.draw(false);
  }

  taskDone(): void {
    this.tasksDone++;
    this.draw(false);
  }

  /** Clear the bar before another line is printed, so the two don't interleave. */
  clear(): void {
    if (this.enabled && this.tty) this.stream.write('\r\x1b[K');
  }

  finish(): void {
    this.draw(true);
    if (this.enabled && this.tty) this.stream.write('\n');
  }

  line(): string {
    const secs = Math.max(1e-3, (Date.now() - this.start) / 1000);
    const frac = this.opts.totalTasks > 0 ? this.tasksDone / this.opts.totalTasks : 1;
    const eta = frac > 0 && frac < 1 ? formatDuration((secs / frac) * (1 - frac)) : frac >= 1 ? '0s' : '?';
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    return (
      `${this.opts.label} ${bar} ${this.tasksDone}/${this.opts.totalTasks} tasks  ` +
      `${this.docs.toLocaleString('en-US')} docs  ${Math.round(this.docs / secs).toLocaleString('en-US')} docs/s  ` +
      `${(this.bytes / 1e6 / secs).toFixed(1)} MB/s  ETA ${eta}`
    );
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (this.tty) {
      if (!force && now - this.lastDraw < 100) return;
      this.stream.write(`\r\x1b[K${this.line()}`);
    } else {
      if (!force && now - this.lastDraw < 5000) return;
      this.stream.write(this.line() + '\n');
    }
    this.lastDraw = now;
  }
}

export function formatDuration(secs: number): string {
  if (!Number.isFinite(secs)) return '?';
  const s = Math.round(secs);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
