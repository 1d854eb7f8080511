import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { buildMixture, prepareMixtures, runMixFile } from '../../pipeline/mix/mix.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { ConfigError } from '../../lib/config-errors.js';
import { memoryLogger } from '../../lib/log.js';

let root: string;

async function mixError(mixtures: object[], out = 'out', extra: object = {}): Promise<string> {
  const file = parseMixFile({ ...extra, mixtures }, root);
  const err = await runMixFile(file, { out: path.join(root, out), log: memoryLogger() }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  // Nothing is written when a check fails.
  expect(existsSync(path.join(root, out))).toBe(false);
  return (err as Error).message;
}

function schemaError(raw: object): string {
  try {
    parseMixFile(raw, root);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the mix file to be rejected');
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-mix-errors-'));
  const news = await brownTexts(/^ca/, 2);
  await writeTextRun({ runDir: path.join(root, 'news'), texts: news, tokens: 20_000 });
  await writeTextRun({ runDir: path.join(root, 'fiction'), texts: await brownTexts(/^ck/, 2), tokens: 10_000 });
  await writeTextRun({ runDir: path.join(root, 'news-cl100k'), texts: news, tokens: 10_000, tokenizer: 'cl100k_base' });
  await writeTextRun({ runDir: path.join(root, 'damaged'), texts: news, tokens: 10_000 });
  await fs.mkdir(path.join(root, 'unfinished', 'shards'), { recursive: true });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('bad mix files and sources are refused before any output, naming the source and the fix', () => {
  it('refuses a budget that needs more epochs than maxEpochs allows', async () => {
    const msg = await mixError([{ name: 'too-big', totalTokens: 40_000, sources: [{ run: 'news', weight: 0.5 }, { run: 'fiction', weight: 0.5, maxEpochs: 1.5 }] }]);
    expect(msg).toContain("mixture 'too-big', source 'fiction'");
    expect(msg).toMatch(/needs 20,000 tokens = 1\.\d\d epochs/);
    expect(msg).toContain('more than maxEpochs 1.5');
    expect(msg).toContain('raise "maxEpochs"');
  });

  it('refuses weights that do not sum to 1 instead of rescaling them, and shows the normalized ones', () => {
    const msg = schemaError({ mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 0.6 }, { run: 'fiction', weight: 0.6 }] }] });
    expect(msg).toContain('mixtures[0].sources');
    expect(msg).toContain('weights sum to 1.2, not 1');
    expect(msg).toContain('normalized: 0.5, 0.5');
  });

  it('refuses sources tokenized with different tokenizers', async () => {
    const msg = await mixError([{ name: 'm', sources: [{ run: 'news', weight: 0.5 }, { run: 'news-cl100k', weight: 0.5 }] }]);
    expect(msg).toContain("source 'news-cl100k'");
    expect(msg).toContain('tokenized with cl100k_base');
    expect(msg).toContain('--tokenizer gpt2');
  });

  it('refuses a source run without a manifest (an unfinished prepare)', async () => {
    const msg = await mixError([{ name: 'm', sources: [{ run: 'unfinished', weight: 1 }] }]);
    expect(msg).toContain("source 'unfinished'");
    expect(msg).toContain('has no manifest.json');
    expect(msg).toContain('biglm prepare');
  });

  it('refuses a missing source directory', async () => {
    const msg = await mixError([{ name: 'm', sources: [{ run: 'nowhere', weight: 1 }] }]);
    expect(msg).toContain("source 'nowhere'");
    expect(msg).toContain('does not exist');
  });

  it('refuses a source whose shard no longer matches its manifest sha256', async () => {
    const run = await readRunManifest(path.join(root, 'damaged'));
    const shard = path.join(root, 'damaged', run.manifest.shards[0].path);
    const bytes = await fs.readFile(shard);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff; // same size, different content
    await fs.writeFile(shard, bytes);
    const msg = await mixError([{ name: 'm', sources: [{ run: 'damaged', weight: 1 }] }]);
    expect(msg).toContain("source 'damaged'");
    expect(msg).toContain('does not match the manifest');
    expect(msg).toContain('--force');
    // A shorter shard is caught by its size alone.
    await fs.writeFile(shard, bytes.subarray(0, bytes.length - 10));
    await expect(readRunManifest(path.join(root, 'damaged'), { verify: 'size' })).rejects.toThrow(/bytes but the manifest records/);
  });

  it('lists every problem of every mixture at once', async () => {
    const msg = await mixError([
      { name: 'a', sources: [{ run: 'nowhere', weight: 1 }] },
      { name: 'b', totalTokens: 100_000, sources: [{ run: 'news', weight: 1 }] },
    ]);
    expect(msg).toContain("mixture 'a', source 'nowhere'");
    expect(msg).toContain("mixture 'b', source 'news'");
  });

  it('refuses to overwrite an existing mixed run without --force', async () => {
    const file = parseMixFile({ mixtures: [{ name: 'm', sources: [{ run: 'fiction', weight: 1 }] }] }, root);
    const out = path.join(root, 'existing');
    await runMixFile(file, { out, log: memoryLogger() });
    await expect(runMixFile(file, { out, log: memoryLogger() })).rejects.toThrow(/already exists; pass --force/);
    const [again] = await runMixFile(file, { out, log: memoryLogger(), force: true });
    expect(again.totals.tokens).toBeGreaterThanOrEqual(10_000);
  });

  it('points at misspelt keys, mixed weight and token budgets, and duplicate names', () => {
    expect(schemaError({ mixtures: [{ name: 'm', sources: [{ run: 'news', wieght: 1 }] }] })).toContain("did you mean 'weight'");
    expect(schemaError({ mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 0.5, tokens: 10 }] }] })).toContain('exactly one of "weight"');
    expect(schemaError({ mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 0.5 }, { run: 'fiction', tokens: 10 }] }] })).toContain('all shares or all fixed budgets');
    expect(schemaError({ mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 0.5 }, { run: 'x/news', weight: 0.5 }] }] })).toContain("two sources are named 'news'");
    expect(schemaError({ mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 1 }] }, { name: 'm', sources: [{ run: 'news', weight: 1 }] }] })).toContain('two mixtures share this name');
  });

  it('leaves neither the run nor its staging folder behind when a build fails midway', async () => {
    await writeTextRun({ runDir: path.join(root, 'vanishing'), texts: await brownTexts(/^ca/, 1), tokens: 10_000 });
    const file = parseMixFile({ mixtures: [{ name: 'm', sources: [{ run: 'vanishing', weight: 1 }] }] }, root);
    const out = path.join(root, 'midway');
    const [prepared] = await prepareMixtures(file, { out, log: memoryLogger() });
    await fs.rm(path.join(root, 'vanishing', 'shards'), { recursive: true }); // the source disappears after the checks
    await expect(buildMixture(prepared, root, memoryLogger())).rejects.toThrow(/ENOENT/);
    expect(existsSync(path.join(out, 'm'))).toBe(false);
    expect(existsSync(path.join(out, '.m.partial'))).toBe(false);
  });

  it('fills in the defaults', () => {
    const file = parseMixFile({ mixtures: [{ name: 'm', sources: [{ run: 'news', weight: 1 }] }] }, root);
    expect(file.mixtures[0]).toEqual({
      name: 'm',
      seed: 0,
      totalTokens: undefined,
      output: { shardMaxBytes: 128 * 1024 * 1024, batchDocs: 1024, shuffleBucketBytes: 32 * 1024 * 1024 },
      sources: [{ name: 'news', runAsWritten: 'news', run: path.join(root, 'news'), weight: 1, maxEpochs: 1 }],
    });
  });
});
