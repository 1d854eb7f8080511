// Reading an object from S3 or HTTP(S) at the pace the reader can use. One GET stream, read as the reader
// pulls (the rest waits in the socket), costs the least CPU and memory, and is all a reader slower than one
// connection needs (a gzip inflater next to a store on the same network). When the reader is left waiting on
// that stream instead, the rest of the object is read as several ranged GETs at once (./read-ahead.ts), as the
// AWS CLI and s5cmd do against a distant store (on AWS about 100 MB/s a connection); that is kept only if the
// bytes then come faster, else the read goes back to one stream (a store on the same machine, whose CPU is the
// limit, gives no more to more connections). It tries read-ahead once per object.

import type { Backend } from './backend.js';
import { readRanged, type ObjectVersion, type ReadOptions } from './read.js';
import { readAhead, type ReadAheadTuning } from './read-ahead.js';

/**
 * The reader is starved when it waited for bytes this share of the time it read a window of the stream, in
 * this many windows in a row (one window can be a scheduling hiccup on a busy machine).
 */
const STARVED = 0.5;
const STARVED_WINDOWS = 2;
/** Read-ahead stays only if it passes bytes on at least this many times the stream's rate. */
const PAYS = 1.15;

export interface AdaptiveReadEvents {
  /** Called when the read changes how it reads, with the offset it changes at; for tests and benchmarks. */
  onMode?: (mode: 'read-ahead' | 'stream', offset: number) => void;
}

type Answer = Partial<ObjectVersion> & { ranged: boolean };

export async function* readAdaptive(
  backend: Backend,
  location: string,
  opts: ReadOptions,
  tuning: ReadAheadTuning & AdaptiveReadEvents,
): AsyncGenerator<Buffer> {
  const window = tuning.blockBytes;
  let pos = opts.start ?? 0;
  let answer: Answer | undefined;
  let tried = false;
  for (;;) {
    // One stream from `pos`, timed in windows of one block: how long the reader waited for bytes in each.
    const stream = readRanged(backend, location, {
      ...opts,
      start: pos,
      etag: answer?.etag ?? opts.etag,
      size: answer?.size ?? opts.size,
      onVersion: (v) => {
        if (answer === undefined) opts.onVersion?.(v);
        answer ??= v;
      },
    });
    let streamRate = 0;
    let split = false;
    try {
      let bytes = 0;
      let waited = 0;
      let starvedWindows = 0;
      let since = performance.now();
      for (;;) {
        const t = performance.now();
        const r = await stream.next();
        waited += performance.now() - t;
        if (r.done) return;
        pos += r.value.length;
        bytes += r.value.length;
        yield r.value;
        if (bytes < window) continue;
        const span = performance.now() - since;
        const end = Math.min(opts.end ?? Infinity, answer?.size ?? Infinity);
        // blocks need a version to be checked against and a server that honours ranges
        const splittable = !tried && answer?.etag !== undefined && answer.size !== undefined && answer.ranged && end - pos > 2 * window;
        starvedWindows = waited > STARVED * span ? starvedWindows + 1 : 0;
        if (splittable && starvedWindows >= STARVED_WINDOWS) {
          streamRate = bytes / span;
          split = true;
          break;
        }
        bytes = 0;
        waited = 0;
        since = performance.now();
      }
    } finally {
      await stream.return(undefined);
    }
    if (!split) return;

    // The rest as blocks, judged on two windows after the first (which ramps up).
    tried = true;
    tuning.onMode?.('read-ahead', pos);
    // judged by the bytes received (passed on and held), not passed on alone: blocks received ahead would
    // flatter a short measure
    let held = 0;
    const onBuffered = (n: number) => {
      held = n;
      tuning.onBuffered?.(n);
    };
    const ahead = readAhead(backend, location, { start: pos, end: opts.end, etag: answer!.etag, size: answer!.size, policy: opts.policy }, { ...tuning, onBuffered });
    let back = false;
    try {
      let passed = 0;
      let since = 0;
      let receivedBefore = 0;
      let judged = false;
      for (;;) {
        const r = await ahead.next();
        if (r.done) return;
        pos += r.value.length;
        passed += r.value.length;
        yield r.value;
        if (judged) continue;
        if (since === 0 && passed >= window) {
          since = performance.now();
          receivedBefore = passed + held;
        } else if (since > 0 && passed + held - receivedBefore >= 2 * window) {
          judged = true;
          if ((passed + held - receivedBefore) / (performance.now() - since) < PAYS * streamRate) {
            back = true;
            break;
          }
        }
      }
    } finally {
      await ahead.return(undefined);
    }
    if (!back) return;
    tuning.onMode?.('stream', pos);
  }
}
