// The tokenize stage: text → token ids with EOS appended, as the encoding's ordinary text
// (special-token text inside a document stays plain text). Runs inside each task's worker thread.
// A registered stage: a config may place it (last, only the writers follow it); the plan places it after
// the last stage when the config does not.

import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import type { Stage, StageDefinition } from '../core/stage.js';
import type { Encoding } from '../../tokenizer/index.js';
import { encodingFor } from './encodings.js';

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

const tokenizeSchema = z.object({}).strict();

export const tokenizeDefinition: StageDefinition<typeof tokenizeSchema> = {
  type: TOKENIZE_STAGE,
  description:
    "Token ids of each document's text with EOS appended, by the config's `tokenizer` (drops empty texts as tokenize:empty). " +
    'The last stage: only the writers of `output` follow it; placed there when the config does not name it.',
  schema: tokenizeSchema,
  create(_options, setup) {
    const name = setup.encoding;
    if (name === undefined) throw new Error(`stage '${setup.stageName}' (tokenize) needs the run's encoding in its setup`);
    // Loaded when the task starts streaming, once per thread (a trained vocabulary is verified by then).
    return (docs, ctx) => tokenizeStage(encodingFor(name))(docs, ctx);
  },
};

export const definitions = [tokenizeDefinition];
