// Input expansion on a folder of 100,000 files: `expandInputs` (tinyglobby + picomatch) against the floor of
// any local glob in Node, one recursive readdir filtered by the same picomatch matcher, in alternating rounds.
// The folder is made in a temporary directory and removed at the end.
//
//   npx tsc -p . && node dist/bench/glob.js      (BENCH_FILES, default 100000; BENCH_ROUNDS, default 3)

import { mkdirSync, mkdtempSync, rmSync, writeFileSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expandInputs, globMatcher } from '../pipeline/config/glob.js';

const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PER_DIR = 1000;

const root = mkdtempSync(path.join(tmpdir(), 'biglm-bench-glob-'));
try {
  const t0 = performance.now();
  for (let d = 0; d * PER_DIR < FILES; d++) {
    const dir = path.join(root, `crawl-${String(d).padStart(3, '0')}`, d % 2 ? 'wet' : 'warc');
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_DIR && d * PER_DIR + f < FILES; f++) {
      writeFileSync(path.join(dir, `part-${String(f).padStart(5, '0')}.${f % 3 ? 'jsonl.gz' : 'warc.gz'}`), '');
    }
  }
  console.log(`${FILES} empty files in ${Math.ceil(FILES / PER_DIR)} folders, made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const patterns = ['**/*.jsonl.gz', 'crawl-0[0-4]*/*/part-*.{warc,jsonl}.gz'];
  const floor = async (pattern: string) => {
    const match = globMatcher(pattern);
    const names = await fs.readdir(root, { recursive: true });
    return names.filter((n) => match(n)).length;
  };
  for (const pattern of patterns) {
    const times: Record<'expandInputs' | 'readdir+picomatch', number[]> = { expandInputs: [], 'readdir+picomatch': [] };
    let counts = '';
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      const a = (await expandInputs([pattern], root)).files.length;
      times.expandInputs.push(performance.now() - t);
      t = performance.now();
      const b = await floor(pattern);
      times['readdir+picomatch'].push(performance.now() - t);
      counts = `${a} / ${b} files`;
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const a = med(times.expandInputs);
    const b = med(times['readdir+picomatch']);
    console.log(
      `${pattern.padEnd(40)} expandInputs ${a.toFixed(0)} ms, readdir+picomatch ${b.toFixed(0)} ms (${(a / b).toFixed(2)}×), ${counts}, ` +
        `median of ${ROUNDS} alternating rounds`,
    );
  }
  console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
