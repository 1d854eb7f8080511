// Reading a large object as several ranged GETs at once, passed on in order: one HTTP stream from an object
// store tops out well below what the disk or the decompressor takes (on AWS about 100 MB/s a connection), so,
// like the AWS CLI and s5cmd, the next blocks are requested while the reader drains the current one
// (./read-adaptive.ts decides when that pays). Each block is its own `readRanged` read, so it keeps that read's
// retries, resumption at the byte reached and ETag check; memory is bounded by `concurrency × blockBytes` of
// bytes received and not yet passed on; GETs are added while the reader waits.

import type { Backend } from './backend.js';
import { readRanged, type ObjectVersion, type ReadOptions } from './read.js';

export interface ReadAheadTuning {
  /** Bytes one GET asks for. */
  blockBytes: number;
  /** The most GETs in flight. */
  concurrency: number;
  /** Called with the bytes held (received, not yet passed on) whenever that changes; for tests and benchmarks. */
  onBuffered?: (bytes: number) => void;
  /** Called with the GETs in flight or not yet passed on whenever one is added. */
  onBlocks?: (blocks: number) => void;
}

/** Up to 4 GETs of 8 MiB: at most 32 MiB held; `BIGLM_READ_CONCURRENCY` / `BIGLM_READ_BLOCK_MB` change it (1 GET: one stream, storage/index.ts). */
export function readAheadTuning(env: NodeJS.ProcessEnv = process.env): ReadAheadTuning {
  const concurrency = Number(env.BIGLM_READ_CONCURRENCY ?? 4);
  const blockMB = Number(env.BIGLM_READ_BLOCK_MB ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new Error(`BIGLM_READ_CONCURRENCY=${env.BIGLM_READ_CONCURRENCY}: give a whole number of GETs from 1 to 64`);
  }
  if (!(blockMB >= 1 && blockMB <= 1024)) throw new Error(`BIGLM_READ_BLOCK_MB=${env.BIGLM_READ_BLOCK_MB}: give a block size in MiB from 1 to 1024`);
  return { concurrency, blockBytes: Math.round(blockMB * (1 << 20)) };
}

/** One ranged GET's bytes as they arrive, until the reader takes them. */
class Block {
  readonly chunks: Buffer[] = [];
  done = false;
  error: unknown = undefined;
  private wake: (() => void) | null = null;
  constructor(
    readonly start: number,
    readonly end: number | undefined,
  ) {}

  notify(): void {
    this.wake?.();
    this.wake = null;
  }

  arrival(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}

/**
 * The bytes `[start, end)` of an object, in order. The first block's answer names the object's version and
 * size (checked against `opts`, when it names them); only then are the next blocks requested, each checked
 * against that version. An object
 * whose store names no version (no ETag) is read on as one stream, since blocks of two versions could not be
 * told apart, and so is one from a server that answered the first block's range with the whole object.
 */
export async function* readAhead(backend: Backend, location: string, opts: ReadOptions, tuning: ReadAheadTuning): AsyncGenerator<Buffer> {
  const start = opts.start ?? 0;
  let end = opts.end;
  if (end === undefined && opts.size !== undefined) end = opts.size;
  // set from the first block's answer: what every later block is checked against
  let version: ObjectVersion | undefined;
  const blocks: Block[] = [];
  let next = start;
  let held = 0;
  let cancelled = false;
  const report = (delta: number) => {
    held += delta;
    tuning.onBuffered?.(held);
  };

  const pump = async (block: Block, onVersion?: (v: Partial<ObjectVersion> & { ranged: boolean }) => void): Promise<void> => {
    const range = readRanged(backend, location, {
      start: block.start,
      end: block.end,
      etag: version?.etag ?? opts.etag,
      size: version?.size ?? opts.size,
      policy: opts.policy,
      onVersion,
    });
    try {
      for await (const c of range) {
        if (cancelled) break;
        block.chunks.push(c);
        report(c.length);
        block.notify();
      }
    } catch (e) {
      block.error = e;
    } finally {
      block.done = true;
      block.notify();
    }
  };

  const fill = (most = tuning.concurrency) => {
    for (let added = 0; added < most && version && !cancelled && blocks.length < tuning.concurrency && next < end!; added++) {
      const b = new Block(next, Math.min(end!, next + tuning.blockBytes));
      next = b.end!;
      blocks.push(b);
      tuning.onBlocks?.(blocks.length);
      void pump(b);
    }
  };
  // Two blocks in flight to begin with, one more each time the reader reaches a block still arriving (up to
  // `concurrency`): when the network keeps ahead of the reader (a store next door, a slow decompressor) two
  // GETs suffice and little is held; when the reader waits on the network, GETs are added until it does not.
  let target = Math.min(2, tuning.concurrency);
  const topUp = () => fill(Math.max(0, target - blocks.length));

  // The first block alone: its answer says the version, the size and whether ranges are honoured.
  const first = new Block(start, Math.min(end ?? Infinity, start + tuning.blockBytes));
  next = first.end!;
  blocks.push(first);
  void pump(first, (v) => {
    if (v.size !== undefined) end = Math.min(end ?? v.size, v.size);
    // a server that sent the whole object for a range would send it again for each block
    if (v.etag === undefined || v.size === undefined || !v.ranged) return;
    version = { etag: v.etag, size: v.size };
    end = Math.min(end ?? v.size, v.size);
    topUp();
  });

  try {
    while (blocks.length > 0) {
      const b = blocks[0];
      for (;;) {
        const c = b.chunks.shift();
        if (c) {
          report(-c.length);
          yield c;
          continue;
        }
        if (b.done) break;
        await b.arrival();
      }
      if (b.error !== undefined) throw b.error;
      blocks.shift();
      if (blocks.length === 0 && version === undefined && b === first && b.end !== undefined && (end === undefined || b.end < end)) {
        // No version to check blocks against (or no size to plan them by): the rest as one stream.
        yield* readRanged(backend, location, { start: b.end, end, etag: opts.etag, size: opts.size, policy: opts.policy });
        return;
      }
      // the next block not there yet when the reader reaches it: the network is behind, one more GET
      if (blocks.length > 0 && !blocks[0].done) target = Math.min(tuning.concurrency, target + 1);
      topUp();
    }
  } finally {
    cancelled = true;
  }
}
