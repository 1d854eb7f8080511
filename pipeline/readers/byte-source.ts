// A pull-based byte reader over a stream of chunks, for the WARC parser: read a line, read or skip exactly
// n bytes, peek ahead, push bytes back. Buffers only what the caller asks for (a line, a record block), so
// memory stays bounded by the largest record the caller accepts, not by the file.

const EMPTY = Buffer.alloc(0);

export class ByteSource {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Absolute offset of buf[0] in the stream. */
  private base = 0;
  private ended_ = false;
  private deferred: unknown = null;
  private readonly it: AsyncIterator<Buffer>;

  constructor(chunks: AsyncIterable<Buffer>) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  /** Offset of the next unread byte, counted from the start of the (decompressed) stream. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** True once the underlying stream is exhausted (buffered bytes may remain). */
  get ended(): boolean {
    return this.ended_;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }

  /** The bytes already buffered and not yet consumed (a view; valid until the next call). */
  view(): Buffer {
    return this.buf.subarray(this.pos);
  }

  /** Make the next pull throw `error` (a source failure met during a look-ahead the caller chose to finish). */
  deferError(error: unknown): void {
    this.deferred = error;
  }

  /** Pull one more chunk into the buffer. False at end of stream. Errors of the source propagate. */
  async pull(): Promise<boolean> {
    if (this.deferred) {
      const e = this.deferred;
      this.deferred = null;
      this.ended_ = true;
      throw e;
    }
    if (this.ended_) return false;
    const r = await this.it.next();
    if (r.done) {
      this.ended_ = true;
      return false;
    }
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.base += this.buf.length;
      this.buf = r.value;
    } else {
      this.base += this.pos;
      this.buf = Buffer.concat([this.buf.subarray(this.pos), r.value]);
    }
    this.pos = 0;
    return true;
  }

  /** Make at least n bytes available if the stream has them; returns whether it could. */
  async ensure(n: number): Promise<boolean> {
    while (this.available < n) if (!(await this.pull())) return false;
    return true;
  }

  async atEnd(): Promise<boolean> {
    return this.available === 0 && !(await this.ensure(1));
  }

  consume(n: number): void {
    this.pos += n;
  }

  /** Put bytes back in front of the unread data (used when a record block read past its real end). */
  unread(data: Buffer): void {
    if (data.length === 0) return;
    this.buf = Buffer.concat([data, this.buf.subarray(this.pos)]);
    this.base = this.base + this.pos - data.length;
    this.pos = 0;
  }

  /**
   * The next line including its '\n' (or the rest of the stream if it has none); null at end of stream.
   * A line longer than `max` bytes is returned cut at `max` with `tooLong` so the caller can resync.
   */
  async readLine(max: number): Promise<{ line: Buffer; tooLong: boolean } | null> {
    let from = 0;
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos + from);
      if (nl >= 0 && nl - this.pos < max) {
        const line = this.buf.subarray(this.pos, nl + 1);
        this.pos = nl + 1;
        return { line, tooLong: false };
      }
      if (this.available >= max) {
        const line = this.buf.subarray(this.pos, this.pos + max);
        this.pos += max;
        return { line, tooLong: true };
      }
      from = this.available;
      if (!(await this.pull())) {
        if (this.available === 0) return null;
        const line = this.buf.subarray(this.pos);
        this.pos = this.buf.length;
        return { line, tooLong: false };
      }
    }
  }

  /** Read exactly n bytes, or fewer at end of stream. Joins chunks once, not per pull. */
  async read(n: number): Promise<Buffer> {
    if (this.available >= n) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      if (this.available === 0) {
        this.base += this.buf.length;
        this.buf = EMPTY;
        this.pos = 0;
        if (this.deferred) await this.pull(); // throws it
        const r = this.ended_ ? null : await this.it.next();
        if (!r || r.done) {
          this.ended_ = true;
          break;
        }
        this.buf = r.value;
      }
      const take = Math.min(need, this.available);
      parts.push(this.buf.subarray(this.pos, this.pos + take));
      this.pos += take;
      need -= take;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  /** Skip n bytes without keeping them; returns how many were skipped (fewer at end of stream). */
  async skip(n: number): Promise<number> {
    let need = n;
    while (need > 0) {
      if (this.available === 0 && !(await this.pull())) break;
      const take = Math.min(need, this.available);
      this.pos += take;
      need -= take;
    }
    return n - need;
  }
}
