// MinHash collect: the last stage of the segment before the barrier. Documents pass through unchanged
// (the runner writes them to segments/<k>/<rank>.jsonl in this order, so a running counter is each
// document's index there). At the end it writes, per band, the sorted (band hash, index) records, the
// rank's order keys (fileIndex, position), and params.json.

import type { Stage, StageSetup } from '../../core/stage.js';
import { writeJsonAtomic } from '../../../lib/atomic.js';
import { DedupLayout } from '../layout.js';
import { MinHasher } from './minhash.js';
import { radixSortRecords, U32Buffer } from '../machinery/radix-sort.js';
import { RecordKind, RecordWriter, recordCheck, writeRecords } from '../machinery/record-file.js';
import { firstLine } from '../report.js';
import { writeFileAtomic } from '../../../lib/atomic.js';
import { hashingOptions, minhashParams, type MinHashOptions } from './minhash-options.js';

export function minhashCollect(options: MinHashOptions, setup: StageSetup): Stage {
  return async function* collect(docs, ctx) {
    const hasher = new MinHasher(minhashParams(options));
    const layout = new DedupLayout(setup.runDir, setup.stageName);
    const { bands } = options;
    const perBand = Array.from({ length: bands }, () => new U32Buffer(4096));
    const keys = new U32Buffer(4096);
    const meta: string[] = [];
    const out = new Uint32Array(bands * 2);
    // minima are written as they come (one record per document, in order) for random access later
    const numPerm = hasher.numPerm;
    const lows = new Uint32Array(numPerm + 1);
    const minima = new RecordWriter(layout.minima(ctx.rank), RecordKind.Minima, numPerm + 1, 256);
    let idx = 0;
    let tooShort = 0;
    try {
      for await (const doc of docs) {
        keys.push(doc.fileIndex, doc.position);
        if (options.dumpClusters) meta.push(JSON.stringify({ id: doc.id, first: firstLine(doc.text) }));
        lows.fill(0);
        const bh = hasher.bandHashes(doc.text, out, lows);
        if (bh) for (let b = 0; b < bands; b++) perBand[b].push3(bh[2 * b], bh[2 * b + 1], idx);
        else tooShort++;
        lows[numPerm] = recordCheck(lows, numPerm, idx);
        minima.pushAll(lows);
        idx++;
        yield doc;
      }
      minima.commit({ docCount: idx, part: 0, rank: ctx.rank });
    } finally {
      minima.abort(); // no-op after commit; removes the temp file if the stream failed or stopped early
    }
    const meta0 = { docCount: idx, rank: ctx.rank };
    for (let b = 0; b < bands; b++) {
      // idx was appended in increasing order and the sort is stable: ties stay ordered by index
      const sorted = radixSortRecords(perBand[b].view(), 3, [0, 1]);
      perBand[b] = new U32Buffer(1); // let the unsorted copy go before sorting the next band
      writeRecords(layout.sig(b, ctx.rank), RecordKind.Signatures, 3, sorted, { ...meta0, part: b });
    }
    writeRecords(layout.keys(ctx.rank), RecordKind.Keys, 2, keys.view(), { ...meta0, part: 0 });
    if (options.dumpClusters) await writeFileAtomic(layout.meta(ctx.rank), meta.join('\n') + (meta.length ? '\n' : ''));
    await writeJsonAtomic(layout.params(), { type: 'minhash_dedup', worldSize: ctx.worldSize, hashing: hashingOptions(options) });
    ctx.stats.count(ctx.stageName, 'minhash_signatures', idx - tooShort);
    ctx.stats.count(ctx.stageName, 'minhash_too_short', tooShort);
  };
}
