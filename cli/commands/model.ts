// `biglm train` and `biglm generate`: argument parsing (cli/args.ts) around model/train.ts and
// model/generate.ts. `cli/commands.ts` dispatches to trainCommand / generateCommand with the arguments
// after the subcommand. Both return a process exit code.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config-errors.js';
import { intOption, parseCommand, UsageError } from '../args.js';
import { consoleLogger } from '../../lib/log.js';
import { getEncoding } from '../../tokenizer/index.js';
import { BACKEND_CHOICES, initBackend, releaseBackend, type BackendChoice } from '../../model/backend.js';
import { disposeParams } from '../../model/biglm.js';
import { loadCheckpoint, resolveCheckpointDir } from '../../model/checkpoint.js';
import { TrainConfigSchema, type TrainConfigInput } from '../../model/config.js';
import { generate } from '../../model/generate.js';
import { train } from '../../model/train.js';
import { writeReportOrWarn } from '../../pipeline/report/report-file.js';

const TRAIN_HELP = `usage: biglm train <config.json | --examples DIR> [options]

Trains a BiGLM encoder on masked example shards (manifest.json kind "biglm-examples").

options:
  --examples DIR     examples directory (overrides the config's "examples")
  --out DIR          run directory: metrics.jsonl, loss.svg, checkpoints/ (default runs/train)
  --steps N          optimizer steps (overrides the config)
  --backend B        auto | tensorflow | webgpu | wasm | cpu (default auto: native TensorFlow if installed,
                     else WebGPU if a GPU adapter is found (needs libvulkan1 and the GPU's Vulkan driver),
                     else wasm)
  --resume           continue from the newest checkpoint in --out, with the same data order
  --smoke            a CI-sized run: 12 steps, eval and checkpoint every 6
  --seed N           seed of init, data order and dropout
  -h, --help         this text

Config keys (JSON, all optional but "examples"): see model/config.ts (TrainConfigSchema).
`;

const GENERATE_HELP = `usage: biglm generate --checkpoint DIR --prompt TEXT [options]

Continues TEXT with mask-predict: the model fills [MASK]×length after the prompt.

options:
  --checkpoint DIR   a run directory (uses its newest checkpoint) or a checkpoint directory
  --prompt TEXT      the source text
  --length N         target length in tokens (default: the length head's top candidates)
  --iterations T     refinement iterations (default 10)
  --beam K           candidate lengths from the length head (default 3)
  --backend B        auto | tensorflow | webgpu | wasm | cpu (default auto)
  --tokenizer T      tokenizer name or vocabulary path (default: the one recorded in the checkpoint)
  --json             print all candidates as JSON
  --steps            also print the best candidate after each mask-predict iteration (_ = re-masked)
  -h, --help         this text
`;

function backendArg(v: string | undefined): BackendChoice | undefined {
  if (v === undefined) return undefined;
  if (!(BACKEND_CHOICES as readonly string[]).includes(v)) throw new Error(`--backend: '${v}' is not one of ${BACKEND_CHOICES.join(', ')}`);
  return v as BackendChoice;
}

/** The `biglm train` options that override a config's paths, length and backend (bench/train-check.ts takes them too). */
export const TRAIN_OVERRIDE_OPTIONS = {
  examples: { type: 'string' },
  out: { type: 'string' },
  steps: { type: 'string' },
  backend: { type: 'string' },
} as const;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    { ...TRAIN_OVERRIDE_OPTIONS, seed: { type: 'string' }, resume: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false } },
    TRAIN_HELP,
  );
  if (wantsHelp) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new Error(`biglm train: one config file expected, got ${positionals.join(' ')}`);
  let input: TrainConfigInput = { examples: '' };
  if (positionals[0]) {
    const file = positionals[0];
    try {
      input = JSON.parse(await fs.readFile(file, 'utf8')) as TrainConfigInput;
    } catch (err) {
      throw new ConfigError(`${file}: cannot read the training config (${(err as Error).message}); give a JSON file of TrainConfigSchema keys (biglm config schema --kind train)`);
    }
    // Relative paths in a config file are relative to the working directory, like every biglm config.
  }
  if (values.examples) input.examples = values.examples;
  if (!input.examples) throw new Error('biglm train: give a config file with "examples", or --examples DIR (see --help)');
  if (values.out) input.out = values.out;
  const steps = intOption(values.steps, 'steps', 0);
  if (steps !== undefined) input.steps = steps;
  const seed = intOption(values.seed, 'seed', 0);
  if (seed !== undefined) input.seed = seed;
  const backend = backendArg(values.backend);
  if (backend) input.backend = backend;
  if (values.smoke) {
    input.steps = steps ?? 12;
    input.evalEvery = 6;
    input.checkpointEvery = 6;
    input.logEvery = 1;
    input.optim = { warmupSteps: 2, ...input.optim };
  }
  const cfg = TrainConfigSchema.parse(input);
  const log = consoleLogger('');
  let r;
  try {
    r = await train(cfg, { resume: values.resume, log, writeReport: writeReportOrWarn });
  } finally {
    releaseBackend();
  }
  process.stdout.write(
    JSON.stringify({ runDir: r.runDir, backend: r.backend.name, step: r.step, loss: r.lastLoss, evalLoss: r.lastEvalLoss, tokensPerSecond: Math.round(r.tokensPerSecond) }) + '\n',
  );
  return 0;
}

