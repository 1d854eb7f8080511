// Language ID: accuracy and speed of our detector (ELD, each database size) and, when installed
// somewhere, of the other npm candidates (cld3-asm, tinyld, franc) in the same run; plus the effect of
// the character cap. Accuracy sets: lingua sentences (≥ 50 chars), BCMS web documents (HPLT, human
// labels), English / non-English on documents ≥ 200 chars; speed on the WET documents.
//
//   npx tsc -p . && node dist/bench/langid.js [--peers /tmp/lid-peers/node_modules] [--every 1]
//   (peers: npm install --prefix /tmp/lid-peers cld3-asm eld tinyld franc)

import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { loadDetector, prepareText, ELD_MODELS } from '../pipeline/langid/detector.js';
import { normalizeLanguage } from '../pipeline/langid/iso639.js';
import { linguaSentences, labelledDocuments, sentenceAccuracy, englishDecision } from '../pipeline/langid/evaluate.js';
import { wetDocuments, cpuMs, totalBytes, benchArg, benchDataDir } from './wet-docs.js';

const arg = benchArg;
const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = benchDataDir();
const peersDir = arg('peers', '');
const every = Number(arg('every', '1'));
const CAP = 1000; // ELD reads at most 1000 UTF-16 units itself

interface Candidate {
  name: string;
  languages: string[];
  detect(text: string): string;
  loadMs: number;
}

async function ours(model: (typeof ELD_MODELS)[number]): Promise<Candidate> {
  const t0 = performance.now();
  const d = await loadDetector(model);
  return { name: `eld-${model} (ours)`, languages: d.languages, detect: (t) => d.detect(t).language, loadMs: performance.now() - t0 };
}

async function peers(dir: string): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const req = createRequire(path.join(dir, 'noop.js'));
  const url = (p: string) => pathToFileURL(path.join(dir, p)).href;
  if (existsSync(path.join(dir, 'cld3-asm'))) {
    const t0 = performance.now();
    const cld = req('cld3-asm') as { loadModule(): Promise<{ create(a: number, b: number): { findLanguage(t: string): { language: string } } }> };
    const id = (await cld.loadModule()).create(0, 4000);
    const codes = req('cld3-asm/dist/cjs/languageCode.js') as { LanguageCode: Record<string, string> };
    out.push({ name: 'cld3-asm', languages: Object.values(codes.LanguageCode).map(normalizeLanguage), detect: (t) => normalizeLanguage(id.findLanguage(t).language), loadMs: performance.now() - t0 });
  }
  if (existsSync(path.join(dir, 'tinyld'))) {
    const t0 = performance.now();
    const m = (await import(url('tinyld/dist/tinyld.normal.node.mjs'))) as { detect(t: string): string; supportedLanguages: string[] };
    out.push({ name: 'tinyld', languages: m.supportedLanguages.map(normalizeLanguage), detect: (t) => normalizeLanguage(m.detect(t)), loadMs: performance.now() - t0 });
  }
  if (existsSync(path.join(dir, 'franc'))) {
    const t0 = performance.now();
    const m = (await import(url('franc/index.js'))) as { franc(t: string): string };
    const data = (await import(url('franc/data.js'))) as { data: Record<string, Record<string, string>> };
    const langs = Object.values(data.data).flatMap((o) => Object.keys(o)).map(normalizeLanguage);
    out.push({ name: 'franc', languages: [...langs, 'zh', 'ja'], detect: (t) => normalizeLanguage(m.franc(t)), loadMs: performance.now() - t0 });
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

const sentences = linguaSentences(dataDir, 50, every);
const docs = labelledDocuments(dataDir);
const bcms = docs.filter((d) => ['sr', 'hr', 'bs', 'cnr'].includes(d.lang));
const wet = wetDocuments(dataDir);
const wetMB = totalBytes(wet) / 1e6;
console.log(`data: ${sentences.length} sentences (≥ 50 chars), ${docs.length} labelled documents (${bcms.length} BCMS), ${wet.length} WET documents (${wetMB.toFixed(1)} MB); cap ${CAP} chars`);

const candidates: Candidate[] = [];
for (const m of ELD_MODELS) candidates.push(await ours(m));
if (peersDir) candidates.push(...(await peers(peersDir)));

console.log('\n| detector | languages in set | top-1 sentences ≥ 50 chars | BCMS docs exact | BCMS as sr/hr/bs | en vs not (docs ≥ 200) | sentences/s per core | WET MB/s per core | WET docs/s | load ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const c of candidates) {
  const detect = (t: string) => c.detect(prepareText(t, CAP));
  let t0 = cpuMs();
  const s = sentenceAccuracy(detect, sentences, c.languages);
  const sentPerS = s.total / ((cpuMs() - t0) / 1000);
  let exact = 0;
  let group = 0;
  for (const d of bcms) {
    const p = detect(d.text);
    if (p === d.lang) exact++;
    if (['sr', 'hr', 'bs'].includes(p)) group++;
  }
  const e = englishDecision(detect, docs);
  t0 = cpuMs();
  for (const d of wet) detect(d.text);
  const wetCpu = (cpuMs() - t0) / 1000;
  console.log(
    `| ${c.name} | ${s.supported} | ${pct(s.accuracy)} | ${exact}/${bcms.length} | ${group}/${bcms.length} | ${e.correct}/${e.total} (${pct(e.accuracy)}) | ${sentPerS.toFixed(0)} | ${(wetMB / wetCpu).toFixed(2)} | ${(wet.length / wetCpu).toFixed(0)} | ${c.loadMs.toFixed(0)} |`,
  );
}

// The cap: how much of a document the detector needs.
const med = await loadDetector('medium');
console.log('\ncap (eld-medium): | chars | en vs not (docs ≥ 200) | agreement with uncapped on WET | WET MB/s per core |');
const full = wet.map((d) => med.detect(prepareText(d.text, 1e9)).language);
for (const cap of [100, 250, 500, 1000, 1e9]) {
  const detect = (t: string) => med.detect(prepareText(t, cap)).language;
  const e = englishDecision(detect, docs);
  const t0 = cpuMs();
  let agree = 0;
  wet.forEach((d, i) => {
    if (detect(d.text) === full[i]) agree++;
  });
  const cpu = (cpuMs() - t0) / 1000;
  console.log(`| ${cap >= 1e9 ? 'none' : cap} | ${pct(e.accuracy)} | ${pct(agree / wet.length)} | ${(wetMB / cpu).toFixed(2)} |`);
}
// Memory per database size: each loaded alone in a fresh process (a worker pays this once).
const detectorUrl = pathToFileURL(path.join(here, '../pipeline/langid/detector.js')).href;
console.log('\n| ELD database | RSS of a process with it loaded |');
console.log('|---|---|');
for (const m of ELD_MODELS) {
  const code = `const d = await import(${JSON.stringify(detectorUrl)}); await d.loadDetector(${JSON.stringify(m)}); globalThis.gc?.(); process.stdout.write(String(process.memoryUsage().rss));`;
  const rss = Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code]).toString());
  console.log(`| ${m} | ${(rss / 1e6).toFixed(0)} MB |`);
}
const base = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))']).toString());
console.log(`| (empty node process) | ${(base / 1e6).toFixed(0)} MB |`);
console.log(`\npeak RSS of this run ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (all databases and peers loaded)`);
