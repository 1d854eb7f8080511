// The barrier stage itself: first stage of the segment after the barrier. It rereads the rank's
// documents in segment order and drops those listed in the removal files the global steps wrote.

import type { Stage } from '../core/stage.js';
import { readRecords, RecordKind, type Producer } from './machinery/record-file.js';

/** Reason codes stored next to each removed index in the removal lists (index into `reasons`). */
export const REMOVED_DUPLICATE = 0;
export const REMOVED_BY_INDEX = 1;

export interface RemovalSource {
  file: string;
  producer: Producer;
}

/**
 * Drop listed documents. `reasons[k]` is the drop reason for reason code k stored in the lists.
 * Throws when the segment holds a different number of documents than the collect stage saw.
 */
export function removalFilter(stageName: string, sources: (rank: number) => RemovalSource[], reasons: readonly string[]): Stage {
  return async function* filter(docs, ctx) {
    // merge the (already sorted) lists of all sources into one sorted (index, reason) list
    let docCount = -1;
    const entries: number[] = [];
    for (const s of sources(ctx.rank)) {
      const { header, data } = readRecords(s.file, s.producer, RecordKind.Removals);
      if (docCount >= 0 && header.docCount !== docCount) throw new Error(`${s.file}: counts ${header.docCount} documents, other removal lists count ${docCount}`);
      docCount = header.docCount;
      for (let i = 0; i < data.length; i += 2) entries.push(data[i], data[i + 1]);
    }
    const order = Array.from({ length: entries.length / 2 }, (_, i) => i).sort((a, b) => entries[2 * a] - entries[2 * b]);
    const drop = new Uint32Array(order.length);
    const why = new Uint8Array(order.length);
    order.forEach((o, i) => {
      drop[i] = entries[2 * o];
      why[i] = entries[2 * o + 1];
    });
    let idx = 0, next = 0;
    for await (const doc of docs) {
      if (next < drop.length && drop[next] === idx) {
        ctx.stats.drop(ctx.stageName, reasons[why[next]]);
        next++;
      } else {
        yield doc;
      }
      idx++;
    }
    if (docCount >= 0 && idx !== docCount) {
      throw new Error(
        `${stageName} rank ${ctx.rank}: the segment holds ${idx} documents but the dedup collect stage saw ${docCount}; the segment file and the dedup files come from different attempts — rerun that segment task`,
      );
    }
  };
}
