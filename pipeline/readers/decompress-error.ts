// The error a reader gets when a compressed input stops early or does not decode, and the compressions
// sniffed (kept apart from decompress.ts so the per-format decoders and the remote reader use them without
// importing each other).

/** What `sniffCompression` finds in a file's first bytes. */
export type Compression = 'gzip' | 'zstd' | 'none';

export type CompressionFailure =
  | 'truncated_gzip'
  | 'corrupt_gzip'
  | 'truncated_zstd'
  | 'corrupt_zstd'
  | 'unsupported_compression'
  /** a remote object that changed while it was read (another ETag or size on resume) */
  | 'object_changed'
  /** a remote read that failed after every retry */
  | 'download_failed';

/** A compressed stream that stops early or does not decode. `offset` is in compressed bytes. */
export class CompressedInputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: CompressionFailure,
    /** Compressed byte offset at which decoding failed (gzip: exact at end of file, else within the 1 MiB read). */
    readonly offset: number,
    /** Decompressed bytes produced before the failure. */
    readonly decompressedOffset: number,
    /** What the decompressor said. */
    readonly detail: string,
  ) {
    super(`${path}:${offset}: ${reason.replace('_', ' ')} (${detail}) after ${decompressedOffset} decompressed bytes`);
    this.name = 'CompressedInputError';
  }
}
