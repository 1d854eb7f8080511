// The one interface every place that reads or writes a file goes through. Three implementations: local
// files (local.ts), S3-compatible object stores (s3.ts) and read-only HTTP(S) (http.ts).

import type { Readable } from 'node:stream';

export interface ObjectInfo {
  /** Full location (a path, an s3:// or http(s):// URL). */
  location: string;
  size: number;
  /** What identifies this version of the object: an S3/HTTP ETag, or `mtime-size` for a local file. */
  etag?: string;
}

export interface ReadRange {
  /** First byte (default 0). */
  start?: number;
  /** One past the last byte (default: end of the object). */
  end?: number;
}

/** One attempt at reading bytes `[start, end)`; `etag` names the version that answered. */
export interface RangeResponse {
  body: Readable;
  etag?: string;
  /** Size of the whole object, when the server said. */
  size?: number;
  /** False when the server ignored the Range and sent the object from byte 0 (an HTTP 200 to a Range request). */
  honoredRange: boolean;
}

export interface Backend {
  /** Every object below `prefix` (a folder, or a key prefix), in byte order of location. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Size and version, or undefined when nothing is there. */
  stat(location: string): Promise<ObjectInfo | undefined>;
  /** One request for a byte range; retries and resumption are the caller's (read.ts). */
  openRange(location: string, range: ReadRange & { start: number }): Promise<RangeResponse>;
  /**
   * Write `data` so that readers see the whole object or nothing: local files go to a temporary name and
   * are renamed; an S3 PUT (or multipart upload, completed last) is atomic by itself.
   */
  write(location: string, data: Uint8Array | string | Readable): Promise<void>;
  /** Move an object (local rename; S3 copy then delete). */
  rename(from: string, to: string): Promise<void>;
  /** Remove an object; nothing there is fine. */
  delete(location: string): Promise<void>;
  /** Remove many objects, in as few requests as the store allows (S3: 1,000 keys a request); missing ones are fine. */
  deleteMany(locations: string[]): Promise<void>;
}
