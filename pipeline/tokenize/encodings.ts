// One encoding per worker thread: loading a 100k-token BPE costs far more than a small task, so every task
// of a thread shares the one it loaded.

import { getEncoding, type Encoding } from '../../tokenizer/index.js';

const encodings = new Map<string, Encoding>();

/** The encoding `name` names (a tiktoken name or a trained vocabulary's folder), loaded once per thread. */
export function encodingFor(name: string): Encoding {
  let e = encodings.get(name);
  if (!e) encodings.set(name, (e = getEncoding(name)));
  return e;
}

/** Whether this thread has loaded `name` already (a trained vocabulary is checked once, before its first load). */
export function encodingLoaded(name: string): boolean {
  return encodings.has(name);
}

/** Loads a tokenizer ahead of the first task that needs it (a pool thread does so while it waits). */
export function warmEncoding(name: string): void {
  encodingFor(name);
}
