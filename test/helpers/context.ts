// A StageContext for tests: fresh stats, a logger that remembers its lines, rank 0 of 1.

import { memoryLogger, type Logger } from '../../lib/log.js';
import type { StageContext } from '../../pipeline/core/stage.js';
import { StatsRecorder, totalDropped } from '../../pipeline/core/stats.js';

export type TestContext = StageContext & { log: Logger & { lines: string[] }; stats: StatsRecorder };

export function makeTestContext(overrides: Partial<StageContext> = {}): TestContext {
  return {
    rank: 0,
    worldSize: 1,
    runDir: '/nonexistent-run-dir',
    stageName: 'test',
    stats: new StatsRecorder(),
    log: memoryLogger(),
    signal: new AbortController().signal,
    seed: 1,
    ...overrides,
  } as TestContext;
}

/** Sum of all drops, all stages. */
export function droppedCount(ctx: StageContext): number {
  return Object.values(totalDropped(ctx.stats.snapshot())).reduce((a, b) => a + b, 0);
}

/** Collect an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
