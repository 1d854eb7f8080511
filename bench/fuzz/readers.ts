// `make fuzz`: thousands of seeded mutants per input format through the readers, each seed's mutants in a
// child process (peak RSS per format, a hang or an out-of-memory abort costs one mutant, not the run).
// Prints per seed: tried / clean / crashed / hung / invariant broken / peak RSS, and the first failures.
//
//   npx tsc -p . && node dist/bench/fuzz/readers.js [--mutants 2000] [--seed 1] [--only docs.arrow] [--timeout-ms 10000]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../lib/rng.js';
import { buildSeeds } from './corpus.js';
import { mutate } from './mutate.js';
import { readMutant } from './check.js';

const here = fileURLToPath(import.meta.url);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

type Line = { start: number } | { i: number; what: string; status: 'clean' | 'crash' | 'broken'; detail?: string } | { rssMB: number };

/** Child: mutants [from, to) of one seed, one JSON line before and after each. */
async function child(seedName: string, fuzzSeed: number, from: number, to: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'biglm-fuzz-'));
  try {
    const seed = (await buildSeeds(dir)).find((s) => s.name === seedName)!;
    const rng = new Rng(fuzzSeed, seed.name);
    const file = path.join(dir, seed.name);
    const say = (l: Line) => process.stdout.write(`${JSON.stringify(l)}\n`);
    for (let i = 0; i < to; i++) {
      const m = mutate(seed.data, rng);
      if (i < from) continue;
      say({ start: i });
      const r = await readMutant(file, seed.format, m.data);
      say({ i, what: m.what, status: r.crash ? 'crash' : r.broken ? 'broken' : 'clean', detail: r.crash ?? r.broken });
    }
    say({ rssMB: process.resourceUsage().maxRSS / 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Tally {
  seed: string;
  tried: number;
  clean: number;
  crashed: number;
  hung: number;
  broken: number;
  peakRssMB: number;
  examples: string[];
}

/** Runs one child from `from`; resolves with where it stopped and why. */
function runChild(seed: string, fuzzSeed: number, from: number, to: number, timeoutMs: number, t: Tally): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=1024', here, '--child', seed, String(fuzzSeed), String(from), String(to)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let current = from;
    let inFlight = false;
    let hung = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        p.kill('SIGKILL');
      }, timeoutMs);
    };
    arm();
    let stderr = '';
    p.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    createInterface({ input: p.stdout }).on('line', (text) => {
      const l = JSON.parse(text) as Line;
      arm();
      if ('start' in l) {
        current = l.start;
        inFlight = true;
      } else if ('rssMB' in l) {
        t.peakRssMB = Math.max(t.peakRssMB, l.rssMB);
      } else {
        inFlight = false;
        t.tried++;
        if (l.status === 'clean') t.clean++;
        else {
          if (l.status === 'crash') t.crashed++;
          else t.broken++;
          if (t.examples.length < 5) t.examples.push(`#${l.i} ${l.what}: ${l.status}: ${l.detail}`);
        }
      }
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!inFlight && code === 0) return resolve(to);
      // Between mutants a child only builds the seeds: dying there is the harness failing, not a reader.
      if (!inFlight) return reject(new Error(`fuzz child for ${seed} failed outside a mutant (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      t.tried++;
      if (hung) t.hung++;
      else t.crashed++;
      if (t.examples.length < 5) t.examples.push(`#${current}: ${hung ? `no answer in ${timeoutMs} ms` : `process died (${signal ?? code}): ${stderr.trim().split('\n').slice(-2).join(' ')}`}`);
      resolve(current + 1);
    });
  });
}

async function main(): Promise<void> {
  const c = process.argv.indexOf('--child');
  if (c >= 0) return child(process.argv[c + 1], Number(process.argv[c + 2]), Number(process.argv[c + 3]), Number(process.argv[c + 4]));
  const mutants = Number(arg('--mutants', '2000'));
  const fuzzSeed = Number(arg('--seed', '1'));
  const timeoutMs = Number(arg('--timeout-ms', '10000'));
  const only = arg('--only', '');
  const dir = mkdtempSync(path.join(tmpdir(), 'biglm-fuzz-'));
  const seeds = (await buildSeeds(dir)).filter((s) => !only || s.name === only);
  rmSync(dir, { recursive: true, force: true });
  console.log(`reader fuzz: ${mutants} mutants per seed, fuzz seed ${fuzzSeed}, ${timeoutMs} ms per mutant before it counts as hung`);
  const tallies: Tally[] = [];
  const started = performance.now();
  for (const s of seeds) {
    const t: Tally = { seed: s.name, tried: 0, clean: 0, crashed: 0, hung: 0, broken: 0, peakRssMB: 0, examples: [] };
    for (let from = 0; from < mutants; ) from = await runChild(s.name, fuzzSeed, from, mutants, timeoutMs, t);
    tallies.push(t);
    console.log(`  ${s.name}: ${t.tried} tried, ${t.clean} clean`);
  }
  const row = (cells: (string | number)[]) => cells.map((x, i) => (i === 0 ? String(x).padEnd(16) : String(x).padStart(9))).join(' ');
  console.log(`\n${row(['seed', 'tried', 'clean', 'crashed', 'hung', 'broken', 'peak RSS'])}`);
  for (const t of tallies) console.log(row([t.seed, t.tried, t.clean, t.crashed, t.hung, t.broken, `${t.peakRssMB.toFixed(0)} MB`]));
  console.log(`(broken = read != kept + dropped, or a drop without a warning naming the file; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  for (const t of tallies) for (const e of t.examples) console.log(`  ${t.seed} ${e}`);
  if (tallies.some((t) => t.crashed + t.hung + t.broken > 0)) process.exitCode = 1;
}

await main();
