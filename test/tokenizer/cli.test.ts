import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenizerCommand } from '../../cli/commands/tokenizer.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}
afterEach(() => vi.restoreAllMocks());

describe('biglm tokenizer', () => {
  it('lists the built-in encodings', async () => {
    const io = capture();
    expect(await tokenizerCommand(['list'])).toBe(0);
    expect(io.out()).toBe('gpt2\nr50k_base\np50k_base\ncl100k_base\no200k_base\n');
  });

  it('prints an encoding’s manifest data', async () => {
    const io = capture();
    expect(await tokenizerCommand(['info', 'o200k_base'])).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ name: 'o200k_base', vocabSize: 200019, eosId: 199999, specials: { mask: 200019 }, embeddingSize: 200064 });
  });

  it('encodes and counts text given on the command line', async () => {
    const io = capture();
    expect(await tokenizerCommand(['encode', 'cl100k_base', 'hello world'])).toBe(0);
    expect(await tokenizerCommand(['count', 'cl100k_base', 'hello world'])).toBe(0);
    expect(io.out()).toBe('[15339,1917]\n2\n');
  });

  it('explains itself, and fails clearly on unknown commands and encodings', async () => {
    const io = capture();
    expect(await tokenizerCommand(['--help'])).toBe(0);
    expect(io.out()).toContain('biglm tokenizer <command>');
    expect(await tokenizerCommand(['info', 'nope'])).toBe(1);
    expect(io.err()).toContain("unknown tokenizer 'nope'; known: gpt2");
    expect(await tokenizerCommand([])).toBe(2);
  });

  it('checks train and export flags with the shared argument helper', async () => {
    const io = capture();
    expect(await tokenizerCommand(['train', 'x.txt', '--out', 'd', '--vocab-size', '1.5'])).toBe(1);
    expect(io.err()).toContain('biglm tokenizer train: --vocab-size must be an integer ≥ 1; got "1.5"');
    expect(await tokenizerCommand(['export', 'gpt2', '--frmat', 'hf'])).toBe(1);
    expect(io.err()).toMatch(/Unknown option '--frmat'[\s\S]*Usage: biglm tokenizer <command>/);
    expect(await tokenizerCommand(['export', '-h'])).toBe(0);
    expect(io.out()).toContain('export <name-or-path> --format hf --out DIR');
  });
});
