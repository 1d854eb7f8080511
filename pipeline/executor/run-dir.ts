// Creating or reopening a run directory: the resolved config and the plan are written once; a rerun of
// the same config resumes, a different config in the same folder is refused unless --force.

import { promises as fs } from 'node:fs';
import type { ResolvedConfig } from '../config/schema.js';
import { configHash, type Registries } from '../config/resolve.js';
import { describeConfigChange } from './config-change.js';
import { ConfigError } from '../../lib/config-errors.js';
import { exists, writeJsonAtomic } from '../../lib/atomic.js';
import { buildPlan, type Plan } from '../runner/plan.js';
import { runPaths } from '../runner/layout.js';
import { pushFiles, remoteOf, REMOTE_FILE } from '../runner/remote-run.js';

export interface OpenedRun {
  runDir: string;
  config: ResolvedConfig;
  plan: Plan;
  /** True when the folder already held this run (tasks with markers will be skipped). */
  resumed: boolean;
}

export async function openRunDir(runDir: string, cfg: ResolvedConfig, reg: Registries, force: boolean): Promise<OpenedRun> {
  const configFile = runPaths.config(runDir);
  let resumed = false;
  if (await exists(configFile)) {
    if (force) {
      // a mirror of a bucket's run is emptied by openMirror({ force }), which also knows the bucket
      if (remoteOf(runDir) !== undefined) throw new Error(`${runDir} mirrors ${remoteOf(runDir)}: start it over with openMirror(url, { force: true })`);
      await fs.rm(runDir, { recursive: true, force: true });
    } else {
      const old = JSON.parse(await fs.readFile(configFile, 'utf8')) as ResolvedConfig;
      if (configHash(old) !== configHash(cfg)) {
        throw new ConfigError(
          `${runDir} already holds a run of a different config (${describeConfigChange(old, cfg)}); rerun with the config ` +
            'it was made with to resume it, pass --force to start over there (its outputs are deleted), or choose another --out',
        );
      }
      resumed = true;
    }
  } else if ((await exists(runDir)) && (await fs.readdir(runDir)).some((n) => n !== REMOTE_FILE) && !force) {
    throw new ConfigError(`${runDir} exists and is not a biglm run directory; choose another --out or pass --force`);
  }
  await fs.mkdir(runDir, { recursive: true });
  const plan = buildPlan(cfg, runDir, reg);
  if (!resumed) {
    await writeJsonAtomic(configFile, cfg);
    await writeJsonAtomic(runPaths.plan(runDir), {
      worldSize: plan.worldSize,
      steps: plan.steps.map((s) => ({ name: s.name, kind: s.kind, worldSize: s.worldSize })),
      rankFiles: plan.rankFiles.map((ix) => ix.map((i) => cfg.inputs[i])),
    });
    await pushFiles(runDir, ['config.json', 'plan.json']);
  }
  return { runDir, config: cfg, plan, resumed };
}
