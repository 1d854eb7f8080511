// The model configuration as the model code uses it: the training config's model section with its defaults
// and the derived SwiGLU width. The schemas of the config file are in formats/train-config/schema.ts.

import type { z } from 'zod';
import { ModelConfigSchema, type ModelConfigInput } from '../formats/train-config/schema.js';

export { ModelConfigSchema, OptimConfigSchema, TrainConfigSchema } from '../formats/train-config/schema.js';
export type { ModelConfigInput, OptimConfig, TrainConfigInput, TrainConfig } from '../formats/train-config/schema.js';

export type ModelConfig = z.output<typeof ModelConfigSchema> & { ffnWidth: number };

/** Fills in defaults and the derived SwiGLU width, and checks the shapes fit together. */
export function resolveModelConfig(input: ModelConfigInput): ModelConfig {
  const c = ModelConfigSchema.parse(input);
  if (c.dModel % c.nHeads !== 0) {
    throw new Error(`model.dModel (${c.dModel}) must be divisible by model.nHeads (${c.nHeads})`);
  }
  const ffnWidth = c.ffnWidth ?? Math.max(64, Math.floor((8 * c.dModel) / 3 / 64) * 64);
  return { ...c, ffnWidth };
}

/** Rotary dimensions per head: the configured fraction of the head size, rounded down to even. */
export function rotaryDims(c: ModelConfig): number {
  const headDim = c.dModel / c.nHeads;
  return Math.floor((headDim * c.rotaryFraction) / 2) * 2;
}
