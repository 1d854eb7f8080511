// `biglm prepare` through the real CLI on inputs that could end a run: one huge pre-tokenizer piece,
// damaged files in a run being resumed, a run directory inside the input glob, an --out that is a file and
// an absurd task count.

import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../lib/rng.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { getEncoding } from '../../tokenizer/index.js';
import type { Manifest } from '../../pipeline/runner/run-file-types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cli', 'biglm.js');

function biglm(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `biglm-${name}-`));
const manifestOf = (run: string) => JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')) as Manifest;

function writeJsonl(file: string, texts: string[]): void {
  writeFileSync(file, texts.map((text, i) => JSON.stringify({ id: `d${i}`, text })).join('\n') + '\n');
}

async function decodedTexts(run: string): Promise<string[]> {
  const enc = getEncoding(manifestOf(run).tokenizer.name);
  const out: string[] = [];
  for (const s of manifestOf(run).shards) for await (const d of readShardDocs(path.join(run, s.path))) out.push(enc.decode(d.tokens.subarray(0, -1)));
  enc.free();
  return out;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `make install` before the tests');
});

describe('biglm prepare on one huge pre-tokenizer piece', () => {
  it('tokenizes documents of 1 MB of `a`, 1 MB of random letters after a curly quote and 1 MB of spaces, on 2 workers', async () => {
    const input = tmp('long-in');
    const rng = new Rng('cli-long');
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const texts = [
      'An ordinary document to begin with.',
      'a'.repeat(1 << 20),
      `“${Array.from({ length: 1 << 20 }, () => letters[rng.int(0, 26)]).join('')}”`,
      ' '.repeat(1 << 20),
    ];
    writeJsonl(path.join(input, 'a.jsonl'), texts.slice(0, 2));
    writeJsonl(path.join(input, 'b.jsonl'), texts.slice(2));
    const run = path.join(tmp('long-run'), 'run');
    const r = biglm(['prepare', '--input', path.join(input, '*.jsonl'), '--out', run, '--workers', '2', '--no-progress']);
    expect(r.code, r.stderr).toBe(0);
    expect(manifestOf(run).totals).toMatchObject({ read: 4, kept: 4 });
    expect(await decodedTexts(run)).toEqual(texts);
  }, 240_000);
});

describe('biglm prepare, rerun on a damaged run', () => {
  const input = tmp('rerun-in');
  const names = ['amber', 'birch', 'cedar'];
  for (let f = 0; f < 3; f++) writeJsonl(path.join(input, `p${f}.jsonl`), [`${names[f]} says hello`, `${names[f]} says goodbye for now`]);
  const config = path.join(input, 'config.json');
  writeFileSync(config, JSON.stringify({ inputs: ['*.jsonl'], stages: [{ type: 'exact_dedup' }], tokenizer: { name: 'gpt2' } }));
  const clean = path.join(tmp('rerun-clean'), 'run');
  const args = (run: string) => ['prepare', config, '--out', run, '--workers', '1', '--no-progress'];

  it('finishes the clean run', () => {
    const r = biglm(args(clean));
    expect(r.code, r.stderr).toBe(0);
  });

  it('rebuilds a deleted shard and rewrites the manifest, saying so (exit 0)', () => {
    const run = path.join(tmp('rerun-shard'), 'run');
    cpSync(clean, run, { recursive: true });
    rmSync(path.join(run, 'shards', 'part-00001-0000.arrow'));
    const r = biglm(args(run));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: shards\/part-00001-0000\.arrow is missing \(expected \d+ bytes, sha256 [0-9a-f]{12}…\); rerunning seg1\/1/);
    expect(readFileSync(path.join(run, 'shards', 'part-00001-0000.arrow')).equals(readFileSync(path.join(clean, 'shards', 'part-00001-0000.arrow')))).toBe(true);
    expect(readFileSync(path.join(run, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(clean, 'manifest.json'), 'utf8'));
  });

  it('reruns the task that wrote a truncated segment file instead of failing on its JSON (exit 0)', () => {
    const run = path.join(tmp('rerun-seg'), 'run');
    cpSync(clean, run, { recursive: true });
    const segment = path.join(run, 'segments', '0', '00002.jsonl');
    truncateSync(segment, 30);
    rmSync(path.join(run, 'markers', 'seg1'), { recursive: true });
    rmSync(path.join(run, 'markers', 'finalize'), { recursive: true });
    const r = biglm(args(run));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${segment}: has 30 bytes, expected `);
    expect(r.stderr).toContain('rerunning seg0/2 (it wrote the file), then seg1/2');
    expect(readFileSync(path.join(run, 'manifest.json'), 'utf8')).toBe(readFileSync(path.join(clean, 'manifest.json'), 'utf8'));
  });
});

describe('biglm task (one Slurm array element) on a damaged input', () => {
  it('reruns the task that wrote it in the same element, then its own', () => {
    const input = tmp('task-in');
    writeJsonl(path.join(input, 'a.jsonl'), ['alpha one', 'alpha two']);
    writeJsonl(path.join(input, 'b.jsonl'), ['beta one']);
    const config = path.join(input, 'config.json');
    writeFileSync(config, JSON.stringify({ inputs: ['*.jsonl'], stages: [{ type: 'exact_dedup' }], tokenizer: { name: 'gpt2' } }));
    const run = path.join(tmp('task-run'), 'run');
    expect(biglm(['prepare', config, '--out', run, '--workers', '1', '--no-progress']).code).toBe(0);
    const segment = path.join(run, 'segments', '0', '00001.jsonl');
    truncateSync(segment, 10);
    rmSync(path.join(run, 'markers', 'seg1', '00001.done'));
    const r = biglm(['task', '--run', run, '--stage', 'seg1', '--rank', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${segment}: has 10 bytes, expected `);
    expect(r.stderr).toContain('rerunning seg0/1 (it wrote the file), then seg1/1');
  });
});

describe('biglm prepare with --out inside the input glob', () => {
  it('resumes on the rerun, and a sibling run reads the documents once', () => {
    const base = tmp('inside');
    writeJsonl(path.join(base, 'a.jsonl'), ['one', 'two']);
    writeJsonl(path.join(base, 'b.jsonl'), ['three']);
    const run = (out: string) => biglm(['prepare', '--input', '**/*.jsonl', '--out', out, '--text-output', 'jsonl', '--no-progress'], base);
    expect(run('run1').code).toBe(0);
    const again = run('run1');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('warning: inputs: left out 2 file(s) under run1: biglm output folders');
    expect(again.stderr).toContain('(0 task(s) run, 3 already done)');
    const sibling = run('run2');
    expect(sibling.code, sibling.stderr).toBe(0);
    expect(manifestOf(path.join(base, 'run2')).totals.read).toBe(3);
  });
});

describe('biglm prepare configuration errors (exit 2)', () => {
  const base = tmp('errors');
  writeJsonl(path.join(base, 'a.jsonl'), ['one']);

  it('an --out that names an existing file', () => {
    writeFileSync(path.join(base, 'taken'), 'x');
    const r = biglm(['prepare', '--input', 'a.jsonl', '--out', 'taken'], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out taken is an existing file, not a folder: name a new or empty folder for the run');
    expect(r.stderr).not.toContain('ENOTDIR');
  });

  it('tasks: 1000000000', () => {
    writeFileSync(path.join(base, 'huge.json'), JSON.stringify({ inputs: ['a.jsonl'], tasks: 1_000_000_000 }));
    const r = biglm(['prepare', 'huge.json', '--out', 'huge'], base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tasks = 1000000000: at most 100000 .*leave tasks out for one task per input file/);
  });
});
