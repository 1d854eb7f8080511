// The command table of the `biglm` CLI.

import { prepareCommand } from './commands/prepare.js';
import { inspectCommand } from './commands/inspect.js';
import { taskCommand } from './commands/task.js';
import { sampleCommand } from './commands/sample.js';
import { stagesCommand } from './commands/stages.js';
import { statusCommand } from './commands/status.js';
import { resumeCommand } from './commands/resume.js';
import { maskCommand } from '../pipeline/mask/cli.js';
import { mixCommand } from './commands/mix.js';
import { trainCommand, generateCommand } from '../model/cli.js';
import { exportCommand } from './commands/export.js';
import { tokenizerCommand, serveCommand } from '../tokenizer/cli.js';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  prepare: { summary: 'raw dumps → filtered, deduplicated, tokenized Arrow shards', run: prepareCommand },
  inspect: { summary: "show a run's counts, drops, shards and decoded documents", run: inspectCommand },
  sample: { summary: 'write the bundled sample corpus (real e-mails, Brown corpus)', run: sampleCommand },
  stages: { summary: 'list stage types and readers with their options', run: stagesCommand },
  status: { summary: 'per step: ranks done, running, pending, failed (markers, and Slurm when used)', run: statusCommand },
  resume: { summary: 'run or submit only the unfinished tasks of a run (local or Slurm)', run: resumeCommand },
  mix: { summary: 'blend prepared runs by token share into mixed runs (sweeps, capped upsampling, bounded-memory shuffle)', run: mixCommand },
  export: { summary: "write a run's tokens for Megatron-LM (.bin/.idx) or datatrove (.ds)", run: exportCommand },
  tokenizer: { summary: 'train a BPE vocabulary, encode/decode/count, list encodings', run: tokenizerCommand },
  serve: { summary: 'the tokenizer HTTP service (loopback by default)', run: serveCommand },
  mask: { summary: 'token shards → masked BiGLM / BERT / diffusion training examples', run: maskCommand },
  train: { summary: 'train a BiGLM encoder on masked examples (TensorFlow.js: GPU, WASM or CPU)', run: trainCommand },
  generate: { summary: 'mask-predict generation from a trained checkpoint', run: generateCommand },
  task: { summary: 'run one (stage, rank) task of a run (executors call this)', run: taskCommand },
};
