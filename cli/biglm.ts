#!/usr/bin/env node
// The `biglm` command: one entry point, one subcommand per job. Scripts rely on these names.

import { UsageError } from './args.js';
import { ConfigError } from '../lib/config-errors.js';
import { commands } from './commands.js';
import { biglmVersion } from './version.js';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return [
    'biglm — raw web dumps to ready-to-train BiGLM data, and the trainer',
    '',
    'usage: biglm <command> [options]   (biglm <command> --help for each; biglm --version)',
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(biglmVersion());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`biglm: unknown command '${name}'; known: ${Object.keys(commands).join(', ')}`);
    return 2;
  }
  return command.run(rest);
}

/** Storage refused the credentials; from a pool thread the error arrives as a plain Error with its message. */
function isAccessError(e: unknown): boolean {
  const err = e as Error | undefined;
  return err?.name === 'StorageAccessError' || /(^|: )\S+: access denied \(/.test(err?.message ?? '');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // refused credentials are a configuration problem too: fix them and rerun (the run resumes)
    if (e instanceof UsageError || e instanceof ConfigError || isAccessError(e)) {
      console.error(`biglm: ${(e as Error).message}`);
      process.exitCode = 2;
    } else {
      console.error(`biglm: ${(e as Error)?.stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
