// The registries a run resolves names against: readers by format, stages by type. Each folder exports
// its definitions; this file is the one place that gathers them. Stages from users' modules are looked up
// among the modules this process loaded (custom/load.ts).

import type { Registries } from './config/resolve.js';
import { StageRegistry } from './custom/registry.js';
import { readerRegistry, detectFormat } from './readers/index.js';
import { definitions as extractStages } from './extract/index.js';
import { definitions as filterStages } from './filters/index.js';
import { definitions as langidStages } from './filters/langid/index.js';
import { definitions as dedupStages } from './dedup/index.js';
import { definitions as tokenizeStages } from './tokenize/stage.js';

let cached: Registries | undefined;

export function defaultRegistries(): Registries {
  if (cached) return cached;
  const stages = new StageRegistry();
  for (const def of [...extractStages, ...langidStages, ...filterStages, ...dedupStages, ...tokenizeStages]) stages.register(def.type, def);
  cached = { readers: readerRegistry, stages, detectFormat };
  return cached;
}
