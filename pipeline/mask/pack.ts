// Packing: documents become `[BOS] doc [EOS]` and are laid end to end in rows of exactly seqLen tokens.
// A document longer than what is left of a row is cut at the row boundary; each piece is its own segment
// in its own row (the first piece keeps BOS, the last keeps EOS), so no attention crosses rows and no
// tokens are thrown away. The last row of a shard is padded with [PAD].

export interface PackedRow {
  /** Original token ids of the row (seqLen long, [PAD] after `used`). */
  tokens: Int32Array;
  /** Non-pad tokens in the row. */
  used: number;
  /** Number of segments; segment k occupies [segStart[k], segStart[k] + segLength[k]). */
  segments: number;
  segStart: Int32Array;
  segLength: Int32Array;
  hasBos: Uint8Array;
  hasEos: Uint8Array;
}

export class RowPacker {
  readonly row: PackedRow;

  constructor(
    readonly seqLen: number,
    private readonly bosId: number,
    private readonly padId: number,
  ) {
    // A row holds at most seqLen segments (each at least one token).
    this.row = {
      tokens: new Int32Array(seqLen),
      used: 0,
      segments: 0,
      segStart: new Int32Array(seqLen),
      segLength: new Int32Array(seqLen),
      hasBos: new Uint8Array(seqLen),
      hasEos: new Uint8Array(seqLen),
    };
  }

  /**
   * Append one document (`doc[from, to)`, ending with EOS) and call `onRow` for every row it fills. The row
   * object is reused: `onRow` must copy what it keeps before returning.
   */
  add(doc: ArrayLike<number>, from: number, to: number, onRow: (row: PackedRow) => void): void {
    const row = this.row;
    const total = to - from + 1; // BOS + the document's tokens
    let done = 0; // tokens of [BOS] doc already placed
    while (done < total) {
      const take = Math.min(total - done, this.seqLen - row.used);
      const k = row.segments++;
      row.segStart[k] = row.used;
      row.segLength[k] = take;
      row.hasBos[k] = done === 0 ? 1 : 0;
      row.hasEos[k] = done + take === total ? 1 : 0;
      let p = row.used;
      let i = done;
      if (i === 0) {
        row.tokens[p++] = this.bosId;
        i = 1;
      }
      for (; i < done + take; i++) row.tokens[p++] = doc[from + i - 1];
      row.used += take;
      done += take;
      if (row.used === this.seqLen) this.emit(onRow);
    }
  }

  /** Pad and emit the partly filled last row, if any. */
  flush(onRow: (row: PackedRow) => void): void {
    if (this.row.used === 0) return;
    this.row.tokens.fill(this.padId, this.row.used);
    this.emit(onRow);
  }

  private emit(onRow: (row: PackedRow) => void): void {
    onRow(this.row);
    this.row.used = 0;
    this.row.segments = 0;
  }
}
