// MinHash buckets step: one task per band. Merges the band's sorted signature files of every rank (and
// of the index runs) and emits candidate pairs for equal band hashes. With `verifyThreshold` > 0 a
// candidate is kept only when the two documents' minima agree on at least that fraction (an estimate
// of their Jaccard similarity): each bucket member is linked to the first earlier member it verifies
// against (at most MAX_REPS tried), so one dissimilar member does not hide a true pair. Index–index
// pairs are skipped.

import { DedupLayout } from '../layout.js';
import { byWords, RecordMerger } from '../machinery/merge.js';
import { RecordKind, RecordLookup, RecordStream, RecordWriter } from '../machinery/record-file.js';
import { removeOwnTemps } from '../files.js';
import type { IndexSource } from '../index-runs.js';

/** Earlier bucket members a new member is verified against before it starts its own group. */
const MAX_REPS = 32;

export interface SignatureSource {
  file: string;
  minima: string;
  /** Producer for error messages (step null = the collect stage of segment task `rank`). */
  producer: { stageName: string; step: string | null; rank: number };
  isIndex: boolean;
}

/** Source numbering shared by buckets and clusters: this run's ranks 0..W-1, then index files. */
export function signatureSources(layout: DedupLayout, band: number, worldSize: number, index: IndexSource[]): SignatureSource[] {
  const out: SignatureSource[] = [];
  for (let r = 0; r < worldSize; r++) {
    out.push({ file: layout.sig(band, r), minima: layout.minima(r), producer: { stageName: layout.stageName, step: null, rank: r }, isIndex: false });
  }
  for (const ix of index) {
    for (let r = 0; r < ix.worldSize; r++) {
      out.push({ file: ix.layout.sig(band, r), minima: ix.layout.minima(r), producer: { stageName: `${ix.dir} (index)`, step: null, rank: r }, isIndex: true });
    }
  }
  return out;
}

export interface BucketResult {
  /** Pairs written. */
  pairs: number;
  /** Candidate pairs rejected by verification. */
  rejected: number;
}

export function runBuckets(layout: DedupLayout, band: number, worldSize: number, index: IndexSource[], verifyThreshold: number): BucketResult {
  const sources = signatureSources(layout, band, worldSize, index);
  const target = layout.pairs(band);
  removeOwnTemps(target);
  const chunk = Math.max(1024, Math.min(1 << 16, Math.floor((1 << 24) / sources.length)));
  const streams: RecordStream[] = [];
  const lookups: (RecordLookup | undefined)[] = [];
  const writer = new RecordWriter(target, RecordKind.Pairs, 4);
  let pairs = 0, rejected = 0;

  const lookup = (src: number): RecordLookup =>
    (lookups[src] ??= new RecordLookup(sources[src].minima, sources[src].producer, RecordKind.Minima));
  let cachedA = -1, cachedIdxA = -1;
  let sigA = new Uint32Array(0);
  const similar = (sa: number, ia: number, sb: number, ib: number): boolean => {
    if (verifyThreshold <= 0) return true;
    if (sa !== cachedA || ia !== cachedIdxA) {
      sigA = lookup(sa).get(ia).slice();
      [cachedA, cachedIdxA] = [sa, ia];
    }
    const sigB = lookup(sb).get(ib);
    const n = sigA.length - 1;
    if (sigB.length - 1 !== n) throw new Error(`${sources[sb].minima}: ${sigB.length - 1} minima per document, expected ${n}`);
    let equal = 0;
    for (let k = 0; k < n; k++) if (sigA[k] === sigB[k]) equal++;
    return equal >= verifyThreshold * n;
  };

  // members of the current bucket that started a group: (source, index) pairs
  const reps: number[] = [];
  try {
    for (const s of sources) streams.push(new RecordStream(s.file, s.producer, RecordKind.Signatures, chunk));
    const merger = new RecordMerger(streams, byWords(2));
    let have = false, hi = 0, lo = 0;
    while (merger.next()) {
      const d = merger.data, at = merger.at, src = merger.source, idx = d[at + 2];
      if (!(have && d[at] === hi && d[at + 1] === lo)) {
        have = true;
        hi = d[at];
        lo = d[at + 1];
        reps.length = 0;
        reps.push(src, idx);
        continue;
      }
      let linked = false;
      for (let k = 0; k < reps.length && k < 2 * MAX_REPS; k += 2) {
        if (sources[reps[k]].isIndex && sources[src].isIndex) continue;
        if (similar(reps[k], reps[k + 1], src, idx)) {
          writer.push(reps[k], reps[k + 1], src, idx);
          pairs++;
          linked = true;
          break;
        }
        rejected++;
      }
      if (!linked) reps.push(src, idx);
    }
    writer.commit({ docCount: 0, part: band, rank: band });
  } finally {
    writer.abort();
    for (const s of streams) s.close();
    for (const l of lookups) l?.close();
  }
  return { pairs, rejected };
}
