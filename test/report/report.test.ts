// report.html of real runs — a prepare of sample e-mails and Brown texts, its masked examples, a few
// training steps and a mix — as a person sees it: opened from the file in headless Chromium, with no
// console errors, every chart drawn with data marks, the drops table summing to the manifest, examples
// that expand and tables that sort. A screenshot of each is saved as <run>/report.png to look at.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LocalExecutor } from '../../api/index.js';
import { memoryLogger } from '../../lib/log.js';
import type { Manifest } from '../../pipeline/run/finalize.js';
import type { Stats } from '../../pipeline/core/stats.js';
import { buildSample } from '../../pipeline/sample/index.js';
import { resolveMaskConfig } from '../../pipeline/mask/config.js';
import { runMask } from '../../pipeline/mask/run.js';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { runMixFile } from '../../pipeline/mix/mix.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { TrainConfigSchema } from '../../model/config.js';
import { train } from '../../model/train.js';
import { renderRunReport } from '../../pipeline/report/index.js';
import { writeReportOrWarn } from '../../pipeline/report/report-file.js';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchBrowser, openPage } from '../helpers/browser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'biglm.js');
let tmp: string;
const dirs = { prepare: '', mask: '', train: '', mix: '' };

async function firstLines(file: string, n: number): Promise<string> {
  return (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean).slice(0, n).join('\n') + '\n';
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-report-'));
  const sample = path.join(tmp, 'sample');
  await buildSample(sample);
  // Three real sources, one with a broken line so the reader's drop shows in the funnel.
  await fs.mkdir(path.join(tmp, 'in', 'mail'), { recursive: true });
  await fs.mkdir(path.join(tmp, 'in', 'brown'), { recursive: true });
  await fs.writeFile(path.join(tmp, 'in', 'mail', 'ham.jsonl'), await firstLines(path.join(sample, 'mail', 'ham.jsonl'), 220));
  await fs.writeFile(path.join(tmp, 'in', 'mail', 'spam.jsonl'), (await firstLines(path.join(sample, 'mail', 'spam.jsonl'), 160)) + '{"id": "broken", "text": \n');
  await fs.writeFile(path.join(tmp, 'in', 'brown', 'news.jsonl'), await firstLines(path.join(sample, 'brown', 'news.jsonl'), 30));
  await fs.writeFile(
    path.join(tmp, 'prepare.json'),
    JSON.stringify({
      inputs: ['in/**/*.jsonl'],
      stages: [
        { type: 'language_id' },
        { type: 'gopher_repetition' },
        { type: 'gopher_quality' },
        { type: 'exact_dedup' },
        { type: 'minhash_dedup', dumpClusters: true },
      ],
      tokenizer: { name: 'gpt2' },
    }),
  );
  dirs.prepare = path.join(tmp, 'runs', 'prepared');
  await new LocalExecutor({ workers: 2, log: memoryLogger(), progress: false }).run(path.join(tmp, 'prepare.json'), { out: dirs.prepare });

  dirs.mask = path.join(tmp, 'runs', 'examples');
  await runMask({ run: dirs.prepare, out: dirs.mask, config: resolveMaskConfig({ seqLen: 64, validFraction: 0.05 }), workers: 1, log: memoryLogger() });

  dirs.train = path.join(tmp, 'runs', 'train');
  const cfg = TrainConfigSchema.parse({
    examples: dirs.mask,
    out: dirs.train,
    steps: 4,
    batchSize: 4,
    evalEvery: 2,
    evalBatches: 1,
    checkpointEvery: 4,
    logEvery: 100,
    backend: 'wasm',
    model: { dModel: 32, nLayers: 1, nHeads: 2, lengthClasses: 0 },
    optim: { lr: 3e-3, warmupSteps: 1 },
  });
  await train(cfg, { log: memoryLogger(), writeReport: writeReportOrWarn });

  // A second source of real text, so the mixture has shares to compare.
  const news = path.join(tmp, 'runs', 'brown-fiction');
  await writeTextRun({ runDir: news, texts: await brownTexts(/^ck/, 6), tokens: 60_000, shardMaxBytes: 1 << 20 });
  const mix = parseMixFile(
    {
      seed: 3,
      totalTokens: 100_000,
      maxEpochs: 3,
      mixtures: [{ name: 'blend', sources: [{ run: 'prepared', name: 'sample', weight: 0.7 }, { run: 'brown-fiction', name: 'fiction', weight: 0.3 }] }],
    },
    path.join(tmp, 'runs'),
  );
  await runMixFile(mix, { out: path.join(tmp, 'runs', 'mixes'), log: memoryLogger() });
  dirs.mix = path.join(tmp, 'runs', 'mixes', 'blend');
}, 300_000);

