import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CompressedInputError, openDecompressed, readDecompressed } from '../../pipeline/readers/decompress.js';
import { collect } from '../helpers/context.js';
import { tempDir, writeTemp, zstdRawFrame } from './fixtures.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const text = 'line one\nline two\n'.repeat(5000);

async function readAll(p: string): Promise<string> {
  return Buffer.concat(await collect(readDecompressed(p))).toString('utf8');
}

const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('openDecompressed', () => {
  it('reads a plain file as it is', async () => {
    const p = writeTemp(dir, 'plain.txt', text);
    const s = await openDecompressed(p);
    expect(s.compression).toBe('none');
    expect(await readAll(p)).toBe(text);
  });

  it('joins every member of a multi-member gzip file', async () => {
    const p = writeTemp(dir, 'multi.gz', Buffer.concat([gzipSync('first member\n'), gzipSync('second member\n'), gzipSync(text)]));
    expect(await readAll(p)).toBe(`first member\nsecond member\n${text}`);
  });

  it('decides by content, not by name: a gzip file called .jsonl is still gunzipped', async () => {
    const p = writeTemp(dir, 'lying.jsonl', gzipSync(text));
    expect((await openDecompressed(p)).compression).toBe('gzip');
    expect(await readAll(p)).toBe(text);
  });

  it('reads a hand-built zstd frame of raw blocks (several blocks, over 128 KiB)', async () => {
    const big = Buffer.from(text.repeat(3));
    expect(big.length).toBeGreaterThan(128 << 10);
    const p = writeTemp(dir, 'raw.zst', zstdRawFrame(big));
    const s = await openDecompressed(p);
    expect(s.compression).toBe('zstd');
    expect(await readAll(p)).toBe(big.toString());
  });

  it.skipIf(!hasZstd)('reads a file compressed by the zstd command-line tool', async () => {
    const src = writeTemp(dir, 'cli.txt', text);
    execFileSync('zstd', ['-q', '-f', '-19', src, '-o', `${src}.zst`]);
    expect(await readAll(`${src}.zst`)).toBe(text);
  });

  it('reports a gzip stream cut short as truncated_gzip with the compressed offset', async () => {
    const whole = gzipSync(text);
    const p = writeTemp(dir, 'cut.gz', whole.subarray(0, whole.length - 100));
    const err = await readAll(p).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CompressedInputError);
    const e = err as CompressedInputError;
    expect(e.reason).toBe('truncated_gzip');
    expect(e.offset).toBe(whole.length - 100);
    expect(e.message).toContain(p);
  });

  it('reports garbage after the last gzip member as corrupt_gzip', async () => {
    const p = writeTemp(dir, 'garbage.gz', Buffer.concat([gzipSync('ok\n'), Buffer.from('this is not gzip')]));
    await expect(readAll(p)).rejects.toMatchObject({ reason: 'corrupt_gzip' });
  });

  it('reports a zstd frame cut short as truncated_zstd', async () => {
    const frame = zstdRawFrame(Buffer.from(text));
    const p = writeTemp(dir, 'cut.zst', frame.subarray(0, frame.length - 10));
    await expect(readAll(p)).rejects.toMatchObject({ reason: 'truncated_zstd' });
  });

  it('gives nothing for an empty file', async () => {
    const p = writeTemp(dir, 'empty.gz', '');
    expect(await collect(readDecompressed(p))).toEqual([]);
  });
});

describe.skipIf(!existsSync(new URL('../../../shared/data/warc/malformed/clipped.warc.gz', import.meta.url)))('on the shared malformed gzip', () => {
  it('stops clipped.warc.gz at its real end with truncated_gzip', async () => {
    const p = new URL('../../../shared/data/warc/malformed/clipped.warc.gz', import.meta.url).pathname;
    await expect(readAll(p)).rejects.toMatchObject({ reason: 'truncated_gzip', offset: 18184 });
  });
});
