// The runner's view of every stage: documents and characters in and out, and the time spent inside the stage.

import type { Doc } from '../core/doc.js';
import type { Stage } from '../core/stage.js';
import type { LengthProbe } from '../report/collect.js';

/**
 * Count every stage's documents in and out and the time spent inside it (upstream and downstream time
 * excluded), so a stage itself only records drops and its own counters. The characters of text in and
 * out (counters `chars_in`, `chars_out`) are summed in locals and added once at the end: the report's
 * funnel needs them, and a string's length costs nothing while its UTF-8 byte count (~2 µs per e-mail
 * sized document, per stage) would add several percent to a run.
 */
export function instrument(stage: Stage, countDocs = true, probes: { in?: LengthProbe; out?: LengthProbe } = {}): Stage {
  return (docs, ctx) => {
    const s = ctx.stats.stage(ctx.stageName);
    let upstreamMs = 0;
    let charsIn = 0;
    let charsOut = 0;
    const addChars = (counter: 'chars_in' | 'chars_out', n: number) => {
      if (countDocs) s.counters[counter] = (s.counters[counter] ?? 0) + n;
    };
    async function* counted(): AsyncIterable<Doc> {
      const it = docs[Symbol.asyncIterator]();
      try {
        for (;;) {
          const t = performance.now();
          const r = await it.next();
          upstreamMs += performance.now() - t;
          if (r.done) return;
          if (countDocs) s.in++;
          charsIn += r.value.text.length;
          probes.in?.add(r.value);
          yield r.value;
        }
      } finally {
        addChars('chars_in', charsIn);
        probes.in?.flush();
      }
    }
    return (async function* () {
      const it = stage(counted(), ctx)[Symbol.asyncIterator]();
      try {
        for (;;) {
          const t = performance.now();
          const before = upstreamMs;
          const r = await it.next();
          s.ms += performance.now() - t - (upstreamMs - before);
          if (r.done) return;
          if (countDocs) s.out++;
          charsOut += r.value.text.length;
          probes.out?.add(r.value);
          yield r.value;
        }
      } finally {
        addChars('chars_out', charsOut);
        probes.out?.flush();
      }
    })();
  };
}
