// Warnings about bad input go through here: one clear line naming file and offset, counted once.

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

export function consoleLogger(prefix = ''): Logger {
  return {
    info: (msg) => process.stderr.write(`${prefix}${msg}\n`),
    warn: (msg) => process.stderr.write(`${prefix}warning: ${msg}\n`),
  };
}

/** A logger that remembers what it was told; tests read `lines`. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) };
}
