// A Python virtual environment for interop tests: the neighbours' own readers (pyarrow, datasets, transformers, …)
// checking what biglm writes. The venv is built once per package set and kept in the OS temp folder, so a test file
// pays for `pip install` only the first time on a machine. Where Python, venv or the install is not available the
// helper returns the reason instead, and the test skips saying it.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PythonVenv = { python: string; dir: string };
export type VenvResult = { venv: PythonVenv; reason?: undefined } | { venv?: undefined; reason: string };

const cache = new Map<string, VenvResult>();

/** Where pip finds its packages on the development machines: local indexes first, so no time goes on retries. */
function pipIndexArgs(): string[] {
  const args: string[] = [];
  if (existsSync('/opt/pypi/simple')) args.push('--index-url', 'file:///opt/pypi/simple');
  if (existsSync('/opt/pypi-more/simple')) args.push('--extra-index-url', 'file:///opt/pypi-more/simple');
  return args;
}

/**
 * A venv holding `packages` (pip requirement strings), built on first use and reused afterwards.
 * Set BIGLM_TEST_VENV_DIR to choose where venvs are kept.
 */
export function pythonVenv(packages: string[]): VenvResult {
  const key = [...packages].sort().join(' ');
  const known = cache.get(key);
  if (known) return known;
  const result = buildVenv(packages, key);
  cache.set(key, result);
  return result;
}

function buildVenv(packages: string[], key: string): VenvResult {
  const root = process.env.BIGLM_TEST_VENV_DIR ?? join(tmpdir(), 'biglm-test-venvs');
  const dir = join(root, createHash('sha256').update(key).digest('hex').slice(0, 16));
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.complete'))) return { venv: { python, dir } };

  const system = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (system.status !== 0) return { reason: 'python3 is not installed' };

  // Build under a temporary name and rename, so a killed install never looks complete.
  mkdirSync(root, { recursive: true });
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    execFileSync('python3', ['-m', 'venv', building], { stdio: 'pipe' });
  } catch (error) {
    return { reason: `python3 -m venv failed: ${firstLine(error)}` };
  }
  const install = spawnSync(
    join(building, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '--retries', '1', '--timeout', '20', ...pipIndexArgs(), ...packages],
    { encoding: 'utf8', timeout: 15 * 60_000 },
  );
  if (install.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    const tail = `${install.stderr ?? ''}${install.error?.message ?? ''}`.trim().split('\n').slice(-2).join(' ');
    return { reason: `pip install ${packages.join(' ')} failed: ${tail}` };
  }
  writeFileSync(join(building, '.complete'), key);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  // The venv's scripts name the folder they were created in; python itself is a symlink and works from anywhere.
  return { venv: { python, dir } };
}

/** Runs a Python snippet in the venv; returns stdout, throws with stderr on failure. */
export function runPython(venv: PythonVenv, code: string, args: string[] = [], timeoutMs = 5 * 60_000): string {
  const run = spawnSync(venv.python, ['-c', code, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr || run.error?.message}`);
  return run.stdout;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0];
}
