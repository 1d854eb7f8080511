// Export to Megatron-LM's indexed dataset (`<prefix>.bin` + `<prefix>.idx`, the layout of
// megatron/core/datasets/indexed_dataset.py): one sequence per document, EOS kept at its end, and
// document boundaries so Megatron's GPT/BERT datasets can sample by document. Streaming: tokens go
// straight to the .bin; sequence lengths go to a scratch file and are copied into the .idx at the end,
// so memory stays flat however many documents there are.
//
// .idx layout (little-endian): b"MMIDIDX\x00\x00", u64 version 1, u8 dtype code, u64 sequence count,
// u64 document-index count (documents + 1), i32[seq] lengths, i64[seq] byte pointers into the .bin,
// i64[docs + 1] document indices (sequence index where each document starts, then the total).

import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { shardDocs } from '../../formats/token-shards/read.js';
import type { SourceRun } from '../mix/source-run.js';
import { BinaryFile, type ExportedFile } from './binary-file.js';

export const MEGATRON_INDEX_HEADER = Uint8Array.from([0x4d, 0x4d, 0x49, 0x44, 0x49, 0x44, 0x58, 0x00, 0x00]); // "MMIDIDX\0\0"

/** Megatron's DType codes (indexed_dataset.py). */
export const MEGATRON_DTYPE = { uint8: 1, int8: 2, int16: 3, int32: 4, int64: 5, float64: 6, float32: 7, uint16: 8 } as const;

export interface ExportSummary {
  documents: number;
  tokens: number;
  files: ExportedFile[];
}

const CHUNK = 1 << 18; // entries per chunk while writing the index arrays

export async function exportMegatron(run: SourceRun, prefix: string): Promise<ExportSummary & { dtype: 'uint16' | 'int32' }> {
  // Vocabularies that fit 16 bits are stored as uint16 (code 8), larger ones as int32 (code 4), as Megatron's own preprocessing does.
  const dtype = run.manifest.tokenizer.tokenWidth === 16 ? 'uint16' : 'int32';
  const itemSize = dtype === 'uint16' ? 2 : 4;
  const bin = new BinaryFile(`${prefix}.bin`);
  const lengths = new BinaryFile(`${prefix}.idx.lengths`);
  let documents = 0;
  let tokens = 0;
  const one = new Int32Array(1);
  try {
    for (const shard of run.manifest.shards) {
      for await (const doc of shardDocs(path.join(run.dir, shard.path))) {
        bin.write(doc.tokens);
        one[0] = doc.tokens.length;
        lengths.write(one);
        documents++;
        tokens += doc.tokens.length;
      }
    }
  } catch (e) {
    bin.abort();
    lengths.abort();
    throw e;
  }
  const binFile = bin.close();
  const lengthsFile = lengths.close();

  const idx = new BinaryFile(`${prefix}.idx`);
  try {
    idx.write(MEGATRON_INDEX_HEADER);
    idx.write(BigUint64Array.of(1n));
    idx.write(Uint8Array.of(MEGATRON_DTYPE[dtype]));
    idx.write(BigUint64Array.of(BigInt(documents), BigInt(documents + 1)));
    // Sequence lengths: copied from the scratch file.
    forEachChunk(lengthsFile.path, (chunk) => idx.write(chunk));
    // Byte pointers: running sum of lengths × item size.
    const pointers = new BigInt64Array(CHUNK);
    let pointer = 0n;
    forEachChunk(lengthsFile.path, (chunk) => {
      for (let i = 0; i < chunk.length; i++) {
        pointers[i] = pointer;
        pointer += BigInt(chunk[i] * itemSize);
      }
      idx.write(pointers.subarray(0, chunk.length));
    });
    // Document indices: document d is sequence d, plus the closing entry.
    const docIndex = new BigInt64Array(CHUNK);
    for (let start = 0; start <= documents; start += CHUNK) {
      const n = Math.min(CHUNK, documents + 1 - start);
      for (let i = 0; i < n; i++) docIndex[i] = BigInt(start + i);
      idx.write(docIndex.subarray(0, n));
    }
  } catch (e) {
    idx.abort();
    throw e;
  } finally {
    rmSync(lengthsFile.path, { force: true });
  }
  const idxFile = idx.close();
  return { documents, tokens, dtype, files: [binFile, idxFile] };
}

function forEachChunk(file: string, fn: (chunk: Int32Array) => void): void {
  const fd = openSync(file, 'r');
  const buf = new Int32Array(CHUNK);
  const bytes = new Uint8Array(buf.buffer);
  try {
    let pos = 0;
    for (;;) {
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, pos + got);
        if (n === 0) break;
        got += n;
      }
      if (got === 0) break;
      fn(buf.subarray(0, got / 4));
      pos += got;
      if (got < bytes.length) break;
    }
  } finally {
    closeSync(fd);
  }
}
