// The training config file and the model and optimizer sections of it: zod schemas with the defaults
// (upstream BiGLM's, scaled down where noted) and a description next to every field. Config files hold only
// what differs. Among the file formats because more than the trainer reads it: a checkpoint records it
// (config.json), and `configJsonSchema` (pipeline/config/json-schema.ts, the library's and `biglm config
// schema`'s) documents it, where model/ is not imported.

import { z } from 'zod';
import { editorSchemaKey } from '../../lib/editor-schema-key.js';

export const ModelConfigSchema = z
  .object({
    vocabSize: z.number().int().positive().describe('rows of the embedding table: the manifest\'s tokenizer.embeddingSize (base vocabulary + [MASK] [BOS] [PAD], padded to 128)'),
    dModel: z.number().int().positive().default(256).describe('hidden size h'),
    nLayers: z.number().int().positive().default(4).describe('number of transformer blocks'),
    nHeads: z.number().int().positive().default(4).describe('attention heads; dModel must divide evenly'),
    ffnWidth: z.number().int().positive().optional().describe('SwiGLU inner width; default int(8h/3/64)·64 (upstream)'),
    rotaryFraction: z.number().min(0).max(1).default(0.25).describe('fraction of each head\'s dimensions that get rotary embeddings (rounded down to even)'),
    rotaryBase: z.number().positive().default(10000).describe('rotary frequency base'),
    norm: z.enum(['layernorm', 'rmsnorm']).default('layernorm').describe('normalization in blocks and heads'),
    normEps: z.number().positive().default(1e-5).describe('epsilon of the norms'),
    maxSeqLen: z.number().int().positive().default(128).describe('longest sequence (the manifest\'s seqLen); bounds rotary tables'),
    lengthClasses: z.number().int().min(0).default(0).describe('target-length classes of the length head (0 = no length head; typically seqLen)'),
    lengthLossWeight: z.number().min(0).default(0.1).describe('weight of the length head\'s cross-entropy in the loss'),
    dropout: z.number().min(0).max(1).default(0).describe('dropout on residual branches; 0 (default) keeps runs bit-reproducible, >0 is seeded per step'),
    initStd: z.number().positive().default(0.02).describe('std of the normal init of weights'),
  })
  .strict();
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

export const OptimConfigSchema = z
  .object({
    lr: z.number().positive().default(6e-4).describe('peak learning rate (after warmup)'),
    minLr: z.number().min(0).default(6e-5).describe('learning rate at the end of the cosine decay'),
    warmupSteps: z.number().int().min(0).default(100).describe('linear warmup steps from 0 to lr'),
    beta1: z.number().min(0).max(1).default(0.9).describe('AdamW β1'),
    beta2: z.number().min(0).max(1).default(0.95).describe('AdamW β2'),
    eps: z.number().positive().default(1e-8).describe('AdamW ε'),
    weightDecay: z.number().min(0).default(0.01).describe('decoupled weight decay, on matrices only (not norms or biases)'),
    gradClip: z.number().min(0).default(1.0).describe('clip gradients to this global L2 norm (0 = off)'),
  })
  .strict();
export type OptimConfig = z.output<typeof OptimConfigSchema>;

export const TrainConfigSchema = z
  .object({
    ...editorSchemaKey,
    examples: z.string().describe('directory of masked examples (manifest.json kind "biglm-examples")'),
    out: z.string().default('runs/train').describe('run directory: metrics.jsonl, loss.svg, checkpoints/'),
    seed: z.number().int().default(1234).describe('seed of the init, the data order and dropout'),
    steps: z.number().int().positive().default(300).describe('optimizer steps'),
    batchSize: z.number().int().positive().default(16).describe('sequences per step'),
    evalEvery: z.number().int().positive().default(50).describe('held-out loss every this many steps (and at the end)'),
    checkpointEvery: z.number().int().positive().default(100).describe('checkpoint every this many steps (and at the end)'),
    evalBatches: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('not used: every evaluation scores all held-out rows (accepted so older configs still parse)'),
    outputBiasInit: z
      .enum(['log-unigram', 'zeros'])
      .default('log-unigram')
      .describe(
        "start value of mlm_head.bias: 'log-unigram' = log of the training labels' smoothed unigram (step-0 loss = unigram cross-entropy, " +
          "so the tied embeddings do not spend the first steps learning token frequency); 'zeros' = upstream's init",
      ),
    keepCheckpoints: z.number().int().positive().default(2).describe('most recent checkpoints kept'),
    logEvery: z.number().int().positive().default(10).describe('print a progress line every this many steps'),
    backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto').describe('tfjs backend (auto: native TensorFlow if installed, else WebGPU on a hardware GPU adapter, else wasm, else cpu)'),
    model: ModelConfigSchema.omit({ vocabSize: true, maxSeqLen: true }).prefault({}).describe('model shape; vocabSize and maxSeqLen come from the examples manifest'),
    optim: OptimConfigSchema.prefault({}).describe('optimizer and schedule'),
  })
  .strict();
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;
export type TrainConfig = z.output<typeof TrainConfigSchema>;
