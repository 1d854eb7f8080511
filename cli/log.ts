// The CLI's logger: lines on stderr, warnings counted (for --strict).

import type { Logger } from '../lib/log.js';

export function countingLogger(): Logger & { warnings: number } {
  const log = {
    warnings: 0,
    info: (msg: string) => process.stderr.write(`${msg}\n`),
    warn: (msg: string) => {
      log.warnings++;
      process.stderr.write(`warning: ${msg}\n`);
    },
  };
  return log;
}
