// The stage registry a run resolves types against: the registered stage types, and the stages from users'
// modules that this process has loaded (custom/load.ts). An unknown name fails loudly, as every registry does.

import { Registry } from '../../lib/registry.js';
import type { StageDefinition } from '../core/stage.js';
import { loadedModuleStage } from './load.js';
import { isModuleRef } from './module-ref.js';

export class StageRegistry extends Registry<StageDefinition> {
  constructor() {
    super('stage type');
  }

  override get(name: string): StageDefinition {
    if (!isModuleRef(name)) return super.get(name);
    const def = loadedModuleStage(name);
    if (!def) throw new Error(`stage module ${name} is not loaded in this process: resolve the config (resolveConfig) or load the run (loadRun) first`);
    return def;
  }

  override has(name: string): boolean {
    return isModuleRef(name) ? loadedModuleStage(name) !== undefined : super.has(name);
  }
}
