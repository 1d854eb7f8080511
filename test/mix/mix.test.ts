import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { runMixFile, type MixedManifest } from '../../pipeline/mix/mix.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { memoryLogger } from '../../lib/log.js';

let root: string;

/** Tokens per source of a mixed run, counted from its shards (not from its manifest). */
async function countFromShards(runDir: string, manifest: MixedManifest) {
  const bySource = new Map<string, { tokens: number; docs: number }>();
  const ids: string[] = [];
  for (const shard of manifest.shards) {
    for await (const d of readShardDocs(path.join(runDir, shard.path))) {
      const source = d.id.split('/')[0];
      const e = bySource.get(source) ?? { tokens: 0, docs: 0 };
      e.tokens += d.tokens.length;
      e.docs++;
      bySource.set(source, e);
      ids.push(d.id);
    }
  }
  return { bySource, ids };
}

function mixFile(mixtures: object[], extra: object = {}) {
  return parseMixFile({ output: { shuffleBucketBytes: 1024 * 1024, shardMaxBytes: 1024 * 1024 }, ...extra, mixtures }, root);
}

async function build(out: string, mixtures: object[], extra: object = {}) {
  return runMixFile(mixFile(mixtures, extra), { out: path.join(root, out), log: memoryLogger() });
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-mix-'));
  // Two sources of real text: press reportage (1.2M tokens, in several shards) and fiction (400k tokens).
  await writeTextRun({ runDir: path.join(root, 'news'), texts: await brownTexts(/^ca/, 12), tokens: 1_200_000, shardMaxBytes: 600_000 });
  await writeTextRun({ runDir: path.join(root, 'fiction'), texts: await brownTexts(/^ck/, 12), tokens: 400_000, shardMaxBytes: 600_000 });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const upsampled = {
  name: 'fiction-heavy',
  totalTokens: 1_500_000,
  sources: [
    { run: 'news', weight: 0.6 },
    { run: 'fiction', weight: 0.4, maxEpochs: 2 },
  ],
};

describe('mixing prepared runs', () => {
  it('realizes the requested token shares within 1% in a 1.5M-token mixture, counted from the shards', async () => {
    const [m] = await build('shares', [upsampled]);
    const runDir = path.join(root, 'shares', 'fiction-heavy');
    const { bySource } = await countFromShards(runDir, m);
    const total = bySource.get('news')!.tokens + bySource.get('fiction')!.tokens;
    expect(total).toBe(m.totals.tokens);
    expect(Math.abs(total - 1_500_000) / 1_500_000).toBeLessThan(0.01);
    expect(Math.abs(bySource.get('news')!.tokens / total - 0.6) / 0.6).toBeLessThan(0.01);
    expect(Math.abs(bySource.get('fiction')!.tokens / total - 0.4) / 0.4).toBeLessThan(0.01);
    // The manifest reports what the shards hold.
    const fiction = m.mix.sources.find((s) => s.name === 'fiction')!;
    expect(fiction.tokens).toBe(bySource.get('fiction')!.tokens);
    expect(fiction.documents).toBe(bySource.get('fiction')!.docs);
    expect(fiction.fullEpochs).toBe(1);
    expect(fiction.epochs).toBeGreaterThan(1.48);
    expect(fiction.epochs).toBeLessThanOrEqual(2);
  });

  it('upsamples with whole epochs plus a partial one, never beyond maxEpochs', async () => {
    const [m] = await build('epochs', [upsampled]);
    const { ids } = await countFromShards(path.join(root, 'epochs', 'fiction-heavy'), m);
    const copies = new Map<string, number>();
    for (const id of ids) {
      const base = id.replace(/~rep\d+$/, '');
      copies.set(base, (copies.get(base) ?? 0) + 1);
    }
    const fiction = [...copies].filter(([id]) => id.startsWith('fiction/'));
    const source = await readRunManifest(path.join(root, 'fiction'));
    // Every fiction document appears once (the whole epoch), some twice (the partial epoch), none thrice.
    expect(fiction.length).toBe(source.documents);
    expect(Math.max(...fiction.map(([, n]) => n))).toBe(2);
    expect(Math.min(...fiction.map(([, n]) => n))).toBe(1);
    // News is downsampled: a subset of distinct documents, none repeated.
    const news = [...copies].filter(([id]) => id.startsWith('news/'));
    expect(Math.max(...news.map(([, n]) => n))).toBe(1);
    expect(news.length).toBeLessThan((await readRunManifest(path.join(root, 'news'))).documents);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shuffles documents across sources rather than writing one source after the other', async () => {
    const [m] = await build('shuffle', [upsampled]);
    const { ids } = await countFromShards(path.join(root, 'shuffle', 'fiction-heavy'), m);
    const head = ids.slice(0, 200).map((id) => id.split('/')[0]);
    expect(head.filter((s) => s === 'fiction').length).toBeGreaterThan(40);
    expect(head.filter((s) => s === 'news').length).toBeGreaterThan(40);
    expect(m.mix.shuffle.buckets).toBeGreaterThan(1);
  });

  it('gives byte-identical output for the same seed', async () => {
    const [a] = await build('same-a', [upsampled], { seed: 7 });
    const [b] = await build('same-b', [upsampled], { seed: 7 });
    expect(a.shards.map((s) => s.sha256)).toEqual(b.shards.map((s) => s.sha256));
    const ma = await fs.readFile(path.join(root, 'same-a', 'fiction-heavy', 'manifest.json'), 'utf8');
    const mb = await fs.readFile(path.join(root, 'same-b', 'fiction-heavy', 'manifest.json'), 'utf8');
    expect(ma).toBe(mb);
  });

  it('changes the order but not the shares with a different seed', async () => {
    const [a] = await build('seed-1', [upsampled], { seed: 1 });
    const [b] = await build('seed-2', [upsampled], { seed: 2 });
    const ia = (await countFromShards(path.join(root, 'seed-1', 'fiction-heavy'), a)).ids;
    const ib = (await countFromShards(path.join(root, 'seed-2', 'fiction-heavy'), b)).ids;
    expect(ia.slice(0, 50)).not.toEqual(ib.slice(0, 50));
    for (const m of [a, b]) {
      for (const s of m.mix.sources) expect(Math.abs(s.share - s.requestedShare) / s.requestedShare).toBeLessThan(0.01);
    }
  });

  it('builds every mixture of a sweep, each a valid run that can itself be mixed again', async () => {
    const ms = await build('sweep', [
      upsampled,
      { name: 'news-only', sources: [{ run: 'news', weight: 1 }] },
      { name: 'fixed', sources: [{ run: 'news', tokens: 300_000 }, { run: 'fiction', tokens: 100_000 }] },
    ]);
    expect(ms.map((m) => m.mix.name)).toEqual(['fiction-heavy', 'news-only', 'fixed']);
    // No budget and maxEpochs 1: the whole source, each document once.
    const newsOnly = ms[1].mix.sources[0];
    expect(newsOnly.epochs).toBe(1);
    expect(newsOnly.documents).toBe((await readRunManifest(path.join(root, 'news'))).documents);
    expect(Math.abs(ms[2].mix.sources[0].tokens - 300_000) / 300_000).toBeLessThan(0.01);
    expect(Math.abs(ms[2].mix.sources[1].tokens - 100_000) / 100_000).toBeLessThan(0.01);

    for (const name of ['fiction-heavy', 'news-only', 'fixed']) {
      const run = await readRunManifest(path.join(root, 'sweep', name));
      expect(run.manifest.kind).toBe('biglm-run');
      expect(run.manifest.tokenizer.name).toBe('gpt2');
      expect(run.tokens).toBe(run.manifest.totals.tokens);
    }
    const lineage = ms[0].mix.sources[1];
    const fiction = await readRunManifest(path.join(root, 'fiction'));
    expect(lineage.manifest).toEqual({ path: 'fiction/manifest.json', sha256: fiction.manifestSha256 });
    expect(lineage.configHash).toBe(fiction.manifest.configHash);

    const [again] = await build('remix', [{ name: 'remix', sources: [{ run: 'sweep/fixed', weight: 0.5 }, { run: 'fiction', weight: 0.5 }] }]);
    expect(again.mix.sources[0].epochs).toBe(1);
    expect(again.totals.tokens).toBeGreaterThan(780_000);
  });

  it('writes the same shard columns and tokenizer metadata as a prepared run', async () => {
    const [m] = await build('format', [{ name: 'small', sources: [{ run: 'fiction', tokens: 50_000 }] }]);
    const { readShardSchema } = await import('../../formats/token-shards/read.js');
    const schema = await readShardSchema(path.join(root, 'format', 'small', m.shards[0].path));
    expect(schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Utf8', 'source:Utf8', 'tokens:List<Uint16>', 'n_tokens:Uint32']);
    expect(JSON.parse(schema.metadata.get('biglm.tokenizer')!)).toEqual({ name: 'gpt2', vocabSize: 50257, eosId: 50256 });
    for await (const d of readShardDocs(path.join(root, 'format', 'small', m.shards[0].path))) {
      expect(d.tokens[d.tokens.length - 1]).toBe(50256);
      expect(d.source).toMatch(/^brown\/ck\d\d$/);
    }
  });
});
