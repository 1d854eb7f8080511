// `biglm prepare` starts its worker threads before it imports the pipeline and plans the run, so their own
// start-up (imports, tokenizer) overlaps the main thread's (pipeline/executor/pool.ts). Reads only what it
// needs from the arguments; anything unusual (help, Slurm, one worker, bad values) just skips the head start,
// and the command itself reports errors as usual.

import * as os from 'node:os';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startPool } from '../pipeline/executor/pool.js';
import { BUILTINS } from '../tokenizer/builtin.js';

const GLOB = /[*?[\]{}]/;

export function startPrepareWorkers(argv: string[]): void {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: false,
      allowPositionals: true,
      options: { workers: { type: 'string' }, executor: { type: 'string' }, input: { type: 'string', multiple: true }, tokenizer: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch {
    return;
  }
  if (values.help || (values.executor !== undefined && values.executor !== 'local')) return;
  let workers = values.workers === undefined ? os.availableParallelism() : Number(values.workers);
  if (!Number.isInteger(workers) || workers <= 1) return;
  const inputs = (values.input as string[] | undefined) ?? configInputs(positionals[0]);
  // a run has at most one task per input file
  if (inputs && inputs.length > 0 && !inputs.some((i) => GLOB.test(i))) workers = Math.min(workers, inputs.length);
  const tokenizer = typeof values.tokenizer === 'string' ? values.tokenizer : positionals[0] ? configTokenizer(positionals[0]) : 'cl100k_base';
  // the main thread is the last worker (executor/local.ts)
  startPool(workers - 1, { tokenizer: tokenizer && Object.hasOwn(BUILTINS, tokenizer) ? tokenizer : undefined });
}

function readConfig(file: string | undefined): { inputs?: unknown; tokenizer?: { name?: unknown; train?: unknown } } | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { inputs?: unknown; tokenizer?: { name?: unknown } };
  } catch {
    return undefined;
  }
}

function configInputs(file: string | undefined): string[] | undefined {
  const inputs = readConfig(file)?.inputs;
  return Array.isArray(inputs) && inputs.every((i) => typeof i === 'string') ? inputs : undefined;
}

function configTokenizer(file: string): string | undefined {
  const t = readConfig(file)?.tokenizer;
  // a vocabulary trained by the run itself does not exist yet
  return t && !t.train && typeof t.name === 'string' ? t.name : t === undefined ? 'cl100k_base' : undefined;
}
