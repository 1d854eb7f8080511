// What `make train` learned, from its metrics.jsonl: the held-out figures of the last evaluation against
// the targets (loss ≥ 0.5 nats below the unigram cross-entropy of the same positions, accuracy ≥ 2× the
// top-1-unigram rate, source accuracy above target accuracy, the most frequent prediction under 30 % of
// positions), and the curve: held-out loss against tokens and training minutes. Reads a finished run,
// trains nothing (a timed run belongs to `make train` on a quiet machine).
//
//   node dist/bench/train-learning.js [RUN_DIR]      (default runs/train-tiny; BENCH_TRAIN_RUN too)

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Line {
  type: string;
  step: number;
  [k: string]: unknown;
}

function main(): void {
  const run = path.resolve(process.argv[2] ?? process.env.BENCH_TRAIN_RUN ?? 'runs/train-tiny');
  const file = path.join(run, 'metrics.jsonl');
  if (!existsSync(file)) {
    console.log(`train-learning: skipped, ${file} does not exist (run \`make train\` first)`);
    return;
  }
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
  const train = lines.filter((l) => l.type === 'train');
  const evals = lines.filter((l) => l.type === 'eval' && typeof l.unigram_ce === 'number');
  if (evals.length === 0) {
    console.log(`train-learning: skipped, ${file} has no evaluation with baselines (a run from before they were logged?)`);
    return;
  }
  // Training minutes up to each step: the sum of step times (evaluations and checkpoints excluded).
  const minutesAt = new Map<number, number>();
  let ms = 0;
  for (const t of train) minutesAt.set(t.step, (ms += t.step_ms as number) / 60000);
  const n = (l: Line, k: string) => l[k] as number;
  console.log(`held-out curve of ${run} (all ${n(evals[0], 'eval_rows')} held-out rows, ${n(evals[0], 'eval_positions')} masked tokens):`);
  console.log('| step | tokens | training min | held-out loss | unigram CE | bigram CE | loss − unigram | accuracy | top-1 unigram | top prediction share |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const e of evals) {
    console.log(
      `| ${e.step} | ${n(e, 'tokens')} | ${(minutesAt.get(e.step) ?? NaN).toFixed(1)} | ${n(e, 'eval_loss').toFixed(3)} | ${n(e, 'unigram_ce').toFixed(3)} | ${n(e, 'bigram_ce').toFixed(3)} | ${(n(e, 'eval_loss') - n(e, 'unigram_ce')).toFixed(3)} | ${(100 * n(e, 'eval_accuracy')).toFixed(1)} % | ${(100 * n(e, 'top1_unigram_accuracy')).toFixed(1)} % | ${(100 * n(e, 'top_prediction_share')).toFixed(1)} % |`,
    );
  }
  const last = evals[evals.length - 1];
  const tps = train.slice(1).map((t) => n(t, 'tokens_per_s')).sort((a, b) => a - b);
  const targets = [
    ['held-out loss ≥ 0.5 nats below unigram', n(last, 'unigram_ce') - n(last, 'eval_loss'), (x: number) => x >= 0.5, (x: number) => `${x.toFixed(3)} nats below`],
    ['accuracy ≥ 2× top-1 unigram', n(last, 'eval_accuracy') / n(last, 'top1_unigram_accuracy'), (x: number) => x >= 2, (x: number) => `${x.toFixed(2)}×`],
    ['source accuracy > target accuracy', n(last, 'eval_source_accuracy') - n(last, 'eval_target_accuracy'), (x: number) => x > 0, (x: number) => `${(100 * x).toFixed(1)} points`],
    ['most frequent prediction < 30 %', n(last, 'top_prediction_share'), (x: number) => x < 0.3, (x: number) => `${(100 * x).toFixed(1)} %`],
  ] as const;
  console.log(`\nafter ${last.step} steps, ${n(last, 'tokens')} tokens, ${(minutesAt.get(last.step) ?? NaN).toFixed(1)} training minutes (median ${tps[tps.length >> 1] ?? 0} tokens/s; wall time on a loaded machine says little):`);
  for (const [name, value, ok, show] of targets) console.log(`  ${ok(value) ? 'met    ' : 'not met'}  ${name}: ${show(value)}`);
  console.log(JSON.stringify({ bench: 'train-learning', run, step: last.step, tokens: last.tokens, eval_loss: last.eval_loss, unigram_ce: last.unigram_ce, bigram_ce: last.bigram_ce, accuracy: last.eval_accuracy, top1_unigram_accuracy: last.top1_unigram_accuracy, source_accuracy: last.eval_source_accuracy, target_accuracy: last.eval_target_accuracy, top_prediction_share: last.top_prediction_share, length_accuracy: last.eval_length_accuracy }));
}

main();
