// `pipeline([...steps])`: the list a datatrove user writes, checked for order and turned into the JSON config
// that `biglm prepare` reads. The user's own stages are located here (module URL + export name), so the
// config names them and every worker thread or Slurm task imports them. `Pipeline.fromConfigFile` takes a
// config file instead; both resolve through `resolveConfig`, like the CLI.

import * as path from 'node:path';
import { ConfigError } from '../lib/config-errors.js';
import { loadConfigFile, resolveConfig, type ConfigNotices, type Registries } from '../pipeline/config/resolve.js';
import type { ResolvedConfig, RunConfigInput } from '../pipeline/config/schema.js';
import { isStageDefinition } from '../pipeline/custom/kinds.js';
import { locateExport } from '../pipeline/custom/locate.js';
import { defaultRegistries } from '../pipeline/registries.js';
import type { CustomStep, PipelineStep, ReaderStep, StageStep, TokenizeStep, WriterStep } from './steps.js';

export interface PipelineOptions {
  /** Tasks the input is split into (default: one per input file); output never depends on the worker count. */
  tasks?: number;
  /** Seed of every random choice. */
  seed?: number;
  /** Folder that relative inputs, vocabulary paths and module paths are relative to (default: the working directory). */
  baseDir?: string;
}

type Normalized = ReaderStep | StageStep | CustomStep | TokenizeStep | WriterStep;

export class Pipeline {
  private constructor(
    private readonly source: { steps: Normalized[]; options: PipelineOptions } | { raw: unknown },
    /** Folder relative paths of the config are resolved against. */
    readonly baseDir: string,
  ) {}

  static fromSteps(steps: readonly PipelineStep[], options: PipelineOptions = {}): Pipeline {
    const normalized = steps.map(normalize);
    checkOrder(normalized);
    return new Pipeline({ steps: normalized, options }, path.resolve(options.baseDir ?? process.cwd()));
  }

  /** A config object as a config file holds it; relative paths are relative to `baseDir`. */
  static fromConfig(raw: unknown, baseDir = process.cwd()): Pipeline {
    return new Pipeline({ raw }, path.resolve(baseDir));
  }

  static async fromConfigFile(file: string): Promise<Pipeline> {
    const { raw, dir } = await loadConfigFile(file);
    return new Pipeline({ raw }, dir);
  }

  /** The config `biglm prepare` would run this pipeline from (the user's stages as `file:///…#export`). */
  async config(): Promise<RunConfigInput> {
    if ('raw' in this.source) return this.source.raw as RunConfigInput;
    const { steps, options } = this.source;
    const reader = steps[0] as ReaderStep;
    const stages: RunConfigInput['stages'] = [];
    let tokenizer: RunConfigInput['tokenizer'];
    let output: NonNullable<RunConfigInput['output']> = {};
    for (const [i, step] of steps.entries()) {
      if (step.kind === 'stage') stages.push(step.entry);
      else if (step.kind === 'custom') stages.push(await customEntry(step, i));
      else if (step.kind === 'tokenize') tokenizer = step.tokenizer;
      else if (step.kind === 'writer') output = { ...output, ...step.output };
    }
    return {
      inputs: reader.inputs,
      reader: { format: reader.format, options: reader.options },
      ...(options.tasks !== undefined ? { tasks: options.tasks } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      stages,
      ...(tokenizer ? { tokenizer } : {}),
      ...(Object.keys(output).length > 0 ? { output } : {}),
    };
  }

  /** The fully resolved config (inputs expanded, every default filled in): what `<run>/config.json` holds. */
  async resolve(reg: Registries = defaultRegistries(), notices?: ConfigNotices): Promise<ResolvedConfig> {
    return resolveConfig(await this.config(), this.baseDir, reg, notices);
  }
}

/** A pipeline from its steps: one reader first, then stages, then optionally `tokenize(...)` and writers. */
export function pipeline(steps: readonly PipelineStep[], options: PipelineOptions = {}): Pipeline {
  return Pipeline.fromSteps(steps, options);
}

function normalize(step: PipelineStep): Normalized {
  if (typeof step === 'function' || isStageDefinition(step)) return { kind: 'custom', value: step, options: {} };
  if (step && typeof step === 'object' && 'kind' in step) return step as Normalized;
  throw new ConfigError(`pipeline: ${JSON.stringify(step) ?? typeof step} is not a step; use readers.*, filters.*, dedup.*, custom(fn), tokenize() or writers.*`);
}

const ORDER = { reader: 0, stage: 1, custom: 1, tokenize: 2, writer: 3 } as const;

function checkOrder(steps: Normalized[]): void {
  if (steps[0]?.kind !== 'reader') throw new ConfigError('pipeline: the first step must be a reader (readers.warc(...), readers.jsonl(...), …)');
  let last = 0;
  for (const [i, step] of steps.entries()) {
    const rank = ORDER[step.kind];
    if (i > 0 && step.kind === 'reader') throw new ConfigError(`pipeline step ${i}: one reader per pipeline; list several inputs in it (readers.auto([...]) for mixed formats)`);
    if (step.kind === 'tokenize' && last === 2) throw new ConfigError(`pipeline step ${i}: tokenize() appears twice`);
    if (rank < last) {
      throw new ConfigError(
        `pipeline step ${i} (${describe(step)}) comes after ${last === 2 ? 'tokenize()' : 'a writer'}: stages run before tokenization, writers come last`,
      );
    }
    last = Math.max(last, rank);
  }
}

function describe(step: Normalized): string {
  return step.kind === 'stage' ? step.entry.type : step.kind;
}

async function customEntry(step: CustomStep, i: number): Promise<StageStep['entry']> {
  const label = `pipeline step ${i} (${typeof step.value === 'function' ? `function ${(step.value as { name?: string }).name || '(anonymous)'}` : `stage ${(step.value as { type?: string })?.type}`})`;
  const { url, exportName } = await locateExport(step.value, { module: step.module, exportName: step.exportName, label });
  return { ...step.options, type: `${url}#${exportName}`, ...(step.name ? { name: step.name } : {}) };
}
