// A task found an earlier task's output file corrupt (bad checksum, truncated). The error names the file
// and the producing task, so an executor can rerun that task instead of using bad data. It survives a
// worker-thread boundary (where errors lose their class) through a tag in the message.

export interface Producer {
  /** The dedup stage (or, for an index run's file, its folder). */
  stageName: string;
  /**
   * Plan name of the global step (`<stage>.buckets`, `<stage>.groups`), or null for the barrier's
   * collect stage: the segment task that closes with `stageName`.
   */
  step: string | null;
  rank: number;
}

export class CorruptTaskOutputError extends Error {
  override readonly name = 'CorruptTaskOutputError';
  constructor(readonly file: string, readonly producer: Producer, readonly reason: string) {
    const who = producer.step ?? `${producer.stageName} collect (segment task)`;
    super(`${file}: ${reason}; rerun the task that wrote it: ${who} rank ${producer.rank} ${TAG}${JSON.stringify({ file, producer, reason })}`);
  }

  /** The error itself, or one rebuilt from a message that crossed a worker boundary; else null. */
  static from(e: unknown): CorruptTaskOutputError | null {
    if (e instanceof CorruptTaskOutputError) return e;
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    const at = message.lastIndexOf(TAG);
    if (at < 0) return null;
    try {
      const { file, producer, reason } = JSON.parse(message.slice(at + TAG.length)) as { file: string; producer: Producer; reason: string };
      return new CorruptTaskOutputError(file, producer, reason);
    } catch {
      return null; // the tag was there but not ours: treat as an ordinary error
    }
  }
}
const TAG = 'corrupt-task-output:';
