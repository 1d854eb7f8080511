// `index: [dir, …]` — dedup a new run against finished earlier runs without reprocessing them: their
// signature (or hash) files join the merge as extra sources, and any new document that lands in a
// group with an index document is removed. An entry may name a run directory or a stage's dedup
// folder (<run>/dedup/<stage>); the earlier stage must use the same hashing parameters.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DedupLayout } from './layout.js';

export interface StageParamsFile {
  type: 'minhash_dedup' | 'exact_dedup';
  /** Number of ranks (segment tasks) that wrote signature/hash files. */
  worldSize: number;
  /** Options that decide the hash values; must match between a run and its index. */
  hashing: Record<string, unknown>;
}

export interface IndexSource {
  dir: string;
  layout: DedupLayout;
  worldSize: number;
}

function readParams(file: string): StageParamsFile {
  return JSON.parse(readFileSync(file, 'utf8')) as StageParamsFile;
}

export function resolveIndexSources(
  index: readonly string[],
  configDir: string,
  stageName: string,
  type: StageParamsFile['type'],
  hashing: Record<string, unknown>,
): IndexSource[] {
  return index.map((entry) => {
    const abs = path.resolve(configDir, entry);
    let stageDir: string | undefined;
    if (existsSync(path.join(abs, 'params.json'))) stageDir = abs;
    else if (existsSync(path.join(abs, 'dedup', stageName, 'params.json'))) stageDir = path.join(abs, 'dedup', stageName);
    else if (existsSync(path.join(abs, 'dedup'))) {
      const found = readdirSync(path.join(abs, 'dedup'))
        .map((s) => path.join(abs, 'dedup', s))
        .filter((d) => existsSync(path.join(d, 'params.json')) && readParams(path.join(d, 'params.json')).type === type);
      if (found.length === 1) stageDir = found[0];
      else if (found.length > 1) {
        throw new Error(`index '${entry}': ${found.length} ${type} stages in ${abs}/dedup; name one: ${found.map((f) => path.relative(configDir, f)).join(', ')}`);
      }
    }
    if (!stageDir) throw new Error(`index '${entry}': no finished ${type} stage under ${abs} (expected ${abs}/dedup/<stage>/params.json)`);
    const params = readParams(path.join(stageDir, 'params.json'));
    if (params.type !== type) throw new Error(`index '${entry}': ${stageDir} is a ${params.type} stage, this stage is ${type}`);
    if (JSON.stringify(params.hashing) !== JSON.stringify(hashing)) {
      throw new Error(
        `index '${entry}': hashing options differ, so its signatures cannot be compared: index ${JSON.stringify(params.hashing)} vs this stage ${JSON.stringify(hashing)}`,
      );
    }
    if (!existsSync(path.join(stageDir, 'report.json'))) {
      throw new Error(`index '${entry}': ${stageDir} has no report.json — that run's dedup did not finish`);
    }
    return { dir: stageDir, layout: DedupLayout.ofStageDir(stageDir, path.basename(stageDir)), worldSize: params.worldSize };
  });
}
