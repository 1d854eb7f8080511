// Compressions biglm does not decode, told by their magic bytes, so an input in one of them is refused
// before the run starts (exit 2, with what to do) rather than read as garbage.

import { promises as fs } from 'node:fs';

const KINDS: { name: string; magic: number[]; tool: string }[] = [
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], tool: 'bzip2 -dc' },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], tool: 'xz -dc' },
  { name: 'lzma', magic: [0x5d, 0x00, 0x00], tool: 'xz --format=lzma -dc' },
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18], tool: 'lz4 -dc' },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], tool: 'unzip -p' },
];

/** The unsupported compression these first bytes start, if any. */
export function unsupportedCompression(head: Uint8Array): { name: string; tool: string } | null {
  for (const k of KINDS) if (k.magic.every((b, i) => head[i] === b)) return k;
  return null;
}

/** Reads a file's first bytes and names its unsupported compression, if any. */
export async function unsupportedCompressionOf(path: string): Promise<{ name: string; tool: string } | null> {
  const fh = await fs.open(path, 'r');
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await fh.read(head, 0, 6, 0);
    return unsupportedCompression(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** What a user should do with such a file. */
export function recompressAdvice(path: string, kind: { name: string; tool: string }): string {
  return `${path} is ${kind.name}-compressed, which biglm does not read (it reads plain, gzip and zstd files); recompress it, e.g. \`${kind.tool} ${path} | zstd -o ${path.replace(/\.(bz2|xz|lzma|lz4|zip)$/i, '')}.zst\``;
}
