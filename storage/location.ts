// A location is a local path, `s3://bucket/key` or `http(s)://host/path`. Everything else in this folder
// works on these strings, so that callers never branch on where a file lives.

export type Scheme = 'file' | 's3' | 'http';

export interface S3Location {
  scheme: 's3';
  bucket: string;
  /** Object key (no leading '/'); '' for the bucket itself. */
  key: string;
}

/** Which backend a location belongs to. A `file:` URL is a local path. */
export function schemeOf(location: string): Scheme {
  if (/^s3:\/\//i.test(location)) return 's3';
  if (/^https?:\/\//i.test(location)) return 'http';
  return 'file';
}

export function isRemote(location: string): boolean {
  return schemeOf(location) !== 'file';
}

export function parseS3(location: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(location);
  if (!m || m[1] === '') throw new Error(`not an S3 location: '${location}' (expected s3://bucket/key)`);
  return { scheme: 's3', bucket: m[1], key: m[2] };
}

/**
 * `child` below `base`, joined with '/': `joinLocation('s3://b/runs/x', 'shards/a.arrow')` is
 * `s3://b/runs/x/shards/a.arrow`. An absolute or remote `child` is returned as it is.
 */
export function joinLocation(base: string, child: string): string {
  if (isRemote(child) || child.startsWith('/')) return child;
  if (schemeOf(base) === 'file') return `${base.replace(/\/+$/, '')}/${child}`;
  return `${base.replace(/\/+$/, '')}/${child.replace(/^\/+/, '')}`;
}

/** A URL without its query string and credentials, for messages. */
export function displayLocation(location: string): string {
  if (schemeOf(location) !== 'http') return location;
  try {
    const u = new URL(location);
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname}`;
  } catch {
    return location;
  }
}
