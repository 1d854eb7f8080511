// `biglm serve`: the tokenizer endpoints (and, with --token-file, the jobs API) over HTTP until SIGINT or
// SIGTERM, then a shutdown that is over within 2 s whatever is running (running jobs are marked interrupted).

import { parseCommand } from '../args.js';
import { jobsOptionsFrom, SERVE_NUMBER_FLAGS, tokenizerOptionsFrom } from './serve-flags.js';
import { startService } from '../../service/server.js';

export const SERVE_HELP = `Usage: biglm serve [options]

Serve the tokenizers over HTTP (JSON): POST /v1/tokenize, /v1/detokenize, /v1/count;
GET /v1/encodings, /healthz. Tokenization runs on worker threads; one thread is kept for small
requests while large ones run.

Options:
  --host ADDR            listen address (default 127.0.0.1: loopback only)
  --port N               port (default 8080; 0 picks a free one)
  --token T              require "Authorization: Bearer T" on /v1/* (default: env BIGLM_TOKEN)
  --max-body BYTES       largest request body, after decompression (default 33554432); larger gets 413
  --threads N            worker threads (default: available cores)
  --encoding NAME        default encoding when a request names none (default cl100k_base)
  --vocab PATH           offer a trained vocabulary too (repeatable)
  --small-bytes BYTES    bodies up to this size are small requests (default 65536)
  --max-queue N          requests of each kind that may wait (default 64); past it 503 + Retry-After
  --request-timeout S    a request tokenizing longer is stopped and answered 503 (default 60)
  --max-texts N          most texts in one batch (default 100000); more gets 413

Jobs API (off unless --token-file is given): POST /v1/jobs runs prepare / mask / mix jobs, GET / is
a status page. Every jobs route needs "Authorization: Bearer <token>" (or ?token= on / and reports).
  --token-file FILE      file holding the jobs API's bearer token (16 characters or more)
  --data-root DIR        job inputs must lie under DIR (required with --token-file)
  --runs-root DIR        each job writes DIR/<job id>/ (required with --token-file)
  --max-jobs N           jobs running at once (default 1); more wait in a queue
  --job-workers N        --workers of each prepare / mask job (default 1)
`;

/** Past this after SIGTERM the process exits even if something still holds it (a stuck worker). */
const HARD_EXIT_MS = 1500;

/** Returns only for --help and errors; after a signal it shuts down and exits the process. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values, wantsHelp } = parseCommand(
    argv,
    {
      host: { type: 'string' },
      token: { type: 'string' },
      encoding: { type: 'string' },
      vocab: { type: 'string', multiple: true },
      'token-file': { type: 'string' },
      'data-root': { type: 'string' },
      'runs-root': { type: 'string' },
      ...SERVE_NUMBER_FLAGS,
    },
    SERVE_HELP,
  );
  if (wantsHelp) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const options = tokenizerOptionsFrom(values);
  const jobs = jobsOptionsFrom(values);
  let server;
  try {
    server = await startService(options, jobs);
  } catch (err) {
    process.stderr.write(`biglm serve: ${(err as Error).message}\n`);
    return 1;
  }
  process.stderr.write(`biglm serve: listening on ${server.url}${jobs ? ` (jobs API on; runs under ${jobs.runsRoot})` : ''}\n`);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stderr.write(`biglm serve: ${signal}, shutting down\n`);
  setTimeout(() => {
    process.stderr.write('biglm serve: requests still running at the deadline; exiting\n');
    process.exit(0);
  }, HARD_EXIT_MS).unref();
  await server.close();
  // Terminated worker threads keep the event loop alive for most of a second more; nothing is left to do.
  process.exit(0);
}
