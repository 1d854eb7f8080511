// One mutant through its reader, and what must hold for it: the reader does not throw (a throw ends the task:
// exit 1), read = kept + Σ dropped, and every read drop reason has a warning naming the file.

import { writeFileSync } from 'node:fs';
import { memoryLogger } from '../../lib/log.js';
import type { StageContext } from '../../pipeline/core/stage.js';
import { StatsRecorder } from '../../pipeline/core/stats.js';
import { readerRegistry } from '../../pipeline/readers/index.js';

export interface Outcome {
  read: number;
  kept: number;
  dropped: Record<string, number>;
  /** Set when the reader threw: the message and the first stack frame. */
  crash?: string;
  /** Set when an invariant does not hold. */
  broken?: string;
}

export async function readMutant(file: string, format: string, data: Buffer): Promise<Outcome> {
  writeFileSync(file, data);
  const stats = new StatsRecorder();
  const log = memoryLogger();
  const ctx: StageContext = { rank: 0, worldSize: 1, runDir: '/nonexistent', stageName: 'read', stats, log, signal: new AbortController().signal, seed: 1 };
  const reader = readerRegistry.get(format);
  let kept = 0;
  let crash: string | undefined;
  try {
    for await (const doc of reader.read({ path: file, fileIndex: 0 }, reader.schema.parse({}), ctx)) {
      if (typeof doc.text !== 'string') throw new Error(`document ${doc.id} has no string text`);
      kept++;
    }
  } catch (e) {
    const err = e as Error;
    crash = `${err?.name ?? 'Error'}: ${String(err?.message ?? e).slice(0, 200)} ${(err?.stack ?? '').split('\n')[1]?.trim() ?? ''}`;
  }
  const snapshot = stats.snapshot();
  const dropped = snapshot.stages.read?.dropped ?? {};
  const outcome: Outcome = { read: snapshot.read, kept, dropped, crash };
  if (crash) return outcome;
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  if (snapshot.read !== kept + droppedTotal) outcome.broken = `read ${snapshot.read} != kept ${kept} + dropped ${droppedTotal}`;
  for (const reason of Object.keys(dropped)) {
    const warned = log.lines.some((l) => l.includes(file) && (l.includes(`[${reason}]`) || l.includes(`${reason} ×`)));
    if (!warned) outcome.broken = `${outcome.broken ? `${outcome.broken}; ` : ''}drop ${reason} has no warning naming the file`;
  }
  return outcome;
}
