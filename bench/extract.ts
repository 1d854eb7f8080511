// Main-content extraction on trafilatura's own evaluation set (../shared/data/extract/trafilatura-eval,
// 949 pages present of 990): precision, recall and F1 with trafilatura's scorer (pipeline/extract/
// evaluate.ts, after tests/eval_common.py count_item), and speed of the whole extraction from the page's
// bytes (charset, parse, extract) in MB of HTML per CPU-second, with peak RSS. Side by side, each in
// its own process, rounds alternating the order: the html_extract stage as configured by default
// (balanced, fallbacks, lead), the same without fallbacks (trafilatura's `fast`), the one-pass block
// heuristic html_extract used before, and Mozilla Readability on linkedom (devDependencies). F1 per
// language (five largest, language of the expected snippets by ELD) and on the held-out fifth. Then
// the speed ratio to the heuristic once more, measured page by page in one process (runPaired): on a
// loaded machine the separate runs' speeds drift with the load between them, and the ratio with them.
//
//   npx tsc -p . && node dist/bench/extract.js [--rounds 2] [--every 1]
//   BENCH_ROUNDS=1 also sets the rounds.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfusionMatrix, countItem, evalDir, loadEvalSet, type Counts, type EvalPage } from '../pipeline/extract/evaluate.js';
import { extractPage } from '../pipeline/extract/extractor.js';
import { htmlToText } from '../pipeline/extract/html-to-text.js';
import { decodeHtml } from '../pipeline/readers/charset.js';
import { loadDetector } from '../pipeline/filters/langid/detector.js';
import { benchArg, benchDataDir } from './wet-docs.js';

const CASES = ['html_extract (default)', 'html_extract fallbacks=false', 'one-pass heuristic (before)', 'readability.js + linkedom'] as const;
type CaseName = (typeof CASES)[number];

interface CaseResult {
  name: CaseName;
  counts: Record<string, Counts>;
  /** The text as the stage writes it by default: title line first (trafilatura scores the body only). */
  countsWithTitle?: Record<string, Counts>;
  bytes: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMB: number;
  maxPageMs: number;
  failures: number;
}

type Extract = (html: string) => { text: string | null; title?: string };

async function extractorFor(name: CaseName): Promise<Extract | null> {
  switch (name) {
    case 'html_extract (default)':
      return (html) => extractPage(html, { focus: 'balanced', fast: false, lead: true });
    case 'html_extract fallbacks=false':
      return (html) => extractPage(html, { focus: 'balanced', fast: true, lead: true });
    case 'one-pass heuristic (before)':
      return (html) => ({ text: htmlToText(html, { mainContent: true, maxLinkDensity: 0.5, deadline: 0 }).text });
    case 'readability.js + linkedom': {
      try {
        const { parseHTML } = await import('linkedom');
        const { Readability } = await import('@mozilla/readability');
        return (html) => {
          const { document } = parseHTML(html);
          const article = new Readability(document as unknown as Document).parse();
          return { text: article?.textContent ?? null };
        };
      } catch {
        return null; // not installed (devDependencies): the row says so
      }
    }
  }
}

// The cases the paired run puts side by side on each page: the ratio of their CPU times does not move
// with the load of a shared machine the way speeds measured minutes apart in separate processes do.
const PAIRED = ['html_extract (default)', 'html_extract fallbacks=false', 'one-pass heuristic (before)'] as const;

interface PairedResult {
  /** CPU seconds per case over all pages, each page extracted by every case back to back. */
  cpuSeconds: Record<string, number>;
  rounds: number;
}

/**
 * Child process (started with --expose-gc): every page by each of PAIRED in turn, the order rotating
 * from page to page, CPU time per call. A minor collection before each call (not timed) leaves the
 * young generation empty, so the scavenges a call meets are those its own allocations cause.
 */
async function runPaired(out: string, every: number, rounds: number): Promise<void> {
  const extractors = await Promise.all(PAIRED.map((n) => extractorFor(n)));
  const set = loadEvalSet(evalDir(benchDataDir()));
  const files = set.pages.filter((_, i) => i % every === 0).map((p) => readFileSync(p.path));
  const gc = (globalThis as { gc?: (o?: { type: 'minor' }) => void }).gc;
  const cpu = () => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  const total = PAIRED.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    files.forEach((bytes, i) => {
      for (let k = 0; k < PAIRED.length; k++) {
        const which = (i + r + k) % PAIRED.length;
        gc?.({ type: 'minor' });
        const t = cpu();
        try {
          extractors[which]!(decodeHtml(bytes).text);
        } catch {
          // counted as a failure by the case's own run; here only its time matters
        }
        total[which] += cpu() - t;
      }
    });
  }
  const result: PairedResult = { cpuSeconds: Object.fromEntries(PAIRED.map((n, k) => [n, total[k] / 1e6])), rounds };
  writeFileSync(out, JSON.stringify(result));
}

