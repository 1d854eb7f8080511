// The CLI's logger: lines on stderr, warnings counted (for --strict).

import { consoleLogger, type Logger } from '../lib/log.js';

export function countingLogger(): Logger & { warnings: number } {
  const stderr = consoleLogger();
  const log = {
    warnings: 0,
    info: stderr.info,
    warn: (msg: string) => {
      log.warnings++;
      stderr.warn(msg);
    },
  };
  return log;
}
