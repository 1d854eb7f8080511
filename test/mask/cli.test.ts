import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { maskCommand } from '../../cli/commands/mask.js';
import { brownParagraphs, tokenizeDocs, writeTokenRun } from './fixtures.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'biglm-mask-cli-'));
const run = path.join(tmp, 'run');
let stderr: string[] = [];
let stdout: string[] = [];

beforeAll(() => writeTokenRun(run, [tokenizeDocs(brownParagraphs(4))]));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// Capture what the command prints to the real process streams.
beforeEach(() => {
  stderr = [];
  stdout = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (stdout.push(String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('biglm mask (command line)', () => {
  it('prints help and exits 0 on --help', async () => {
    expect(await maskCommand(['--help'])).toBe(0);
    expect(stdout.join('')).toMatch(/biglm mask <run> --out DIR/);
  });

  it('exits 2 with the usage on an unknown flag, and 1 naming a bad integer', async () => {
    expect(await maskCommand([run, '--out', path.join(tmp, 'z'), '--seqlen', '96'])).toBe(2);
    expect(stderr.join('')).toMatch(/Unknown option '--seqlen'[\s\S]*biglm mask <run> --out DIR/);
    stderr = [];
    expect(await maskCommand([run, '--out', path.join(tmp, 'z'), '--seq-len', '0'])).toBe(1);
    expect(stderr.join('')).toBe('biglm mask: --seq-len must be an integer ≥ 1; got "0"\n');
  });

  it('exits 2 with the usage on a missing --out or an unknown objective', async () => {
    expect(await maskCommand([run])).toBe(2);
    expect(stderr.join('')).toMatch(/--out DIR is required/);
    stderr = [];
    expect(await maskCommand([run, '--out', path.join(tmp, 'x'), '--objective', 'gpt'])).toBe(2);
    expect(stderr.join('')).toMatch(/--objective must be one of biglm, bert, diffusion; got 'gpt'/);
  });

  it('exits 1 naming the field when the config file has a misspelt key', async () => {
    const cfg = path.join(tmp, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ biglm: { splitLo: 0.3 } }));
    expect(await maskCommand([run, '--out', path.join(tmp, 'y'), '--config', cfg])).toBe(1);
    expect(stderr.join('')).toMatch(/invalid mask config:[\s\S]*biglm.*splitLo/);
  });

  it('writes examples with flags overriding the config file', async () => {
    const cfg = path.join(tmp, 'mask.json');
    writeFileSync(cfg, JSON.stringify({ seqLen: 64, seed: 3, biglm: { sourceRatio: 'none' } }));
    const out = path.join(tmp, 'out');
    expect(await maskCommand([run, '--out', out, '--config', cfg, '--seq-len', '96', '--workers', '1'])).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect([manifest.seqLen, manifest.seed, manifest.masking.biglm.sourceRatio]).toEqual([96, 3, 'none']);
    expect(stderr.join('')).toMatch(/mask: biglm: \d+ rows of 96/);
  });
});
