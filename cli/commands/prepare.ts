// `biglm prepare`: raw dumps → filtered, deduplicated, tokenized Arrow shards with a manifest. This module reads
// the arguments and the config, starts the worker threads (../early-pool.ts) and only then imports the pipeline
// (./prepare-run.ts), so the threads' own start-up overlaps the main thread's import and planning. It imports
// nothing heavy for that reason.

import * as os from 'node:os';
import { parseCommand, intOption, UsageError, type Options } from '../args.js';
import { loadConfigFile } from '../../pipeline/config/config-file.js';
import { COMMON_CRAWL_BASE } from '../../pipeline/config/common-crawl.js';
import { discardEarlyPool } from '../../pipeline/executor/pool.js';
import { EXECUTOR_FLAGS, EXECUTOR_HELP } from './executor-flag-specs.js';
import { configPoolHints, startPrepareWorkers } from '../early-pool.js';

export const PREPARE_HELP = `biglm prepare <config.json> [--out DIR] [--workers N] [--force] [--strict]
biglm prepare --input PATH... --out DIR [--format auto|warc|wat|jsonl|json|parquet|arrow] [--tokenizer NAME]
biglm prepare <config.json> --input PATH... [--out DIR]     (the config's stages on other inputs)

Read raw dumps, run the configured stages (extraction, filters, dedup), tokenize, and write Arrow
shards with manifest.json, stats.json and report.txt into the run directory.

  --out DIR          run directory (default: runs/<config name>)
  --workers N        tasks run at once: the main thread and N-1 pool threads (default: number of cores);
                     output does not depend on it
  --force            start over in DIR instead of resuming
  --strict           exit non-zero when any input was bad (warnings), after finishing the run
  --input PATH       input files, folders or globs (repeatable): quick mode without a config, or
                     with a config, replacing its inputs; local, s3://bucket/prefix/**/*.warc.gz or https://…
  --input-list F     a paths file (one path a line, plain or .gz, local, s3:// or https://), each line
                     joined to --input-base: Common Crawl's warc.paths.gz / wet.paths.gz; like --input
  --input-base URL   base of the paths in --input-list (default ${COMMON_CRAWL_BASE})
  --format F         quick mode: input format (default auto, from each file name)
  --tokenizer NAME   quick mode: tokenizer (default cl100k_base)
  --text-output F    also write kept documents as text: none|jsonl|parquet
  --no-progress      no progress bar
${EXECUTOR_HELP}
Rerunning the same command resumes: finished tasks are skipped (so does \`biglm resume DIR\`).`;

const PREPARE_FLAGS = {
  out: { type: 'string' },
  workers: { type: 'string' },
  force: { type: 'boolean' },
  strict: { type: 'boolean' },
  input: { type: 'string', multiple: true },
  'input-list': { type: 'string' },
  'input-base': { type: 'string' },
  format: { type: 'string' },
  tokenizer: { type: 'string' },
  'text-output': { type: 'string' },
  'no-progress': { type: 'boolean' },
  ...EXECUTOR_FLAGS,
} as const satisfies Options;

/** The command line as `runPrepare` gets it: checked, the config file read, the worker count settled. */
export interface PrepareRequest {
  values: ReturnType<typeof parseCommand<typeof PREPARE_FLAGS>>['values'];
  /** The config file, absent in quick mode (--input without a config). */
  configFile?: { path: string; raw: unknown; dir: string };
  workers: number;
}

export async function prepareCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(argv, PREPARE_FLAGS, PREPARE_HELP);
  if (wantsHelp) {
    console.log(PREPARE_HELP);
    return 0;
  }
  if (values['input-base'] && !values['input-list']) throw new UsageError('--input-base goes with --input-list');
  const quick = (values.input !== undefined || values['input-list'] !== undefined) && positionals.length === 0;
  let configFile: PrepareRequest['configFile'];
  if (quick) {
    if (!values.out) throw new UsageError('--out DIR is required with --input');
  } else {
    if (positionals.length !== 1) throw new UsageError(`expected one config file\n\n${PREPARE_HELP}`);
    if (values.format || values.tokenizer) throw new UsageError('--format and --tokenizer belong to quick mode (--input); set them in the config');
    configFile = { path: positionals[0], ...(await loadConfigFile(positionals[0])) };
  }
  const workers = intOption(values.workers, 'workers') ?? os.availableParallelism();
  const hints = configFile ? configPoolHints(configFile.raw) : { tokenizer: values.tokenizer ?? 'cl100k_base' };
  startPrepareWorkers({
    workers,
    executor: values.executor,
    // the lines of an --input-list are read with the pipeline, so their number is not known yet
    inputs: values['input-list'] ? undefined : (values.input ?? hints.inputs),
    tokenizer: hints.tokenizer,
  });
  try {
    const { runPrepare } = await import('./prepare-run.js');
    return await runPrepare({ values, configFile, workers });
  } finally {
    // the threads, when the command failed before a run took them
    await discardEarlyPool();
  }
}