/** Child process: run one case over the set and write its counts and timings. */
async function runCase(name: CaseName, out: string, every: number): Promise<void> {
  const extract = await extractorFor(name);
  if (!extract) {
    writeFileSync(out, JSON.stringify(null));
    return;
  }
  const set = loadEvalSet(evalDir(benchDataDir()));
  const pages = set.pages.filter((_, i) => i % every === 0);
  const files = pages.map((p) => readFileSync(p.path));
  const result: CaseResult = { name, counts: {}, bytes: 0, cpuSeconds: 0, wallSeconds: 0, peakRssMB: 0, maxPageMs: 0, failures: 0 };
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  pages.forEach((p, i) => {
    const t = performance.now();
    let out: ReturnType<Extract> = { text: null };
    try {
      out = extract(decodeHtml(files[i]).text);
    } catch {
      result.failures++; // scored as a full miss, as eval_common.run_and_count does
    }
    result.maxPageMs = Math.max(result.maxPageMs, performance.now() - t);
    result.counts[p.url] = countItem(p, out.text);
    if (out.title !== undefined) (result.countsWithTitle ??= {})[p.url] = countItem(p, out.title && out.text !== null ? `${out.title}\n\n${out.text}` : out.text);
    result.bytes += files[i].length;
  });
  const cpu = process.cpuUsage(cpu0);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  result.wallSeconds = (performance.now() - wall0) / 1000;
  result.peakRssMB = process.resourceUsage().maxRSS / 1024;
  writeFileSync(out, JSON.stringify(result));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f4 = (x: number) => x.toFixed(4);

function matrix(pages: EvalPage[], counts: Record<string, Counts>, keep: (p: EvalPage) => boolean): ConfusionMatrix {
  const m = new ConfusionMatrix();
  for (const p of pages) if (keep(p) && counts[p.url]) m.add(counts[p.url]);
  return m;
}

async function main(): Promise<void> {
  const caseArg = benchArg('case', '');
  const every = Number(benchArg('every', '1'));
  if (caseArg === 'paired') return runPaired(benchArg('out', ''), every, Number(benchArg('paired-rounds', '1')));
  if (caseArg) return runCase(caseArg as CaseName, benchArg('out', ''), every);

  const dir = evalDir(benchDataDir());
  if (!existsSync(path.join(dir, 'evaldata.json'))) {
    console.log(`extract: skipped, trafilatura's evaluation set is not at ${dir} (it comes with ../shared/data)`);
    return;
  }
  const rounds = Number(benchArg('rounds', process.env.BENCH_ROUNDS ?? '2'));
  const set = loadEvalSet(dir);
  const pages = set.pages.filter((_, i) => i % every === 0);
  const self = fileURLToPath(import.meta.url);
  const tmp = mkdtempSync(path.join(tmpdir(), 'biglm-bench-extract-'));
  const runs = new Map<CaseName, CaseResult[]>();
  const missing = new Set<CaseName>();
  let paired: PairedResult | null = null;
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [...CASES] : [...CASES].reverse();
      for (const name of order) {
        if (missing.has(name)) continue;
        const out = path.join(tmp, `${r}-${CASES.indexOf(name)}.json`);
        execFileSync(process.execPath, [self, '--case', name, '--out', out, '--every', String(every)], { stdio: 'inherit' });
        const res = JSON.parse(readFileSync(out, 'utf8')) as CaseResult | null;
        if (!res) missing.add(name);
        else runs.set(name, [...(runs.get(name) ?? []), res]);
      }
    }
    const pairedOut = path.join(tmp, 'paired.json');
    const pairedArgs = ['--expose-gc', self, '--case', 'paired', '--out', pairedOut, '--every', String(every), '--paired-rounds', String(rounds)];
    execFileSync(process.execPath, pairedArgs, { stdio: 'inherit' });
    paired = JSON.parse(readFileSync(pairedOut, 'utf8')) as PairedResult;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  // language of each page: ELD on the snippets the main text must contain
  const eld = await loadDetector('medium');
  const lang = new Map(pages.map((p) => [p.url, eld.detect(p.with.join(' ')).language || 'und']));
  const byLang = new Map<string, number>();
  for (const l of lang.values()) byLang.set(l, (byLang.get(l) ?? 0) + 1);
  const top = [...byLang.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([l]) => l);

  const mb = pages.reduce((n, p) => n + readFileSync(p.path).length, 0) / 1e6;
  console.log(`trafilatura evaluation set: ${pages.length} pages (${set.missing} of ${set.pages.length + set.missing} files absent), ${mb.toFixed(1)} MB of HTML; ${rounds} round(s), order alternating`);
  console.log(`speed: MB of HTML per CPU-second of the whole extraction (bytes → charset → parse → text), median of the rounds\n`);
  const head = `${'extractor'.padEnd(30)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}  ${'F1 dev'.padStart(6)} ${'F1 held'.padStart(7)}  ${'MB/s'.padStart(5)} ${'peak RSS'.padStart(8)} ${'max ms'.padStart(7)}`;
  console.log(head);
  const heuristic = runs.get('one-pass heuristic (before)');
  const heuristicSpeed = heuristic ? median(heuristic.map((r) => r.bytes / 1e6 / r.cpuSeconds)) : 0;
  for (const name of CASES) {
    const rs = runs.get(name);
    if (!rs) {
      console.log(`${name.padEnd(30)} not installed (npm i linkedom @mozilla/readability)`);
      continue;
    }
    const all = matrix(pages, rs[0].counts, () => true);
    const dev = matrix(pages, rs[0].counts, (p) => !p.heldOut);
    const held = matrix(pages, rs[0].counts, (p) => p.heldOut);
    const speed = median(rs.map((r) => r.bytes / 1e6 / r.cpuSeconds));
    const rss = Math.max(...rs.map((r) => r.peakRssMB));
    const maxMs = Math.max(...rs.map((r) => r.maxPageMs));
    const ratio = heuristicSpeed && name !== 'one-pass heuristic (before)' ? `  ${(speed / heuristicSpeed).toFixed(2)}× heuristic speed` : '';
    const fails = rs[0].failures ? `  ${rs[0].failures} pages threw` : '';
    console.log(
      `${name.padEnd(30)} ${f4(all.precision).padStart(6)} ${f4(all.recall).padStart(6)} ${f4(all.f1).padStart(6)}  ${f4(dev.f1).padStart(6)} ${f4(held.f1).padStart(7)}  ${speed.toFixed(1).padStart(5)} ${`${rss.toFixed(0)} MB`.padStart(8)} ${maxMs.toFixed(0).padStart(7)}${ratio}${fails}`,
    );
    const withTitle = rs[0].countsWithTitle;
    if (name === 'html_extract (default)' && withTitle) {
      const t = matrix(pages, withTitle, () => true);
      const td = matrix(pages, withTitle, (p) => !p.heldOut);
      const th = matrix(pages, withTitle, (p) => p.heldOut);
      console.log(`${'  + title line (stage output)'.padEnd(30)} ${f4(t.precision).padStart(6)} ${f4(t.recall).padStart(6)} ${f4(t.f1).padStart(6)}  ${f4(td.f1).padStart(6)} ${f4(th.f1).padStart(7)}`);
    }
  }
  if (paired) {
    const heuristicCpu = paired.cpuSeconds['one-pass heuristic (before)'];
    const line = PAIRED.filter((n) => n !== 'one-pass heuristic (before)')
      .map((n) => `${n} ${(heuristicCpu / paired!.cpuSeconds[n]).toFixed(2)}× (${((mb * paired!.rounds) / paired!.cpuSeconds[n]).toFixed(1)} MB/s)`)
      .join(', ');
    console.log(`\npaired in one process, each page by every extractor back to back (${paired.rounds} round(s)), speed relative to the heuristic (${((mb * paired.rounds) / heuristicCpu).toFixed(1)} MB/s there):`);
    console.log(`  ${line}`);
  }
  console.log(`\nF1 by language (${top.map((l) => `${l}: ${byLang.get(l)} pages`).join(', ')})`);
  console.log(`${'extractor'.padEnd(30)} ${top.map((l) => l.padStart(7)).join(' ')}`);
  for (const name of CASES) {
    const rs = runs.get(name);
    if (!rs) continue;
    console.log(`${name.padEnd(30)} ${top.map((l) => f4(matrix(pages, rs[0].counts, (p) => lang.get(p.url) === l).f1).padStart(7)).join(' ')}`);
  }
  console.log(`\ntrafilatura's own floors on all 990 entries (tests/eval_baseline.json): F1 0.9195 fast, 0.9253 with fallbacks`);
}

await main();
