// The package as a user gets it: `npm pack`, installed into an empty project offline (from the npm cache,
// pinned by this checkout's lockfile), then the README's library example run there as written, `npx biglm`
// on the PATH of the project, the sample corpus written from the installed packages, and the example's
// types checked against the shipped declarations. Skips, saying why, only when npm cannot install offline.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { haveDist, removeTempDirs, repoRoot, tempDir } from '../executor/fixtures.js';
import { gzipMembers, httpResponseRecord } from '../readers/fixtures.js';
import { readmeExample, realPages } from './fixtures.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(cmd: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A lockfile for a project that depends on the tarball only: biglm's own runtime dependencies pinned as this
 * checkout's lockfile pins them, so `npm ci --offline` takes every package from the cache without asking the
 * registry for metadata (a plain `npm install ./biglm.tgz` must resolve version ranges online).
 */
function projectLock(tarball: string): object {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'biglm-user', dependencies: { biglm: spec } },
    'node_modules/biglm': {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      optionalDependencies: pkg.optionalDependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== '' && !entry.dev) packages[key] = entry;
  return { name: 'biglm-user', lockfileVersion: 3, requires: true, packages };
}

let project = '';
let skipWhy: string | undefined = haveDist ? undefined : 'dist/ is missing: run `npx tsc -p .` (npm pack packs dist/)';

afterAll(removeTempDirs);

beforeAll(async () => {
  if (skipWhy) return;
  const work = tempDir('biglm-pack-');
  const packed = await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', work, repoRoot], work);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  project = path.join(work, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'biglm-user', private: true, type: 'module', dependencies: { biglm: `file:${tarball}` } }));
  writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(projectLock(tarball)));
  // No optional packages (native TensorFlow, WebGPU: their install scripts download binaries) and no scripts.
  const installed = await sh('npm', ['ci', '--offline', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund'], project, 400_000);
  if (installed.code !== 0) {
    if (/ENOTCACHED|only-if-cached/.test(installed.stderr)) {
      skipWhy = `npm cannot install offline here (a package is not in the npm cache): ${installed.stderr.split('\n').find((l) => /ENOTCACHED|request to/.test(l))}`;
      return;
    }
    throw new Error(`npm ci of the packed biglm failed:\n${installed.stderr}`);
  }
  // The README's example files, as written there, and a crawl of real texts for it to read.
  for (const name of ['my-stages.js', 'prepare.js']) writeFileSync(path.join(project, name), readmeExample(name));
  mkdirSync(path.join(project, 'crawl'));
  const pages = await realPages();
  const half = Math.ceil(pages.length / 2);
  [pages.slice(0, half), pages.slice(half)].forEach((part, i) => {
    const records = part.map((p) => httpResponseRecord(p.url, ['Content-Type: text/html; charset=utf-8'], p.html));
    writeFileSync(path.join(project, 'crawl', `part-${i}.warc.gz`), gzipMembers(records));
  });
}, 600_000);

describe('the packed package installed into an empty project', () => {
  it('runs the README example: a WARC through two filters, the user\'s one, dedup and shards', async (ctx) => {
    if (skipWhy) {
      console.warn(`test/api/pack: skipped — ${skipWhy}`);
      return ctx.skip();
    }
    const r = await sh(process.execPath, ['prepare.js'], project);
    expect(r.code, r.stderr).toBe(0);
    const [, kept, read] = /(\d+) of (\d+) documents kept/.exec(r.stdout) ?? [];
    const manifest = JSON.parse(readFileSync(path.join(project, 'runs', 'crawl', 'manifest.json'), 'utf8'));
    expect(Number(read)).toBe(manifest.totals.read);
    expect(Number(kept)).toBe(manifest.totals.kept);
    expect(manifest.totals.kept).toBeGreaterThan(0);
    // The crawl has near-duplicate pages and all-capitals spam: both were removed, each under its reason.
    expect(manifest.totals.dropped['minhash_dedup:near_duplicate']).toBeGreaterThan(0);
    expect(manifest.totals.dropped['notShouting:shouting']).toBeGreaterThan(0);
    const dropped = Object.values(manifest.totals.dropped as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(manifest.totals.kept + dropped).toBe(manifest.totals.read);
    expect(manifest.tokenizer.name).toBe('cl100k_base');
    expect(readdirSync(path.join(project, 'runs', 'crawl', 'shards')).filter((f) => f.endsWith('.arrow')).length).toBeGreaterThan(0);
    expect(existsSync(path.join(project, 'runs', 'crawl', 'text', 'part-00000.jsonl'))).toBe(true);
  });

  it('puts biglm on the project\'s PATH (npx biglm), with --version and the sample corpus', async (ctx) => {
    if (skipWhy) return ctx.skip();
    const version = await sh('npx', ['--offline', 'biglm', '--version'], project);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    const sample = await sh('npx', ['--offline', 'biglm', 'sample', '--out', 'data'], project);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toMatch(/mail\/ham\.jsonl: \d+ documents/);
    expect(sample.stdout).toMatch(/brown\/news\.jsonl: \d+ documents/);
  });

  it('types the example against the shipped declarations', async (ctx) => {
    if (skipWhy) return ctx.skip();
    writeFileSync(path.join(project, 'typed.ts'), readmeExample('prepare.js') + `
import { mapDocuments, drop, type Doc, type Manifest } from 'biglm';
export const lower = mapDocuments((doc: Doc) => (doc.text.length > 3 ? doc.text.toLowerCase() : drop('tiny')));
const m: Manifest | undefined = undefined;
// @ts-expect-error: gopherQuality has no option minStopWord
filters.gopherQuality({ minStopWord: 2 });
void m;
`);
    writeFileSync(path.join(project, 'my-stages.d.ts'), 'import type { Doc } from "biglm";\nexport declare function notShouting(doc: Doc): true | string;\n');
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [path.join(repoRoot, 'node_modules', '@types')] },
        files: ['typed.ts'],
      }),
    );
    const r = await sh(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
