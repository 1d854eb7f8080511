// How a run names an input file: a local path relative to the config's folder (so shards and hashes do not
// depend on where the checkout lives), an s3:// or http(s):// URL as it is (it names the same object anywhere).

import * as path from 'node:path';
import { isRemote, statObject } from '../../storage/index.js';

export function inputName(configDir: string, file: string): string {
  if (isRemote(file)) return file;
  return path.isAbsolute(file) ? path.relative(configDir, file) : file;
}

/** Bytes of an input file, local or remote; undefined when it is not there (its task reports it). */
export async function inputBytes(file: string): Promise<number | undefined> {
  const info = await statObject(file).catch(() => undefined);
  return info === undefined || !Number.isFinite(info.size) ? undefined : info.size;
}
