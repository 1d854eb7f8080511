// zstd decoded as a stream with bounded memory (fzstd, pure JavaScript). fzstd decodes every whole block
// in what it is given at once, and a zstd block can stand for 128 KiB from a few bytes: one 1 MiB read of a
// highly repetitive file (a 1 GB line of one repeated sentence) came out as a gigabyte before the reader saw
// any of it. So the compressed bytes go in slices sized from the ratio seen so far, each slice giving about
// TARGET_OUT bytes, and its output is passed on before the next slice goes in.

import { createReadStream } from 'node:fs';
import { Decompress } from 'fzstd';
import { CompressedInputError, type CompressionFailure } from './decompress-error.js';

const READ_CHUNK = 1 << 20;
const TARGET_OUT = 4 << 20;
const MIN_SLICE = 1 << 10;

export function unzstdChunks(path: string, state: { out: number }): AsyncGenerator<Buffer> {
  return unzstdSource(path, state, createReadStream(path, { highWaterMark: READ_CHUNK }));
}

/** The same bounded decoding over any source of compressed chunks (a local file, a remote object's stream). */
export async function* unzstdSource(path: string, state: { out: number }, source: AsyncIterable<Buffer | Uint8Array>): AsyncGenerator<Buffer> {
  let pending: Uint8Array[] = [];
  const dec = new Decompress((data) => {
    if (data.length) pending.push(data);
  });
  let consumed = 0;
  const push = (data: Uint8Array, final: boolean): void => {
    try {
      dec.push(data, final);
    } catch (e) {
      const err = e as Error & { code?: number };
      // fzstd error code 5 is "unexpected EOF": the stream stops inside a frame.
      const reason: CompressionFailure = err.code === 5 ? 'truncated_zstd' : 'corrupt_zstd';
      throw new CompressedInputError(path, reason, consumed, state.out, err.message);
    }
  };
  function* drain(): Generator<Buffer> {
    const out = pending;
    pending = [];
    for (const d of out) {
      state.out += d.length;
      yield Buffer.from(d.buffer, d.byteOffset, d.length);
    }
  }
  for await (const chunk of source) {
    const bytes = chunk as Uint8Array;
    for (let at = 0; at < bytes.length; ) {
      // Until output is seen, assume the worst: the first slices are small.
      const ratio = consumed >= 64 * MIN_SLICE ? Math.max(1, state.out / consumed) : TARGET_OUT / MIN_SLICE;
      const slice = Math.max(MIN_SLICE, Math.min(bytes.length - at, Math.floor(TARGET_OUT / ratio)));
      push(bytes.subarray(at, at + slice), false);
      at += slice;
      consumed += slice;
      yield* drain();
    }
  }
  push(new Uint8Array(0), true);
  yield* drain();
}
