// Export to datatrove's tokenized file format (what its DocumentTokenizer writes and its
// DatatroveFolderDataset reads): `<prefix>.ds` with every token as little-endian uint16 (uint32 for
// vocabularies over 16 bits), `<prefix>.ds.index` with each document's end offset in tokens as uint64,
// and `<prefix>.ds.metadata` ("<tokenizer>|<token size>", the token count, the count in words).
// Documents keep their EOS at the end.
//
// The documents are shuffled the way DocumentTokenizer shuffles its file (shuffle_documents=True, its default):
// written in run order to a scratch file, then copied in the order `numpy.random.default_rng(seed).permutation`
// gives (numpy-permutation.ts), so with the same seed the files are the ones datatrove writes for the run's
// documents in one task. datatrove's own default seed is None (a new order each run); here it is always set.

import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { shardDocs } from '../../formats/token-shards/read.js';
import { writeFileAtomic } from '../../lib/atomic.js';
import type { SourceRun } from '../mix/source-run.js';
import { BinaryFile } from './binary-file.js';
import type { ExportSummary } from './megatron.js';
import { numpyPermutation } from './numpy-permutation.js';

export interface DatatroveExportOptions {
  /** Shuffle the documents as DocumentTokenizer does (default true); false keeps the run's order. */
  shuffle?: boolean;
  /** The seed of DocumentTokenizer's `default_rng(seed)` (default 0). */
  seed?: number;
}

export interface DatatroveSummary extends ExportSummary {
  tokenSize: 2 | 4;
  /** The seed of the shuffle, or null when the run's order was kept. */
  shuffleSeed: number | null;
}

export async function exportDatatrove(run: SourceRun, prefix: string, options: DatatroveExportOptions = {}): Promise<DatatroveSummary> {
  const shuffle = options.shuffle ?? true;
  const seed = options.seed ?? 0;
  const base = prefix.endsWith('.ds') ? prefix : `${prefix}.ds`;
  const tokenSize = run.manifest.tokenizer.tokenWidth === 16 ? 2 : 4;
  const ds = new BinaryFile(base);
  const index = new BinaryFile(`${base}.index`);
  const scratchPath = `${base}.unshuffled`;
  let scratch = shuffle ? new BinaryFile(scratchPath) : undefined;
  const end = new BigUint64Array(1);
  // Document ends in run order, kept only for the shuffled copy.
  const ends: number[] = [];
  let documents = 0;
  let tokens = 0;
  try {
    for (const shard of run.manifest.shards) {
      for await (const doc of shardDocs(path.join(run.dir, shard.path))) {
        tokens += doc.tokens.length;
        documents++;
        if (scratch) {
          scratch.write(doc.tokens);
          ends.push(tokens);
        } else {
          ds.write(doc.tokens);
          end[0] = BigInt(tokens);
          index.write(end);
        }
      }
    }
    if (scratch) {
      scratch.close();
      scratch = undefined;
      copyPermuted(scratchPath, ends, numpyPermutation(documents, seed), tokenSize, ds, index);
    }
  } catch (e) {
    ds.abort();
    index.abort();
    scratch?.abort();
    throw e;
  } finally {
    if (shuffle) rmSync(scratchPath, { force: true });
  }
  const files = [ds.close(), index.close()];
  const metadata = `${base}.metadata`;
  await writeFileAtomic(metadata, [`${run.manifest.tokenizer.name}|${tokenSize}`, String(tokens), humanTokens(tokens)].join('\n'));
  return { documents, tokens, tokenSize, files, shuffleSeed: shuffle ? seed : null };
}

/** TokenizedFile.copy: each document of the scratch file, in `order`, appended to the output with its new end. */
function copyPermuted(scratch: string, ends: number[], order: Uint32Array, tokenSize: number, ds: BinaryFile, index: BinaryFile): void {
  const fd = openSync(scratch, 'r');
  try {
    let buf = new Uint8Array(1 << 16);
    const end = new BigUint64Array(1);
    let written = 0;
    for (const id of order) {
      const start = id > 0 ? ends[id - 1] : 0;
      const bytes = (ends[id] - start) * tokenSize;
      if (bytes > buf.length) buf = new Uint8Array(bytes);
      let got = 0;
      while (got < bytes) {
        const n = readSync(fd, buf, got, bytes - got, start * tokenSize + got);
        if (n === 0) throw new Error(`${scratch}: ended at byte ${start * tokenSize + got}, expected ${ends[ends.length - 1] * tokenSize}`);
        got += n;
      }
      ds.write(buf.subarray(0, bytes));
      written += ends[id] - start;
      end[0] = BigInt(written);
      index.write(end);
    }
  } finally {
    closeSync(fd);
  }
}

/** "1.2 MT"-style count, as datatrove's metadata file shows it. */
function humanTokens(n: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let u = 0;
  let x = n;
  while (x >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${u === 0 ? x : x.toFixed(2)} ${units[u]}T`;
}
