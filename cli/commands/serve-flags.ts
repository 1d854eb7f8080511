// `biglm serve` flags → service options. A bad value exits 2 with the flag, the value and the fix, never
// zod's raw issue list.

import { UsageError } from '../args.js';
import { serverOptionsSchema, type ServerOptions } from '../../tokenizer/server/options.js';
import type { JobsOptions } from '../../service/options.js';

/** Per option: its flag, how the flag's text becomes the option value, and what a valid value is. */
const FLAGS: Record<string, { flag: string; scale?: number; fix: string }> = {
  port: { flag: '--port', fix: 'give a TCP port from 0 to 65535 (0 picks a free one)' },
  threads: { flag: '--threads', fix: 'give 1 or more worker threads (default: the number of cores)' },
  maxBodyBytes: { flag: '--max-body', fix: 'give the largest body in bytes, 1 or more (default 33554432)' },
  smallBytes: { flag: '--small-bytes', fix: 'give a size in bytes, 0 or more (default 65536)' },
  maxQueue: { flag: '--max-queue', fix: 'give how many requests may wait, 0 or more (default 64)' },
  requestTimeoutMs: { flag: '--request-timeout', scale: 1000, fix: 'give seconds, more than 0 (default 60)' },
  maxTexts: { flag: '--max-texts', fix: 'give how many texts a batch may hold, 1 or more (default 100000)' },
};
const JOB_FLAGS: Record<string, { flag: string; fix: string }> = {
  maxJobs: { flag: '--max-jobs', fix: 'give how many jobs may run at once, 1 or more (default 1)' },
  jobWorkers: { flag: '--job-workers', fix: 'give the workers of each job, 1 or more (default 1)' },
};

export const SERVE_NUMBER_FLAGS = Object.fromEntries([...Object.values(FLAGS), ...Object.values(JOB_FLAGS)].map((f) => [f.flag.slice(2), { type: 'string' as const }]));

/** The jobs API's options, or undefined when no --token-file turns it on. */
export function jobsOptionsFrom(values: Record<string, unknown>): (JobsOptions & { runsRoot: string }) | undefined {
  const tokenFile = values['token-file'] as string | undefined;
  if (tokenFile === undefined) {
    const stray = ['data-root', 'runs-root', 'max-jobs', 'job-workers'].filter((f) => values[f] !== undefined);
    if (stray.length > 0) throw new UsageError(`--${stray[0]} belongs to the jobs API, which is off; add --token-file FILE to turn it on`);
    return undefined;
  }
  for (const f of ['data-root', 'runs-root']) {
    if (values[f] === undefined) throw new UsageError(`--token-file needs --${f} DIR too: jobs read inputs only under --data-root and write only under --runs-root`);
  }
  const options: JobsOptions & { runsRoot: string } = { tokenFile, dataRoot: values['data-root'] as string, runsRoot: values['runs-root'] as string };
  for (const [key, { flag, fix }] of Object.entries(JOB_FLAGS)) {
    const text = values[flag.slice(2)];
    if (text === undefined) continue;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${JSON.stringify(text)}: not a whole number of 1 or more; ${fix}`);
    (options as Record<string, unknown>)[key] = n;
  }
  return options;
}

/** The tokenizer options named by the flags in `values`, checked against the schema. */
export function tokenizerOptionsFrom(values: Record<string, unknown>): ServerOptions {
  const options: Record<string, unknown> = {};
  for (const [key, { flag, scale, fix }] of Object.entries(FLAGS)) {
    const text = values[flag.slice(2)];
    if (text === undefined) continue;
    const n = Number(text);
    if (String(text).trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} ${JSON.stringify(text)}: not a number; ${fix}`);
    options[key] = scale === undefined ? n : Math.round(n * scale);
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.token !== undefined) options.token = values.token;
  if (values.encoding !== undefined) options.defaultEncoding = values.encoding;
  options.vocabularies = values.vocab ?? [];
  const parsed = serverOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const f = FLAGS[key];
      const text = f ? values[f.flag.slice(2)] : options[key];
      const message = issue.message.replace(/^Too (big|small): expected number to be /, 'must be ').replace(/^Invalid input: expected int, received number$/, 'not a whole number')
        .replace(/^Invalid input: /, '')
        .replace(/<=\s*/, 'at most ')
        .replace(/>=\s*/, 'at least ')
        .replace(/>\s*/, 'more than ');
      return `${f?.flag ?? key} ${JSON.stringify(text)}: ${message}${f ? `; ${f.fix}` : ''}`;
    });
    throw new UsageError(lines.join('\n'));
  }
  return options as ServerOptions;
}
