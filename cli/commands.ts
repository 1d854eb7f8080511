// The command table of the `biglm` CLI.

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

type Runner = (argv: string[]) => Promise<number>;

/**
 * A command whose module is imported only when it runs: importing all of them costs ~1 s (the pipeline,
 * Arrow, TensorFlow.js), which `biglm --help` or a one-file `prepare` should not pay.
 */
function lazy(load: () => Promise<Record<string, unknown>>, name: string): Runner {
  return async (argv) => ((await load())[name] as Runner)(argv);
}

export const commands: Record<string, Command> = {
  prepare: { summary: 'raw dumps → filtered, deduplicated, tokenized Arrow shards', run: lazy(() => import('./commands/prepare.js'), 'prepareCommand') },
  inspect: { summary: "show a run's counts, drops, shards and decoded documents", run: lazy(() => import('./commands/inspect.js'), 'inspectCommand') },
  sample: { summary: 'write the bundled sample corpus (real e-mails, Brown corpus)', run: lazy(() => import('./commands/sample.js'), 'sampleCommand') },
  config: { summary: 'the JSON Schema of config files (for editors), and a config resolved with every default', run: lazy(() => import('./commands/config.js'), 'configCommand') },
  stages: { summary: 'list stage types and readers with their options', run: lazy(() => import('./commands/stages.js'), 'stagesCommand') },
  report: { summary: 'write report.html of a run: charts of drops, lengths, languages, dedup, tokens, throughput, training curves', run: lazy(() => import('./commands/report.js'), 'reportCommand') },
  status: { summary: 'per step: ranks done, running, pending, failed (markers, and Slurm when used)', run: lazy(() => import('./commands/status.js'), 'statusCommand') },
  resume: { summary: 'run or submit only the unfinished tasks of a run (local or Slurm)', run: lazy(() => import('./commands/resume.js'), 'resumeCommand') },
  mix: { summary: 'blend prepared runs by token share into mixed runs (sweeps, capped upsampling, bounded-memory shuffle)', run: lazy(() => import('./commands/mix.js'), 'mixCommand') },
  export: { summary: "write a run's tokens for Megatron-LM (.bin/.idx) or datatrove (.ds)", run: lazy(() => import('./commands/export.js'), 'exportCommand') },
  'export-model': { summary: 'write a training checkpoint as a Hugging Face model folder (transformers, trust_remote_code)', run: lazy(() => import('./commands/export-model.js'), 'exportModelCommand') },
  tokenizer: { summary: 'train a BPE vocabulary, encode/decode/count, list encodings', run: lazy(() => import('./commands/tokenizer.js'), 'tokenizerCommand') },
  serve: { summary: 'the tokenizer HTTP service (loopback by default)', run: lazy(() => import('./commands/serve.js'), 'serveCommand') },
  mask: { summary: 'token shards → masked BiGLM / BERT / diffusion training examples', run: lazy(() => import('./commands/mask.js'), 'maskCommand') },
  train: { summary: 'train a BiGLM encoder on masked examples (TensorFlow.js: GPU, WASM or CPU)', run: lazy(() => import('./commands/model.js'), 'trainCommand') },
  eval: { summary: 'score a checkpoint on every held-out row, next to unigram and bigram baselines', run: lazy(() => import('./commands/eval.js'), 'evalCommand') },
  generate: { summary: 'mask-predict generation from a trained checkpoint', run: lazy(() => import('./commands/model.js'), 'generateCommand') },
  task: { summary: 'run one (stage, rank) task of a run (executors call this)', run: lazy(() => import('./commands/task.js'), 'taskCommand') },
};
