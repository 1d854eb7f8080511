// The page decompressors the Parquet reader hands hyparquet: Node's own zlib for GZIP and BROTLI (native,
// several times faster than the JavaScript ports), hyparquet-compressors for SNAPPY (hysnappy, WASM), ZSTD
// (fzstd) and LZ4 / LZ4_RAW. UNCOMPRESSED needs none.

import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Compressors } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

function checkedLength(out: Uint8Array, expected: number, codec: string): Uint8Array {
  if (out.length !== expected) throw new Error(`${codec} page decompressed to ${out.length} bytes, its header says ${expected}`);
  return out;
}

export const parquetCompressors: Compressors = {
  ...compressors,
  GZIP: (input, length) => checkedLength(gunzipSync(input, { maxOutputLength: Math.max(1, length) }), length, 'GZIP'),
  BROTLI: (input, length) => checkedLength(brotliDecompressSync(input, { maxOutputLength: Math.max(1, length) }), length, 'BROTLI'),
};
