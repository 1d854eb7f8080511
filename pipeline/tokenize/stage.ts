// The tokenize stage: text → token ids with EOS appended, as the encoding's ordinary text
// (special-token text inside a document stays plain text). Runs inside each task's worker thread.

import type { Doc } from '../core/doc.js';
import type { Stage } from '../core/stage.js';
import type { Encoding } from '../../tokenizer/index.js';

export const TOKENIZE_STAGE = 'tokenize';

export function tokenizeStage(encoding: Encoding): Stage {
  return async function* tokenize(docs, ctx) {
    const stats = ctx.stats.stage(ctx.stageName);
    for await (const doc of docs) {
      if (doc.text.length === 0) {
        ctx.stats.drop(ctx.stageName, 'empty');
        continue;
      }
      const ids = encoding.encode(doc.text);
      const tokens = new Uint32Array(ids.length + 1);
      tokens.set(ids);
      tokens[ids.length] = encoding.eosId;
      stats.counters.tokens = (stats.counters.tokens ?? 0) + tokens.length;
      stats.counters.chars = (stats.counters.chars ?? 0) + doc.text.length;
      yield { ...doc, tokens } satisfies Doc;
    }
  };
}
