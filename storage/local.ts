// Local files as a storage backend: what every run used before object stores, and the mirror's side of a
// remote run directory.

import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import type { Backend, ObjectInfo, RangeResponse, ReadRange } from './backend.js';
import { StorageAccessError, StorageNotFoundError } from './errors.js';

function localPath(location: string): string {
  return location.startsWith('file://') ? new URL(location).pathname : location;
}

function mapError(location: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') throw new StorageNotFoundError(location, code);
  if (code === 'EACCES' || code === 'EPERM') throw new StorageAccessError(location, code);
  throw e;
}

export const localBackend: Backend = {
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const root = localPath(prefix);
    const found: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw e;
      }
      for (const ent of entries) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) await walk(p);
        else if (ent.isFile()) {
          const st = await fs.stat(p);
          found.push({ location: p, size: st.size, etag: `${st.mtimeMs}-${st.size}` });
        }
      }
    };
    await walk(root);
    found.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
    yield* found;
  },

  async stat(location: string): Promise<ObjectInfo | undefined> {
    try {
      const st = await fs.stat(localPath(location));
      if (!st.isFile()) return undefined;
      return { location, size: st.size, etag: `${st.mtimeMs}-${st.size}` };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      return mapError(location, e);
    }
  },

  async openRange(location: string, range: ReadRange & { start: number }): Promise<RangeResponse> {
    const p = localPath(location);
    let st;
    try {
      st = await fs.stat(p);
    } catch (e) {
      mapError(location, e);
    }
    const end = range.end ?? st.size;
    if (range.start >= end) return { body: Readable.from([]), size: st.size, etag: `${st.mtimeMs}-${st.size}`, honoredRange: true };
    // 1 MiB reads keep syscalls few (the decompressors measured 2-3x slower with 64 KiB).
    const body = createReadStream(p, { start: range.start, end: end - 1, highWaterMark: 1 << 20 });
    return { body, size: st.size, etag: `${st.mtimeMs}-${st.size}`, honoredRange: true };
  },

  async write(location: string, data: Uint8Array | string | Readable): Promise<void> {
    const target = localPath(location);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      if (data instanceof Readable) {
        await pipeline(data, createWriteStream(tmp));
        const fh = await fs.open(tmp, 'r+');
        await fh.sync().finally(() => fh.close());
      } else {
        const fh = await fs.open(tmp, 'w');
        try {
          await fh.writeFile(data);
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  },

  async rename(from: string, to: string): Promise<void> {
    await fs.mkdir(path.dirname(localPath(to)), { recursive: true });
    await fs.rename(localPath(from), localPath(to)).catch((e) => mapError(from, e));
  },

  async delete(location: string): Promise<void> {
    await fs.rm(localPath(location), { force: true });
  },

  async deleteMany(locations: string[]): Promise<void> {
    for (const location of locations) await fs.rm(localPath(location), { force: true });
  },
};
