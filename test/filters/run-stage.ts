// Test helper: run one stage definition over documents with a real StatsRecorder and a temporary run
// directory, the way the runner will (options parsed by the stage's own schema).

import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Doc } from '../../pipeline/core/doc.js';
import type { StageDefinition, StageContext } from '../../pipeline/core/stage.js';
import { StatsRecorder } from '../../pipeline/core/stats.js';
import { memoryLogger } from '../../lib/log.js';
import { instrument } from '../../pipeline/runner/instrument.js';

// One scratch folder per test file (vitest loads this module once per file), removed after its tests.
const scratch = mkdtempSync(path.join(tmpdir(), 'biglm-filters-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh empty folder under the scratch folder. */
export function scratchDir(): string {
  return mkdtempSync(path.join(scratch, 'run-'));
}

export function doc(text: string, meta: Record<string, unknown> = {}, id = 'd0'): Doc {
  return { id, text, source: 'test.jsonl', fileIndex: 0, position: 0, meta };
}

export interface StageRun {
  kept: Doc[];
  stats: StatsRecorder;
  runDir: string;
  log: string[];
  dropped: Record<string, number>;
}

export async function runStage(def: StageDefinition, options: Record<string, unknown>, docs: Doc[], runDir?: string): Promise<StageRun> {
  const dir = runDir ?? scratchDir();
  const stats = new StatsRecorder();
  const log = memoryLogger();
  const setup = { runDir: dir, stageName: def.type, configDir: dir, seed: 1 };
  // Wrapped as the runner wraps every stage, which counts in/out and time.
  const stage = instrument(def.create(def.schema.parse(options), setup));
  const ctx: StageContext = { rank: 0, worldSize: 1, runDir: dir, stageName: def.type, stats, log, signal: new AbortController().signal, seed: 1 };
  async function* source() {
    for (const d of docs) yield d;
  }
  const kept: Doc[] = [];
  for await (const d of stage(source(), ctx)) kept.push(d);
  return { kept, stats, runDir: dir, log: log.lines, dropped: stats.stats.stages[def.type]?.dropped ?? {} };
}

/** The single drop reason of one document, or true when it is kept. */
export async function verdictOf(def: StageDefinition, options: Record<string, unknown>, text: string, meta: Record<string, unknown> = {}): Promise<true | string> {
  const r = await runStage(def, options, [doc(text, meta)]);
  if (r.kept.length === 1) return true;
  const reasons = Object.keys(r.dropped);
  if (reasons.length !== 1) throw new Error(`expected one drop reason, got ${JSON.stringify(r.dropped)}`);
  return reasons[0];
}
