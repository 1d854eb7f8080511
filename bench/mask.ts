// Benchmark of `biglm mask`: rows/s and tokens/s for each objective (one thread, then a worker pool),
// peak RSS, and span placement against the upstream (Megatron) candidate-shuffle method measured in the
// same run: its speed and how far short of the budget it falls.
//
//   npx tsc -p . && node dist/bench/mask.js [--run DIR] [--files 500] [--repeat 2] [--shards 4] [--workers 4]
//
// Without --run it builds a prepared run from the Brown corpus (a dev dependency), tokenized with gpt2.

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../lib/rng.js';
import { resolveMaskConfig, type Objective } from '../pipeline/mask/config.js';
import { runMask } from '../pipeline/mask/run.js';
import { placeSpans, spanCdf, SpanScratch } from '../pipeline/mask/spans.js';
import { brownParagraphs, tokenizeDocs, writeTokenRun } from '../test/mask/fixtures.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    files: { type: 'string', default: '500' },
    repeat: { type: 'string', default: '2' },
    shards: { type: 'string', default: '4' },
    workers: { type: 'string', default: String(Math.min(4, os.availableParallelism())) },
    'seq-len': { type: 'string', default: '128' },
  },
});

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-mask-'));
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

try {
  let runDir = values.run;
  if (!runDir) {
    runDir = path.join(tmp, 'run');
    const t0 = performance.now();
    const docs = tokenizeDocs(brownParagraphs(Number(values.files)));
    const all = Array.from({ length: Number(values.repeat) }, () => docs).flat();
    const n = Number(values.shards);
    const per = Math.ceil(all.length / n);
    writeTokenRun(runDir, Array.from({ length: n }, (_, k) => all.slice(k * per, (k + 1) * per)));
    const tokens = all.reduce((s, d) => s + d.length, 0);
    console.log(`input: Brown corpus ×${values.repeat}, ${all.length} documents, ${tokens} tokens, ${n} shards (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const seqLen = Number(values['seq-len']);
  const workers = Number(values.workers);
  const results: Record<string, number> = {};
  const runs: [Objective, number][] = [['biglm', 1], ['bert', 1], ['diffusion', 1], ['biglm', workers]];
  // Warm-up (JIT, file cache), not reported.
  await runMask({ run: runDir, out: path.join(tmp, 'warm-up'), config: resolveMaskConfig({ seqLen }), workers: 1, log: { info() {}, warn() {} } });
  rmSync(path.join(tmp, 'warm-up'), { recursive: true, force: true });
  console.log(`\nobjective   workers  rows/s     tokens/s    out MB/s  rows    masked %`);
  for (const [objective, w] of runs) {
    const out = path.join(tmp, `${objective}-${w}`);
    const t0 = performance.now();
    const m = await runMask({ run: runDir, out, config: resolveMaskConfig({ objective, seqLen }), workers: w, log: { info() {}, warn() {} } });
    const s = (performance.now() - t0) / 1000;
    const bytes = [...m.shards, ...m.valid_shards].reduce((n, e) => n + e.bytes, 0);
    results[`${objective}-${w}`] = m.totals.rows / s;
    console.log(
      `${objective.padEnd(11)} ${String(w).padEnd(8)} ${(m.totals.rows / s).toFixed(0).padEnd(10)} ${(m.totals.tokens / s).toFixed(0).padEnd(11)} ` +
        `${mb(bytes / s).padEnd(9)} ${String(m.totals.rows).padEnd(7)} ${((100 * m.totals.maskedTokens) / m.totals.tokens).toFixed(1)}`,
    );
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`biglm vs bert (1 thread): ${(results['biglm-1'] / results['bert-1']).toFixed(2)}×; biglm ${workers} workers vs 1: ${(results[`biglm-${workers}`] / results['biglm-1']).toFixed(2)}×`);

  spanPlacement();
  console.log(`\npeak RSS: ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** Our exact-budget placement against upstream's shuffled-candidates-with-overlap-skip, same budgets. */
function spanPlacement(): void {
  const cdf = spanCdf(3);
  const scratch = new SpanScratch(128);
  const cases: [number, number][] = [];
  const rng = new Rng(1, 'bench-cases');
  for (let i = 0; i < 200_000; i++) {
    const m = rng.int(5, 100);
    cases.push([m, Math.max(1, Math.round(rng.next() * m))]); // target regions, r ~ U(0,1)
  }
  const ours = new Rng(2);
  let t0 = performance.now();
  let placed = 0;
  for (const [m, budget] of cases) {
    const n = placeSpans(m, budget, cdf, ours, scratch);
    for (let k = 0; k < n; k++) placed += scratch.lengths[k];
  }
  const oursMs = performance.now() - t0;

  const theirs = new Rng(2);
  const covered = new Uint8Array(128);
  const order = new Int32Array(128);
  let upstreamPlaced = 0;
  let wanted = 0;
  t0 = performance.now();
  for (const [m, budget] of cases) {
    // Megatron create_masked_lm_predictions: shuffle start positions, draw n (1/n law over the n-grams that
    // fit), shrink n to the budget left, skip the candidate if it overlaps an earlier span.
    wanted += budget;
    covered.fill(0, 0, m);
    for (let i = 0; i < m; i++) order[i] = i;
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(theirs.next() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let done = 0;
    for (let c = 0; c < m && done < budget; c++) {
      const start = order[c];
      const fit = Math.min(3, m - start);
      const u = theirs.next() * cdf[fit - 1];
      let n = 1;
      while (u >= cdf[n - 1]) n++;
      if (n > budget - done) n = budget - done;
      let free = true;
      for (let p = start; p < start + n; p++) if (covered[p]) free = false;
      if (!free) continue;
      for (let p = start; p < start + n; p++) covered[p] = 1;
      done += n;
    }
    upstreamPlaced += done;
  }
  const upstreamMs = performance.now() - t0;
  console.log(`\nspan placement, ${cases.length} target regions of 5–99 tokens, budget round(r·L):`);
  console.log(`  ours (draw lengths, place uniformly): ${((cases.length / oursMs) * 1000).toFixed(0)} regions/s, ${((100 * placed) / wanted).toFixed(2)} % of the budget masked`);
  console.log(`  upstream-style (shuffle + skip overlaps): ${((cases.length / upstreamMs) * 1000).toFixed(0)} regions/s, ${((100 * upstreamPlaced) / wanted).toFixed(2)} % of the budget masked`);
  console.log(`  speed ratio ours/upstream: ${(upstreamMs / oursMs).toFixed(2)}×`);
}
