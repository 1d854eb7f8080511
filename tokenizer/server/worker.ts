// Piscina worker of the tokenizer service: one request per task; the response bytes are transferred
// back to the HTTP thread, not copied.

import { move, transferableSymbol, valueSymbol } from 'piscina';
import { handle, type HandleTask } from './handle.js';

export default function run(task: HandleTask) {
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
