// `biglm serve` flags → service options. A bad value exits 2 with the flag, the value and the fix, never
// zod's raw issue list.

import { UsageError } from '../args.js';
import { serverOptionsSchema, type ServerOptions } from '../../tokenizer/server/options.js';

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

export const SERVE_NUMBER_FLAGS = Object.fromEntries(Object.values(FLAGS).map((f) => [f.flag.slice(2), { type: 'string' as const }]));

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
