// What `biglm prepare` takes from its command line, shared by the light front (./prepare.ts, which parses it)
// and the run (./prepare-run.ts, which the front imports once the worker threads have started).

import { parseCommand, type Options } from '../args.js';
import { EXECUTOR_FLAGS } from './executor-flag-specs.js';

export const PREPARE_FLAGS = {
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
