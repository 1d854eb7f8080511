import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mixCommand } from '../../cli/commands/mix.js';
import { exportCommand } from '../../cli/commands/export.js';
import { inspectCommand } from '../../cli/commands/inspect.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { UsageError } from '../../cli/args.js';

let root: string;
let mixFile: string;

async function run(fn: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return { code: await fn(argv), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
    error.mockRestore();
  }
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-mix-cli-'));
  await writeTextRun({ runDir: path.join(root, 'runs', 'news'), texts: await brownTexts(/^ca/, 2), tokens: 40_000 });
  await writeTextRun({ runDir: path.join(root, 'runs', 'fiction'), texts: await brownTexts(/^ck/, 2), tokens: 20_000 });
  mixFile = path.join(root, 'configs', 'sweep.json');
  await fs.mkdir(path.dirname(mixFile), { recursive: true });
  await fs.writeFile(
    mixFile,
    JSON.stringify({
      totalTokens: 30_000,
      maxEpochs: 2,
      mixtures: [
        { name: 'even', sources: [{ run: '../runs/news', weight: 0.5 }, { run: '../runs/fiction', weight: 0.5 }] },
        { name: 'fiction-heavy', sources: [{ run: '../runs/news', weight: 0.2 }, { run: '../runs/fiction', weight: 0.8 }] },
      ],
    }),
  );
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('biglm mix', () => {
  it('plans without writing anything on --dry-run', async () => {
    const out = path.join(root, 'dry');
    const { code, out: table } = await run(mixCommand, [mixFile, '--out', out, '--dry-run']);
    expect(code).toBe(0);
    expect(table).toMatch(/fiction-heavy\s+fiction\s+24,000\s+80\.00%\s+2\d,\d{3}\s+1\.\d{3}\s+2/);
    expect(existsSync(out)).toBe(false);
  });

  it('builds every mixture of the sweep under --out and prints the comparison table', async () => {
    const out = path.join(root, 'sweep');
    const { code, out: table } = await run(mixCommand, [mixFile, '--out', out]);
    expect(code).toBe(0);
    expect(existsSync(path.join(out, 'even', 'manifest.json'))).toBe(true);
    expect(existsSync(path.join(out, 'fiction-heavy', 'manifest.json'))).toBe(true);
    expect(table.split('\n')[0]).toMatch(/^mixture\s+source\s+tokens\s+requested\s+realized\s+documents\s+epochs\s+maxEpochs$/);
    expect(table).toMatch(/even\s+news\s+1\d,\d{3}\s+50\.00%\s+(49|50)\.\d\d%/);
    expect(table).toMatch(/fiction-heavy\s+\(total\)/);
    // Only the named mixture with --only; an existing one needs --force.
    await expect(run(mixCommand, [mixFile, '--out', out, '--only', 'even'])).rejects.toThrow(/already exists; pass --force/);
    expect((await run(mixCommand, [mixFile, '--out', out, '--only', 'even', '--force'])).code).toBe(0);
    await expect(run(mixCommand, [mixFile, '--only', 'nope'])).rejects.toThrow(UsageError);
  });

  it('leaves a run that biglm inspect shows like any other, with the mixture report and decoded documents', async () => {
    const { code, out } = await run(inspectCommand, [path.join(root, 'sweep', 'fiction-heavy'), '--docs', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(/mixture fiction-heavy \(seed 0\): 3\d,\d{3} tokens of 30,000 requested/);
    expect(out).toMatch(/fiction: \.\.\/runs\/fiction\/manifest\.json sha256 [0-9a-f]{16}/);
    expect(out).toMatch(/schema: id: Utf8, source: Utf8, tokens: List<Uint16>, n_tokens: Uint32/);
    expect(out).toMatch(/--- (news|fiction)\/\d+(~rep1)? \(brown\/c[ak]\d\d, \d+ tokens\)/);
  });
});

describe('biglm export', () => {
  it('writes the Megatron pair of a mixed run and names the files', async () => {
    const prefix = path.join(root, 'export', 'even_text_document');
    const { code, out } = await run(exportCommand, [path.join(root, 'sweep', 'even'), '--format', 'megatron', '--out', prefix]);
    expect(code).toBe(0);
    expect(out).toContain(`${prefix}.bin`);
    expect(out).toContain(`${prefix}.idx`);
    expect(existsSync(`${prefix}.export.json`)).toBe(true);
  });

  it('refuses an unknown format and a missing --out', async () => {
    await expect(run(exportCommand, [path.join(root, 'sweep', 'even'), '--format', 'nemo', '--out', 'x'])).rejects.toThrow(/--format must be one of megatron, datatrove/);
    await expect(run(exportCommand, [path.join(root, 'sweep', 'even'), '--format', 'megatron'])).rejects.toThrow(/--out PREFIX is required/);
  });
});
