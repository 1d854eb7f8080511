// The registries a run resolves names against: readers by format, stages by type. Each folder exports
// its definitions; this file is the one place that gathers them.

import type { Registries } from './config/resolve.js';
import { Registry } from './core/registry.js';
import type { ReaderDefinition } from './core/reader.js';
import type { StageDefinition } from './core/stage.js';

let cached: Registries | undefined;

export function defaultRegistries(): Registries {
  if (cached) return cached;
  const readers = new Registry<ReaderDefinition>('reader format');
  const stages = new Registry<StageDefinition>('stage type');
  cached = {
    readers,
    stages,
    detectFormat: (file) => {
      throw new Error(`cannot tell the format of ${file}`);
    },
  };
  return cached;
}
