// Reads a config file as JSON, nothing more, and imports nothing heavy: `biglm prepare` reads its config
// with it before it imports the pipeline, so its worker threads can start first.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../lib/config-errors.js';

/** The parsed JSON and the folder relative paths in it are taken from. */
export async function loadConfigFile(file: string): Promise<{ raw: unknown; dir: string }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  try {
    return { raw: JSON.parse(text), dir: path.dirname(path.resolve(file)) };
  } catch (e) {
    throw new ConfigError(`config ${file} is not valid JSON: ${(e as Error).message}`);
  }
}