export async function generateCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    {
      checkpoint: { type: 'string' },
      prompt: { type: 'string' },
      length: { type: 'string' },
      iterations: { type: 'string', default: '10' },
      beam: { type: 'string', default: '3' },
      backend: { type: 'string', default: 'auto' },
      tokenizer: { type: 'string' },
      json: { type: 'boolean', default: false },
      steps: { type: 'boolean', default: false },
    },
    GENERATE_HELP,
  );
  if (wantsHelp) {
    process.stdout.write(GENERATE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`biglm generate: takes no positional arguments, got ${positionals.join(' ')}\n\n${GENERATE_HELP}`);
  if (!values.checkpoint || values.prompt === undefined) throw new Error('biglm generate: --checkpoint and --prompt are required (see --help)');
  const log = consoleLogger('');
  const dir = await resolveCheckpointDir(path.resolve(values.checkpoint));
  if (!dir) throw new Error(`${values.checkpoint}: no checkpoint (neither model.safetensors nor checkpoints/latest)`);
  const backend = await initBackend(backendArg(values.backend)!, log);
  log.info(`backend: ${backend.detail}`);
  try {
    const ck = await loadCheckpoint(dir);
    const tok = ck.config.tokenizer;
    const enc = getEncoding(values.tokenizer ?? ck.config.tokenizerRef ?? tok.name);
    try {
      if (enc.vocabSize !== tok.vocabSize) {
        throw new Error(`tokenizer '${enc.name}' has ${enc.vocabSize} ids but the checkpoint was trained with '${tok.name}' (${tok.vocabSize}); pass --tokenizer`);
      }
      const source = Array.from(enc.encode(values.prompt));
      const maxSource = ck.config.model.maxSeqLen - 4;
      const trimmed = source.slice(Math.max(0, source.length - maxSource)); // keep the end of a long prompt
      if (trimmed.length < source.length) log.warn(`prompt has ${source.length} tokens; keeping the last ${trimmed.length}`);
      const result = await generate(
        ck.config.model,
        ck.params,
        trimmed,
        { mask: tok.specials.mask, bos: tok.specials.bos, eos: tok.eosId, vocabSize: tok.vocabSize },
        { length: intOption(values.length, 'length', 0), iterations: Math.max(1, intOption(values.iterations, 'iterations', 0)!), beam: Math.max(1, intOption(values.beam, 'beam', 0)!) },
      );
      const text = (ids: number[]) => enc.decode(ids.filter((t) => t !== tok.eosId));
      if (values.json) {
        process.stdout.write(JSON.stringify({ checkpoint: dir, best: { ...result.best, text: text(result.best.tokens) }, candidates: result.candidates.map((c) => ({ ...c, text: text(c.tokens) })) }) + '\n');
      } else {
        if (values.steps) {
          // Runs of re-masked positions print as one "_" per token, the kept tokens decoded in between.
          result.best.steps.forEach((step, i) => {
            const parts: string[] = [];
            let run: number[] = [];
            for (const t of step) {
              if (t >= 0) run.push(t);
              else {
                if (run.length) parts.push(text(run));
                run = [];
                parts.push('_');
              }
            }
            if (run.length) parts.push(text(run));
            process.stdout.write(`iteration ${i + 1}: ${values.prompt}${parts.join('')}\n`);
          });
        }
        process.stdout.write(values.prompt + text(result.best.tokens) + '\n');
      }
    } finally {
      enc.free();
      disposeParams(ck.params);
    }
  } finally {
    releaseBackend();
  }
  return 0;
}
