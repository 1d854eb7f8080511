// A resolved config → the steps of a run. The stage list is cut into segments at every barrier stage
// (dedup); each barrier contributes its global steps between the segments. Every step is a set of tasks
// (step, rank, worldSize); the plan is recomputed identically by every task from config.json.

import * as path from 'node:path';
import type { ResolvedConfig, ResolvedStage } from '../config/schema.js';
import type { Registries } from '../config/resolve.js';
import type { GlobalStep, StageSetup } from '../core/stage.js';
import { TOKENIZE_STAGE } from '../tokenize/stage.js';

export interface SegmentPlan {
  index: number;
  /** Barrier stage whose own (filter) stage starts this segment. */
  opensWith?: ResolvedStage;
  /** Regular stages, in order. */
  stages: ResolvedStage[];
  /** Barrier stage whose collect stage ends this segment. */
  closesWith?: ResolvedStage;
  /** The last segment holds tokenize and writes shards (and the text output); the others write `segments/<k>/<rank>.jsonl`. */
  last: boolean;
  /** This segment starts after the BPE vocabulary was trained on the previous segment's documents. */
  afterTokenizerTraining?: boolean;
}

export type StepPlan =
  | { name: string; kind: 'segment'; worldSize: number; segment: number }
  | { name: string; kind: 'global'; worldSize: number; barrier: string; step: string }
  | { name: typeof TOKENIZER_TRAIN_STEP; kind: 'tokenizer'; worldSize: 1 }
  | { name: 'finalize'; kind: 'finalize'; worldSize: 1 };

export interface Plan {
  worldSize: number;
  /** Input file indices of every rank of the segment steps: files[rank::worldSize]. */
  rankFiles: number[][];
  segments: SegmentPlan[];
  steps: StepPlan[];
}

/** The global step that trains the run's BPE vocabulary (config `tokenizer.train`). */
export const TOKENIZER_TRAIN_STEP = 'tokenizer.train';

export function segmentStepName(k: number): string {
  return `seg${k}`;
}

/** The encoding a run tokenizes with: the vocabulary it trained, or the configured one. */
export function runEncodingName(cfg: ResolvedConfig, runDir: string): string {
  return cfg.tokenizer.train ? path.join(runDir, 'tokenizer') : cfg.tokenizer.name;
}

export function stageSetup(cfg: ResolvedConfig, runDir: string, stageName: string): StageSetup {
  return { runDir, stageName, configDir: cfg.configDir, seed: cfg.seed, encoding: runEncodingName(cfg, runDir) };
}

export function buildPlan(cfg: ResolvedConfig, runDir: string, reg: Registries): Plan {
  const worldSize = cfg.tasks;
  const rankFiles: number[][] = Array.from({ length: worldSize }, () => []);
  cfg.inputs.forEach((_f, i) => rankFiles[i % worldSize].push(i));

  const segments: SegmentPlan[] = [];
  let current: SegmentPlan = { index: 0, stages: [], last: false };
  for (const stage of stagesWithTokenize(cfg.stages)) {
    if (stage.type === TOKENIZE_STAGE && cfg.tokenizer.train) {
      // Training needs every kept document first: one more boundary, then the segment that tokenizes.
      segments.push(current);
      current = { index: segments.length, stages: [], last: false, afterTokenizerTraining: true };
    }
    if (reg.stages.get(stage.type).barrier) {
      current.closesWith = stage;
      segments.push(current);
      current = { index: segments.length, opensWith: stage, stages: [], last: false };
    } else {
      current.stages.push(stage);
    }
  }
  current.last = true;
  segments.push(current);

  const steps: StepPlan[] = [];
  for (const seg of segments) {
    if (seg.afterTokenizerTraining) steps.push({ name: TOKENIZER_TRAIN_STEP, kind: 'tokenizer', worldSize: 1 });
    if (seg.opensWith) {
      for (const g of globalSteps(cfg, runDir, reg, seg.opensWith, worldSize)) {
        steps.push({ name: g.planName, kind: 'global', worldSize: g.step.worldSize, barrier: seg.opensWith.name, step: g.step.name });
      }
    }
    steps.push({ name: segmentStepName(seg.index), kind: 'segment', worldSize, segment: seg.index });
  }
  steps.push({ name: 'finalize', kind: 'finalize', worldSize: 1 });
  const names = new Set<string>();
  for (const s of steps) {
    if (names.has(s.name)) throw new Error(`two steps of the plan are named '${s.name}'`);
    names.add(s.name);
  }
  return { worldSize, rankFiles, segments, steps };
}

/** The config's stages, with tokenize placed after the last one when the config does not place it (resolve.ts checks it is last). */
export function stagesWithTokenize(stages: readonly ResolvedStage[]): ResolvedStage[] {
  return stages.some((s) => s.type === TOKENIZE_STAGE) ? [...stages] : [...stages, { type: TOKENIZE_STAGE, name: TOKENIZE_STAGE, options: {} }];
}

/** The global steps of one barrier stage, with the names the plan gives them (`<stage>.<step>`). */
export function globalSteps(
  cfg: ResolvedConfig,
  runDir: string,
  reg: Registries,
  stage: ResolvedStage,
  segmentWorldSize: number,
): { planName: string; step: GlobalStep }[] {
  const def = reg.stages.get(stage.type);
  if (!def.barrier) throw new Error(`stage '${stage.name}' is not a barrier stage`);
  const setup = { ...stageSetup(cfg, runDir, stage.name), segmentWorldSize };
  return def.barrier.steps(stage.options, setup).map((step) => ({ planName: `${stage.name}.${step.name}`, step }));
}