afterAll(async () => {
  // Kept when asked, for a person to open the reports and screenshots.
  if (tmp && !process.env.BIGLM_KEEP_REPORTS) await fs.rm(tmp, { recursive: true, force: true });
  else if (tmp) console.log(`reports kept under ${tmp}`);
});

const readJson = async <T>(file: string) => JSON.parse(await fs.readFile(file, 'utf8')) as T;

describe('what a prepare run records for its report', () => {
  it('counts document lengths per source where filtering starts and in the shards, matching the manifest', async () => {
    const manifest = await readJson<Manifest>(path.join(dirs.prepare, 'manifest.json'));
    const stats = await readJson<Stats>(path.join(dirs.prepare, 'stats.json'));
    const counters = (point: string, what: string) =>
      Object.values(stats.stages)
        .flatMap((s) => Object.entries(s.counters))
        .filter(([k]) => k.startsWith(`${point}:${what}:`));
    const sum = (xs: [string, number][]) => xs.reduce((n, [, v]) => n + v, 0);
    expect(counters('after', 'docs').map(([k]) => k).sort()).toEqual(['after:docs:brown/news.jsonl', 'after:docs:mail/ham.jsonl', 'after:docs:mail/spam.jsonl']);
    expect(sum(counters('after', 'docs'))).toBe(manifest.totals.kept);
    expect(sum(counters('after', 'tokens'))).toBe(manifest.totals.tokens);
    expect(sum(counters('before', 'docs'))).toBe(stats.stages.html_extract.out);
    // The histograms hold the same documents as the counters.
    const hist = stats.stages.tokenize.histograms!;
    const histTotal = (k: string) => Object.values(hist[k]).reduce((a, b) => a + b, 0);
    for (const [k, n] of counters('after', 'docs')) expect(histTotal(k.replace(':docs:', ':tokens:'))).toBe(n);
    // Characters in and out of every stage, and per-task times.
    expect(stats.stages.gopher_quality.counters.chars_in).toBe(stats.stages.gopher_repetition.counters.chars_out);
    expect(stats.stages.tokenize.counters.chars_out).toBe(sum(counters('after', 'chars')));
    const task = await readJson<{ startedAt: number; finishedAt: number; worker: string }>(path.join(dirs.prepare, 'stats', 'seg0', '00000.json'));
    expect(task.finishedAt).toBeGreaterThanOrEqual(task.startedAt);
    expect(task.worker).toMatch(/ pid \d+ thread \d+$/);
    // Per language: the kept count and the score range the report draws.
    const lang = stats.stages.language_id;
    expect(lang.counters['language_kept:en']).toBe(lang.out);
    expect(lang.means['language_score:en'].n).toBe(lang.counters['language:en']);
  });
});

