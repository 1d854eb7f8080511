// Split a byte stream into lines without decoding it: Buffer.indexOf(10) over each chunk, joining only the
// pieces of a line that spans chunks. A line longer than `maxBytes` is not buffered: its pieces are
// dropped as they stream past and it comes out as `{ bytes: null }` with its length, so one 50 MB line
// costs no more memory than a short one.

export interface Line {
  /** The line without its '\n' (a trailing '\r' is kept; JSON.parse ignores it). Null when too long. */
  bytes: Buffer | null;
  /** 1-based line number. */
  lineNo: number;
  /** Byte offset of the line's first byte in the (decompressed) stream. */
  offset: number;
  /** Length in bytes without the '\n'. */
  length: number;
}

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let partLen = 0;
  let tooLong = false;
  let lineNo = 0;
  let offset = 0; // offset of the current line's start
  for await (const chunk of chunks) {
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      const len = partLen + (nl - pos);
      lineNo++;
      let bytes: Buffer | null = null;
      if (!tooLong && len <= maxBytes) {
        bytes = partLen === 0 ? chunk.subarray(pos, nl) : Buffer.concat([...parts, chunk.subarray(pos, nl)], len);
      }
      yield { bytes, lineNo, offset, length: len };
      offset += len + 1;
      parts = [];
      partLen = 0;
      tooLong = false;
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      const rest = chunk.length - pos;
      if (!tooLong && partLen + rest > maxBytes) {
        tooLong = true;
        parts = []; // stop keeping this line: its length is all we still need
      }
      if (!tooLong) parts.push(chunk.subarray(pos));
      partLen += rest;
    }
  }
  if (partLen > 0) {
    lineNo++;
    yield { bytes: tooLong ? null : Buffer.concat(parts, partLen), lineNo, offset, length: partLen };
  }
}
