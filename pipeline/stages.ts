// The stage registry: every stage type a config can name. Each folder exports its definitions.

import { Registry } from './core/registry.js';
import type { StageDefinition } from './core/stage.js';

export const stageRegistry = new Registry<StageDefinition>('stage type');

export function registerStages(defs: readonly StageDefinition[]): void {
  for (const d of defs) stageRegistry.register(d.type, d);
}