describe('report.html of every kind of run', () => {
  it('is written by the run itself: prepare finalize, mask, train and mix', () => {
    for (const dir of Object.values(dirs)) expect(existsSync(path.join(dir, 'report.html')), dir).toBe(true);
  });

  it('is self-contained: nothing loaded from a network or another file', async () => {
    for (const dir of Object.values(dirs)) {
      const html = await fs.readFile(path.join(dir, 'report.html'), 'utf8');
      // Document text may hold URLs; no element may load one (the browser test also watches requests).
      expect(html.match(/<(script|link|img|iframe)[^>]+(src|href)=/i)).toBeNull();
      expect(html.match(/(src|href)="(https?:)?\/\//i)).toBeNull();
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n');
      expect(styles.match(/url\(|@import/i)).toBeNull();
    }
  });

  it('draws a training run from whatever keys metrics.jsonl has, and none it lacks', async () => {
    const dir = path.join(tmp, 'runs', 'train-other-keys');
    await fs.mkdir(dir, { recursive: true });
    const lines = [
      { type: 'train', step: 1, loss: 9.1, lr: 1e-3, tokens_per_s: 1000, masked_token_accuracy: 0.01 },
      { type: 'train', step: 2, loss: 8.7, lr: 2e-3, tokens_per_s: 1100, masked_token_accuracy: 0.03 },
      { type: 'eval', step: 2, eval_loss: 8.9, eval_accuracy: 0.02, unigram_baseline_loss: 9.5 },
    ];
    await fs.writeFile(path.join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"type": "train", "st');
    const { html, kind } = await renderRunReport(dir);
    expect(kind).toBe('train');
    for (const id of ['loss', 'accuracy', 'lr', 'tokens-per-s']) expect(html).toContain(`data-chart="${id}"`);
    expect(html).not.toContain('data-chart="grad-norm"');
    expect(html).toContain('held-out unigram_baseline_loss');
    expect(html).toContain('1 line(s) of metrics.jsonl did not parse');
  });
});

describe('the CLI', () => {
  const biglm = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

  it('prints the report path in biglm status and biglm inspect', () => {
    const report = path.join(dirs.prepare, 'report.html');
    const status = biglm(['status', dirs.prepare]);
    expect(status.stdout).toContain(`report: ${report}`);
    expect(biglm(['status', dirs.prepare, '--json']).stdout).toContain(`"path": ${JSON.stringify(report)}`);
    expect(biglm(['inspect', dirs.prepare, '--docs', '0']).stdout).toContain(`report: ${report}`);
  });

  it('rewrites a report with biglm report, one per mixture for a mix folder, and refuses a folder that is no run', async () => {
    await fs.rm(path.join(dirs.prepare, 'report.html'));
    const r = biglm(['report', dirs.prepare, path.join(tmp, 'runs', 'mixes')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([path.join(dirs.prepare, 'report.html'), path.join(dirs.mix, 'report.html')]);
    expect(existsSync(path.join(dirs.prepare, 'report.html'))).toBe(true);
    const bad = biglm(['report', path.join(tmp, 'in')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/is not a biglm run directory/);
  });
});

const why = browserUnavailable();
if (why) console.log(`report browser tests skipped: ${why}`);

describe.skipIf(!!why)('report.html in headless Chromium', () => {
  const DATA_MARKS = ['bar', 'rect', 'line', 'dot'].map((m) => `svg g[aria-label="${m}"] > *`).join(', ');

  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  async function check(dir: string, expectCharts: string[]) {
    const url = pathToFileURL(path.join(dir, 'report.html')).href;
    const opened = await openPage(browser, url);
    try {
      const { page } = opened;
      // Nothing but the file itself was loaded (no network, no other file).
      const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      expect(loaded).toEqual([]);
      const charts = await page.$$eval(
        'figure.chart',
        (figs, sel) => figs.map((f) => ({ id: (f as HTMLElement).dataset.chart!, svgs: f.querySelectorAll('svg').length, marks: f.querySelectorAll(sel).length })),
        DATA_MARKS,
      );
      for (const id of expectCharts) expect(charts.map((c) => c.id), dir).toContain(id);
      for (const c of charts) {
        expect(c.svgs, `${dir} chart ${c.id}`).toBeGreaterThan(0);
        expect(c.marks, `${dir} chart ${c.id} has no data marks`).toBeGreaterThan(0);
      }
      await page.screenshot({ path: path.join(dir, 'report.png'), fullPage: true });
      return { opened, charts };
    } catch (e) {
      await opened.close();
      throw e;
    }
  }

  it('prepare: every chart drawn, the drops table sums to the manifest, examples expand, tables sort', async () => {
    const manifest = await readJson<Manifest>(path.join(dirs.prepare, 'manifest.json'));
    const { opened } = await check(dirs.prepare, [
      'funnel-documents',
      'funnel-characters',
      'drops',
      'lengths-characters-mail/ham.jsonl',
      'lengths-tokens-brown/news.jsonl',
      'languages-language_id',
      'language-scores-language_id',
      'cluster-sizes-minhash_dedup',
      'tokens-per-source',
      'tokens-per-shard',
      'stage-throughput',
      'task-timeline',
      'task-durations',
    ]);
    const { page } = opened;
    try {
      const rows = await page.$$eval('table[data-table="drops"] tbody tr', (trs) =>
        trs.map((tr) => ({ reason: tr.querySelector('[data-col="reason"]')!.textContent!, count: Number(tr.querySelector('[data-col="count"]')!.getAttribute('data-v')) })),
      );
      expect(Object.fromEntries(rows.map((r) => [r.reason, r.count]))).toEqual(manifest.totals.dropped);
      expect(rows.map((r) => r.reason)).toContain('read:invalid_json');
      const footer = await page.$$eval('table[data-table="drops"] tfoot tr', (trs) => trs.map((tr) => Number(tr.querySelector('[data-col="count"]')!.getAttribute('data-v'))));
      const dropped = Object.values(manifest.totals.dropped).reduce((a, b) => a + b, 0);
      expect(footer).toEqual([dropped, manifest.totals.kept, manifest.totals.read]);
      expect(footer[0] + footer[1]).toBe(footer[2]);

      // Examples are collapsed until clicked.
      const first = page.locator('#examples details').filter({ hasText: 'gopher_quality:' }).first();
      await expect(first.locator('pre.doc').first().isVisible()).resolves.toBe(false);
      await first.locator('summary').click();
      await expect(first.locator('pre.doc').first().isVisible()).resolves.toBe(true);
      expect((await first.locator('pre.doc').first().textContent())!.length).toBeGreaterThan(20);

      // Clicking a header sorts by it: ascending, then descending.
      const counts = () => page.$$eval('table[data-table="drops"] tbody [data-col="count"]', (tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
      const header = page.locator('table[data-table="drops"] thead th', { hasText: 'documents' });
      await header.click();
      const asc = await counts();
      expect(asc).toEqual([...asc].sort((a, b) => a - b));
      await header.click();
      const desc = await counts();
      expect(desc).toEqual([...asc].sort((a, b) => b - a));
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 60_000);

  for (const [kind, ids] of [
    ['mask', ['example-rows']],
    ['train', ['loss', 'lr', 'grad-norm', 'tokens-per-s']],
    ['mix', ['mix-shares', 'tokens-per-shard']],
  ] as const) {
    it(`${kind}: every chart drawn, no console errors`, async () => {
      const { opened } = await check(dirs[kind], [...ids]);
      try {
        expect(opened.errors).toEqual([]);
        if (kind === 'mask') {
          const m = await readJson<{ totals: { documents: number; keptDocs: number; dropped: Record<string, number> } }>(path.join(dirs.mask, 'manifest.json'));
          const counts = await opened.page.$$eval('table[data-table="drops"] tbody [data-col="count"]', (tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
          expect(counts.reduce((a, b) => a + b, 0)).toBe(Object.values(m.totals.dropped).reduce((a, b) => a + b, 0));
          expect(m.totals.keptDocs + counts.reduce((a, b) => a + b, 0)).toBe(m.totals.documents);
        }
        if (kind === 'mix') {
          const shares = await opened.page.$$eval('table[data-table="mix-sources"] tbody [data-col="realized"]', (tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
          expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        }
      } finally {
        await opened.close();
      }
    }, 60_000);
  }
});
