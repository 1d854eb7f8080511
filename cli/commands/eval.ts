// `biglm eval --checkpoint DIR --examples DIR`: scores a checkpoint on every held-out row of an examples
// directory, next to the unigram and bigram baselines of the same positions (model/eval.ts).

import * as path from 'node:path';
import { parseCommand, UsageError } from '../args.js';
import { consoleLogger } from '../../lib/log.js';
import { getEncoding } from '../../tokenizer/index.js';
import { BACKEND_CHOICES, initBackend, releaseBackend, type BackendChoice } from '../../model/backend.js';
import { countTrainingLabels } from '../../model/baselines.js';
import { disposeParams } from '../../model/biglm.js';
import { loadCheckpoint, resolveCheckpointDir } from '../../model/checkpoint.js';
import { tokenizerRef } from '../../model/data.js';
import { readExamplesManifest } from '../../formats/examples/manifest.js';
import { evaluateHeldOut, formatEvalReport } from '../../model/eval.js';

const EVAL_HELP = `usage: biglm eval --checkpoint DIR [--examples DIR] [options]

Scores a checkpoint on every held-out row (valid_shards) of an examples directory: masked-token loss and
accuracy, by source/target role and by corpus, the most frequent prediction's share, the length head's
accuracy, and the unigram and left-neighbour bigram cross-entropy of the same positions (counted on the
training split's labels).

options:
  --checkpoint DIR   a run directory (its newest checkpoint) or a checkpoint directory
  --examples DIR     examples directory (default: the one the checkpoint was trained on)
  --batch N          rows per forward pass (default 16)
  --backend B        ${BACKEND_CHOICES.join(' | ')} (default auto)
  --json             print the report as JSON
  -h, --help         this text
`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    {
      checkpoint: { type: 'string' },
      examples: { type: 'string' },
      batch: { type: 'string', default: '16' },
      backend: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
    },
    EVAL_HELP,
  );
  if (wantsHelp) {
    process.stdout.write(EVAL_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`biglm eval: takes no positional arguments, got ${positionals.join(' ')}\n\n${EVAL_HELP}`);
  if (!values.checkpoint) throw new Error('biglm eval: --checkpoint is required (see --help)');
  if (!(BACKEND_CHOICES as readonly string[]).includes(values.backend!)) throw new Error(`--backend: '${values.backend}' is not one of ${BACKEND_CHOICES.join(', ')}`);
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`--batch: expected a positive integer, got '${values.batch}'`);
  const log = consoleLogger('');
  const dir = await resolveCheckpointDir(path.resolve(values.checkpoint));
  if (!dir) throw new Error(`${values.checkpoint}: no checkpoint (neither model.safetensors nor checkpoints/latest)`);
  const backend = await initBackend(values.backend as BackendChoice, log);
  log.info(`backend: ${backend.detail}`);
  try {
    const ck = await loadCheckpoint(dir);
    const examples = values.examples ?? ck.config.train?.examples;
    if (!examples) throw new Error(`${dir}: the checkpoint does not record its examples directory; pass --examples DIR`);
    const manifest = await readExamplesManifest(examples);
    if (manifest.tokenizer.embeddingSize !== ck.config.model.vocabSize) {
      throw new Error(`${examples}: tokenizer '${manifest.tokenizer.name}' (${manifest.tokenizer.embeddingSize} rows) does not match the checkpoint's ${ck.config.model.vocabSize}; pass the examples it was trained on`);
    }
    if (manifest.valid_shards.length === 0) throw new Error(`${examples}: the manifest lists no valid_shards (held-out rows); mask with validFraction > 0`);
    if (manifest.seqLen > ck.config.model.maxSeqLen) throw new Error(`${examples}: rows of ${manifest.seqLen} tokens, the checkpoint takes at most ${ck.config.model.maxSeqLen}`);
    try {
      const counts = countTrainingLabels(examples, manifest, log);
      const report = await evaluateHeldOut(ck.config.model, ck.params, { dir: examples, manifest, counts, batchSize: batch, log });
      if (values.json) {
        process.stdout.write(JSON.stringify({ checkpoint: dir, examples: path.resolve(examples), step: ck.state.step, ...report }) + '\n');
      } else {
        let describe = (id: number) => `#${id}`;
        let free = () => {};
        try {
          const enc = getEncoding(await tokenizerRef(examples, manifest));
          describe = (id) => `#${id} ${JSON.stringify(enc.decode([id]))}`;
          free = () => enc.free();
        } catch (err) {
          log.warn(`tokenizer not loaded (${(err as Error).message}); predictions shown as ids`);
        }
        process.stdout.write(`${dir} (step ${ck.state.step}) on ${path.resolve(examples)}\n`);
        for (const l of formatEvalReport(report, describe)) process.stdout.write(l + '\n');
        free();
      }
    } finally {
      disposeParams(ck.params);
    }
  } finally {
    releaseBackend();
  }
  return 0;
}
