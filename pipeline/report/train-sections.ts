// The report of a training run (`biglm train`), from metrics.jsonl: loss and held-out loss, learning rate,
// gradient norm, tokens/s, masked-token accuracy, and every other number the trainer logs. Keys are read
// as they come: a metric the trainer does not (yet) write is simply not drawn, and one it adds later is
// drawn under "Other metrics" without a change here.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readTrainFiles, type MetricLine } from './run-files.js';
import { lineChart, type LineSeries } from './charts.js';
import { cards, escapeHtml, int, note, num, table, type Section } from './html.js';
import { REPORT_FILE } from './report-path.js';

/** Keys that are bookkeeping, not curves: the step itself, cumulative tokens, and the step's raw time. */
const NOT_CURVES = new Set(['type', 'step', 'tokens', 'step_ms']);

function series(metrics: MetricLine[], type: string, key: string, name: string): LineSeries | undefined {
  const points = metrics.filter((m) => m.type === type && typeof m[key] === 'number').map((m) => ({ x: m.step, y: m[key] as number }));
  return points.length ? { name, points } : undefined;
}

const present = (s: (LineSeries | undefined)[]) => s.filter((x): x is LineSeries => x !== undefined);

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function trainSections(runDir: string): Promise<Section[]> {
  const { metrics, badLines, config, checkpoints } = await readTrainFiles(runDir);
  const train = metrics.filter((m) => m.type === 'train');
  const evals = metrics.filter((m) => m.type !== 'train');
  const last = train[train.length - 1];
  const num0 = (v: unknown) => (typeof v === 'number' ? v : NaN);
  const heldOut = evals.map((m) => num0(m.eval_loss)).filter(Number.isFinite);
  const model = (config?.model ?? {}) as Record<string, unknown>;
  const examples = typeof config?.examples === 'string' ? path.resolve(config.examples) : undefined;
  const examplesReport = examples ? path.join(examples, REPORT_FILE) : undefined;
  const link =
    examplesReport && existsSync(examplesReport)
      ? `<p>Trained on <a href="${escapeHtml(path.relative(runDir, examplesReport).split(path.sep).join('/'))}">${escapeHtml(examples!)}</a> (its report).</p>`
      : examples
        ? note(`Trained on ${examples}.`)
        : '';
  const summary: Section = {
    id: 'summary',
    title: 'Summary',
    html:
      cards([
        { label: 'steps', value: int(last?.step ?? 0), note: typeof config?.steps === 'number' ? `of ${int(config.steps)} planned` : undefined },
        { label: 'last training loss', value: num(num0(last?.loss), 4) },
        { label: 'held-out loss', value: heldOut.length ? num(heldOut[heldOut.length - 1], 4) : '–', note: heldOut.length ? `best ${num(Math.min(...heldOut), 4)}` : 'not computed' },
        { label: 'tokens seen', value: int(num0(last?.tokens) || 0) },
        { label: 'tokens / s', value: int(median(train.map((m) => num0(m.tokens_per_s)).filter(Number.isFinite)) || 0), note: 'median over steps' },
        {
          label: 'model',
          value: model.nLayers !== undefined ? `${model.nLayers} × ${model.dModel}` : '–',
          note: typeof config?.backend === 'string' ? `backend ${config.backend}` : undefined,
        },
      ]) +
      link +
      (badLines ? note(`${badLines} line(s) of metrics.jsonl did not parse and are left out (a run killed mid-write leaves one).`) : '') +
      (checkpoints.length ? note(`Checkpoints: ${checkpoints.join(', ')}.`) : ''),
  };
  if (metrics.length === 0) return [summary, { id: 'curves', title: 'Training curves', html: note('metrics.jsonl holds no steps yet.') }];

  const drawn = new Set<string>();
  const charts: string[] = [];
  const draw = (id: string, title: string, yLabel: string, list: (LineSeries | undefined)[], opts: { note?: string; yLog?: boolean } = {}) => {
    const s = present(list);
    if (s.length === 0) return;
    charts.push(lineChart({ id, title, note: opts.note, series: s, xLabel: 'step →', yLabel, yLog: opts.yLog }));
  };
  const keysOf = (type: 'train' | 'eval', test: (k: string) => boolean) =>
    [...new Set((type === 'train' ? train : evals).flatMap((m) => Object.keys(m).filter((k) => typeof m[k] === 'number' && !NOT_CURVES.has(k) && test(k))))];
  const mark = (type: string, keys: string[]) => keys.forEach((k) => drawn.add(`${type}:${k}`));

  const isLoss = (k: string) => /loss/.test(k) && !/length/.test(k);
  // The MLM loss is the loss itself when the length head is off: one line, not two on top of each other.
  const sameAsLoss = (k: string) => k !== 'loss' && train.every((m) => m[k] === m.loss);
  const trainLoss = keysOf('train', (k) => isLoss(k) && !sameAsLoss(k));
  mark('train', keysOf('train', (k) => isLoss(k) && sameAsLoss(k)));
  const evalLoss = keysOf('eval', isLoss);
  draw('loss', 'Loss', '↑ cross-entropy (nats)', [
    ...trainLoss.map((k) => series(metrics, 'train', k, k === 'loss' ? 'training loss' : k === 'mlm_loss' ? 'training MLM loss' : k)),
    ...evalLoss.map((k) => series(metrics, 'eval', k, k === 'eval_loss' ? 'held-out MLM loss' : `held-out ${k}`)),
  ], { note: 'Training loss per step (masked tokens of the batch); held-out loss on the validation split every evalEvery steps.' });
  mark('train', trainLoss);
  mark('eval', evalLoss);

  const lengthKeys = { train: keysOf('train', (k) => /length/.test(k) && /loss/.test(k)), eval: keysOf('eval', (k) => /length/.test(k) && /loss/.test(k)) };
  const lengthUsed = [...train, ...evals].some((m) => [...lengthKeys.train, ...lengthKeys.eval].some((k) => typeof m[k] === 'number' && (m[k] as number) !== 0));
  if (lengthUsed) {
    draw('length-loss', 'Length-head loss', '↑ cross-entropy (nats)', [
      ...lengthKeys.train.map((k) => series(metrics, 'train', k, k)),
      ...lengthKeys.eval.map((k) => series(metrics, 'eval', k, `held-out ${k}`)),
    ]);
  }
  mark('train', lengthKeys.train);
  mark('eval', lengthKeys.eval);

  const accTrain = keysOf('train', (k) => /acc/.test(k));
  const accEval = keysOf('eval', (k) => /acc/.test(k));
  draw('accuracy', 'Masked-token accuracy', '↑ accuracy', [...accTrain.map((k) => series(metrics, 'train', k, k)), ...accEval.map((k) => series(metrics, 'eval', k, `held-out ${k}`))]);
  mark('train', accTrain);
  mark('eval', accEval);
  if (accTrain.length + accEval.length === 0) charts.push(note('No accuracy in metrics.jsonl: this trainer version does not log it.'));

  draw('lr', 'Learning rate', '↑ learning rate', [series(metrics, 'train', 'lr', 'learning rate')], { note: 'Warmup, then cosine decay.' });
  draw('grad-norm', 'Gradient norm', '↑ global L2 norm', [series(metrics, 'train', 'grad_norm', 'gradient norm')], { note: 'Before clipping.' });
  draw('tokens-per-s', 'Throughput', '↑ tokens / s', [series(metrics, 'train', 'tokens_per_s', 'tokens / s')], { note: 'Tokens of the step’s batch over the step’s wall time; the first step includes kernel warm-up.' });
  mark('train', ['lr', 'grad_norm', 'tokens_per_s']);

  const others = (['train', 'eval'] as const).flatMap((type) => keysOf(type, (k) => !drawn.has(`${type}:${k}`)).map((k) => ({ type, key: k })));
  const otherCharts = others.map(({ type, key }) =>
    lineChart({ id: `metric-${type}-${key}`, title: `${type === 'train' ? '' : 'held-out: '}${key}`, series: present([series(metrics, type, key, key)]), xLabel: 'step →', yLabel: `↑ ${key}`, width: 520 }),
  );
  const sections: Section[] = [summary, { id: 'curves', title: 'Training curves', html: charts.join('\n') }];
  if (otherCharts.length) sections.push({ id: 'other-metrics', title: 'Other metrics', html: `<div class="grid2">${otherCharts.join('\n')}</div>` });
  if (config) {
    const rows = Object.entries({ ...config, model: undefined, optim: undefined, tokenizer: undefined })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, JSON.stringify(v)]);
    const nested = (name: string) => Object.entries((config[name] ?? {}) as Record<string, unknown>).map(([k, v]) => [`${name}.${k}`, JSON.stringify(v)]);
    sections.push({
      id: 'config',
      title: 'Configuration',
      html: table({ id: 'train-config', columns: [{ label: 'setting' }, { label: 'value' }], rows: [...rows, ...nested('model'), ...nested('optim'), ...nested('tokenizer')], sortable: false }),
    });
  }
  return sections;
}
