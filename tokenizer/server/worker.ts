// Piscina worker of the tokenizer service: one request per task; the response bytes are transferred
// back to the HTTP thread, not copied.

import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { handle, preload, type HandleTask } from './handle.js';

// Load the default encoding when the thread starts, not inside the first request's latency.
const init = workerData as { defaultEncoding?: string; trained?: Record<string, string> } | undefined;
if (init?.defaultEncoding !== undefined) preload(init.defaultEncoding, init.trained ?? {});

export default function run(task: HandleTask): ReturnType<typeof move> {
  const result = handle(task);
  return move({
    get [transferableSymbol]() {
      return [result.body.buffer];
    },
    get [valueSymbol]() {
      return result;
    },
  });
}
