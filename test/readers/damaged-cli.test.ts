import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as path from 'node:path';
import { buildSeeds } from '../../bench/fuzz/corpus.js';
import { tempDir } from './fixtures.js';

// End to end: a run over damaged Parquet, Arrow and gzip inputs next to good ones exits 0, writes its
// manifest, and accounts for every record (read = kept + Σ dropped), each loss under its reason.

const cli = path.resolve('dist/cli/biglm.js');
const dir = tempDir('biglm-damaged-cli-');

describe.skipIf(!existsSync(cli))('biglm prepare on damaged inputs', () => {
  it('exits 0 with a manifest, no stack trace, and the losses counted as read:corrupt_*', async () => {
    const inputs = path.join(dir, 'in');
    mkdirSync(inputs, { recursive: true });
    const seeds = await buildSeeds(dir);
    const seed = (name: string) => seeds.find((s) => s.name === name)!.data;
    const parquet = seed('docs.parquet');
    writeFileSync(path.join(inputs, 'cut.parquet'), parquet.subarray(0, parquet.length - 100));
    const arrow = seed('docs.arrow');
    const badFooter = Buffer.from(arrow);
    badFooter.writeInt32LE(0x7fffffff, arrow.length - 10);
    writeFileSync(path.join(inputs, 'footer.arrow'), badFooter);
    const warc = Buffer.from(seed('crawl.warc.gz'));
    warc[Math.floor(warc.length / 2)] ^= 0xff;
    writeFileSync(path.join(inputs, 'flipped.warc.gz'), warc);
    writeFileSync(path.join(inputs, 'good.jsonl.gz'), gzipSync('{"text": "a good document, whole and readable"}\n'));
    const run = path.join(dir, 'run');
    const r = spawnSync(process.execPath, [cli, 'prepare', '--input', inputs, '--out', run, '--no-progress', '--tokenizer', 'gpt2', '--workers', '1'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const m = JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8'));
    const dropped = m.totals.dropped as Record<string, number>;
    expect(m.totals.read).toBe(m.totals.kept + Object.values(dropped).reduce((a, b) => a + b, 0));
    expect(dropped['read:corrupt_parquet']).toBe(1);
    expect(dropped['read:corrupt_gzip']).toBe(1);
    expect(r.stderr).toMatch(/cut\.parquet:\d+: the Parquet footer does not parse/);
    expect(r.stderr).toMatch(/flipped\.warc\.gz:\d+: gzip member at compressed byte \d+ does not decode/);
    expect(r.stderr).toMatch(/footer\.arrow:8: not a readable Arrow IPC file/);
    expect(m.totals.kept).toBeGreaterThan(30);
  });
});
