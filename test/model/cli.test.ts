import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateCommand, trainCommand } from '../../cli/commands/model.js';
import { evalCommand } from '../../cli/commands/eval.js';
import { writeExamplesDir } from './fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'biglm-cli-'));

describe('biglm train / generate', () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints help', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await trainCommand(['--help'])).toBe(0);
    expect(await generateCommand(['--help'])).toBe(0);
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/usage: biglm train[\s\S]*usage: biglm generate/);
    out.mockRestore();
  });

  it('runs a smoke training from a config file, with command-line overrides', async () => {
    const examples = path.join(tmp, 'examples');
    writeExamplesDir(examples, { T: 32, trainShards: 1, rowsPerShard: 8, validRows: 4, seed: 9 });
    const config = path.join(tmp, 'train.json');
    writeFileSync(config, JSON.stringify({ examples: 'ignored', batchSize: 2, model: { dModel: 32, nLayers: 1, nHeads: 2 } }));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await trainCommand([config, '--examples', examples, '--out', path.join(tmp, 'run'), '--smoke', '--steps', '4', '--backend', 'wasm']);
    const printed = out.mock.calls.map((c) => String(c[0])).join('');
    const logged = err.mock.calls.map((c) => String(c[0])).join('');
    out.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    expect(logged).toContain('backend: wasm (SIMD');
    expect(JSON.parse(printed.trim().split('\n').pop()!)).toMatchObject({ backend: 'wasm', step: 4 });
    const metrics = readFileSync(path.join(tmp, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.type === 'train')).toHaveLength(4);
    expect(existsSync(path.join(tmp, 'run', 'checkpoints', 'step-00000004', 'model.safetensors'))).toBe(true);
    // the command hands train() the run report's writer
    expect(readFileSync(path.join(tmp, 'run', 'report.html'), 'utf8')).toContain('<h2>Training curves</h2>');
  });

  it('scores the checkpoint on every held-out row next to the baselines, and refuses what it does not take', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await evalCommand(['--checkpoint', path.join(tmp, 'run'), '--examples', path.join(tmp, 'examples'), '--batch', '3', '--backend', 'wasm', '--json']);
    const printed = out.mock.calls.map((c) => String(c[0])).join('');
    out.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    const report = JSON.parse(printed);
    expect(report).toMatchObject({ checkpoint: path.join(tmp, 'run', 'checkpoints', 'step-00000004'), step: 4, rows: 4 });
    expect(report.positions).toBeGreaterThan(0);
    for (const k of ['loss', 'unigramCE', 'bigramCE']) expect(Number.isFinite(report[k]) && report[k] > 0, k).toBe(true);
    await expect(evalCommand(['--checkpoint', path.join(tmp, 'run'), '--batchsize', '3'])).rejects.toThrow(/Unknown option '--batchsize'[\s\S]*usage: biglm eval/);
    await expect(evalCommand([path.join(tmp, 'run')])).rejects.toThrow(/takes no positional arguments/);
  });

  it('generates from a checkpoint with the tokenizer it was trained with', async () => {
    // Examples labelled with GPT-2's vocabulary (ids < 64 are ordinary GPT-2 tokens), two steps of training.
    const examples = path.join(tmp, 'gpt2-examples');
    writeExamplesDir(examples, { T: 32, trainShards: 1, rowsPerShard: 4, validRows: 2, seed: 3 });
    const manifestFile = path.join(examples, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.tokenizer = { name: 'gpt2', vocabSize: 50257, eosId: 50256, specials: { mask: 50257, bos: 50258, pad: 50259 }, embeddingSize: 50304 };
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const config = path.join(tmp, 'gpt2.json');
    writeFileSync(config, JSON.stringify({ examples, out: path.join(tmp, 'gpt2-run'), steps: 2, batchSize: 2, backend: 'wasm', model: { dModel: 16, nLayers: 1, nHeads: 2, lengthClasses: 32 } }));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await trainCommand([config]);
    out.mockClear();
    const code = await generateCommand(['--checkpoint', path.join(tmp, 'gpt2-run'), '--prompt', 'The cat sat on', '--iterations', '3', '--beam', '2', '--backend', 'wasm', '--json']);
    const printed = out.mock.calls.map((c) => String(c[0])).join('');
    out.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    const result = JSON.parse(printed);
    expect(result.checkpoint).toMatch(/step-00000002$/);
    expect(result.candidates).toHaveLength(2);
    for (const c of result.candidates) {
      expect(c.tokens).toHaveLength(c.length);
      expect(c.tokens.every((t: number) => t >= 0 && t < 50257)).toBe(true);
      expect(typeof c.text).toBe('string');
    }
    expect(result.best.avgLogProb).toBe(Math.max(...result.candidates.map((c: { avgLogProb: number }) => c.avgLogProb)));
  });

  it('names the problem in bad arguments', async () => {
    await expect(trainCommand([])).rejects.toThrow(/--examples DIR/);
    await expect(trainCommand(['--examples', tmp, '--backend', 'gpu'])).rejects.toThrow(/--backend: 'gpu' is not one of auto, tensorflow, webgpu, wasm, cpu/);
    await expect(generateCommand(['--prompt', 'x'])).rejects.toThrow(/--checkpoint and --prompt are required/);
    await expect(generateCommand(['stray', '--prompt', 'x'])).rejects.toThrow(/takes no positional arguments, got stray/);
    await expect(trainCommand(['--examples', tmp, '--steps', '2.5'])).rejects.toThrow(/--steps must be an integer ≥ 0; got "2.5"/);
    await expect(trainCommand(['--exmples', tmp])).rejects.toThrow(/Unknown option '--exmples'/);
  });
});
