// MinHash buckets step: one task per band. Merges the band's sorted signature files of every rank (and
// of the index runs) and emits candidate pairs for equal band hashes: each member of a bucket is paired
// with the bucket's first member (a star is enough for union-find). Index–index pairs are skipped.

import { DedupLayout } from './layout.js';
import { byWords, RecordMerger } from './merge.js';
import { RecordKind, RecordStream, RecordWriter } from './record-file.js';
import { removeOwnTemps } from './files.js';
import type { IndexSource } from './index-runs.js';

export interface SignatureSource {
  file: string;
  /** Producer for error messages (step null = the collect stage of segment task `rank`). */
  producer: { stageName: string; step: string | null; rank: number };
  isIndex: boolean;
}

/** Source numbering shared by buckets and clusters: this run's ranks 0..W-1, then index files. */
export function signatureSources(layout: DedupLayout, band: number, worldSize: number, index: IndexSource[]): SignatureSource[] {
  const out: SignatureSource[] = [];
  for (let r = 0; r < worldSize; r++) out.push({ file: layout.sig(band, r), producer: { stageName: layout.stageName, step: null, rank: r }, isIndex: false });
  for (const ix of index) {
    for (let r = 0; r < ix.worldSize; r++) {
      out.push({ file: ix.layout.sig(band, r), producer: { stageName: `${ix.dir} (index)`, step: null, rank: r }, isIndex: true });
    }
  }
  return out;
}

export function runBuckets(layout: DedupLayout, band: number, worldSize: number, index: IndexSource[]): { pairs: number } {
  const sources = signatureSources(layout, band, worldSize, index);
  const target = layout.pairs(band);
  removeOwnTemps(target);
  const chunk = Math.max(1024, Math.min(1 << 16, Math.floor((1 << 24) / sources.length)));
  const streams: RecordStream[] = [];
  const writer = new RecordWriter(target, RecordKind.Pairs, 4);
  let pairs = 0;
  try {
    for (const s of sources) streams.push(new RecordStream(s.file, s.producer, RecordKind.Signatures, chunk));
    const merger = new RecordMerger(streams, byWords(2));
    let have = false;
    let hi = 0, lo = 0, anchorSrc = 0, anchorIdx = 0, anchorIsIndex = false;
    while (merger.next()) {
      const d = merger.data, at = merger.at, src = merger.source;
      if (have && d[at] === hi && d[at + 1] === lo) {
        const isIndex = sources[src].isIndex;
        if (!(anchorIsIndex && isIndex)) {
          writer.push(anchorSrc, anchorIdx, src, d[at + 2]);
          pairs++;
        }
      } else {
        have = true;
        hi = d[at];
        lo = d[at + 1];
        anchorSrc = src;
        anchorIdx = d[at + 2];
        anchorIsIndex = sources[src].isIndex;
      }
    }
    writer.commit({ docCount: 0, part: band, rank: band });
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    for (const s of streams) s.close();
  }
  return { pairs };
}
