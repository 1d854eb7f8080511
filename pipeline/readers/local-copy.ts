// Columnar files (Parquet, Arrow) are read by seeking to their footer, which the format libraries do on a
// local file. A remote one is downloaded first, streaming to a temporary file (disk, not memory), and the
// copy is removed when the reader is done with it.

import { createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isRemote, readStream } from '../../storage/index.js';

export interface LocalCopy {
  path: string;
  release(): Promise<void>;
}

export async function localCopy(location: string): Promise<LocalCopy> {
  if (!isRemote(location)) return { path: location, release: async () => {} };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-input-'));
  const file = path.join(dir, path.basename(new URL(location).pathname) || 'input');
  try {
    await pipeline(readStream(location), createWriteStream(file));
  } catch (e) {
    await fs.rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { path: file, release: () => fs.rm(dir, { recursive: true, force: true }) };
}
