// The runner's view of every stage: documents in and out and the time spent inside the stage.

import type { Doc } from '../core/doc.js';
import type { Stage } from '../core/stage.js';

/**
 * Count every stage's documents in and out and the time spent inside it (upstream and downstream time
 * excluded), so a stage itself only records drops and its own counters.
 */
export function instrument(stage: Stage, countDocs = true): Stage {
  return (docs, ctx) => {
    const s = ctx.stats.stage(ctx.stageName);
    let upstreamMs = 0;
    async function* counted(): AsyncIterable<Doc> {
      const it = docs[Symbol.asyncIterator]();
      for (;;) {
        const t = performance.now();
        const r = await it.next();
        upstreamMs += performance.now() - t;
        if (r.done) return;
        if (countDocs) s.in++;
        yield r.value;
      }
    }
    return (async function* () {
      const it = stage(counted(), ctx)[Symbol.asyncIterator]();
      for (;;) {
        const t = performance.now();
        const before = upstreamMs;
        const r = await it.next();
        s.ms += performance.now() - t - (upstreamMs - before);
        if (r.done) return;
        if (countDocs) s.out++;
        yield r.value;
      }
    })();
  };
}

