import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportRun } from '../../pipeline/export/index.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { parseMixFile } from '../../pipeline/mix/schema.js';
import { runMixFile } from '../../pipeline/mix/mix.js';
import { sourceDocs } from './source-docs.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { memoryLogger } from '../../lib/log.js';

let root: string;

/**
 * A reader written from Megatron-LM's layout (megatron/core/datasets/indexed_dataset.py), independent
 * of the exporter: header, version, dtype code, counts, then int32 lengths, int64 pointers, int64
 * document indices; each sequence read from the .bin at its pointer.
 */
function readMegatron(prefix: string) {
  const idx = readFileSync(`${prefix}.idx`);
  const bin = readFileSync(`${prefix}.bin`);
  const v = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
  expect(idx.subarray(0, 9).toString('latin1')).toBe('MMIDIDX\x00\x00');
  expect(v.getBigUint64(9, true)).toBe(1n);
  const code = v.getUint8(17);
  const sequences = Number(v.getBigUint64(18, true));
  const docCount = Number(v.getBigUint64(26, true));
  let at = 34;
  const lengths: number[] = [];
  for (let i = 0; i < sequences; i++, at += 4) lengths.push(v.getInt32(at, true));
  const pointers: number[] = [];
  for (let i = 0; i < sequences; i++, at += 8) pointers.push(Number(v.getBigInt64(at, true)));
  const docIndices: number[] = [];
  for (let i = 0; i < docCount; i++, at += 8) docIndices.push(Number(v.getBigInt64(at, true)));
  expect(at).toBe(idx.length);
  const size = code === 8 ? 2 : code === 4 ? 4 : NaN;
  const bv = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const seqs = lengths.map((n, s) => Array.from({ length: n }, (_, i) => (size === 2 ? bv.getUint16(pointers[s] + i * 2, true) : bv.getInt32(pointers[s] + i * 4, true))));
  return { code, sequences: seqs, docIndices, binBytes: bin.length };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-export-'));
  await writeTextRun({ runDir: path.join(root, 'news'), texts: await brownTexts(/^ca/, 3), tokens: 60_000, shardMaxBytes: 40_000 });
  await writeTextRun({ runDir: path.join(root, 'fiction'), texts: await brownTexts(/^ck/, 3), tokens: 30_000 });
  await writeTextRun({ runDir: path.join(root, 'wide'), texts: await brownTexts(/^cj/, 2), tokens: 20_000, tokenizer: 'cl100k_base' });
  const file = parseMixFile({ mixtures: [{ name: 'mixed', sources: [{ run: 'news', weight: 0.5 }, { run: 'fiction', weight: 0.5 }] }] }, root);
  await runMixFile(file, { out: root, log: memoryLogger() });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('Megatron-LM export', () => {
  it('reads back to exactly the mixed run’s documents, one uint16 sequence per document', async () => {
    const prefix = path.join(root, 'out', 'mixed_text_document');
    const record = await exportRun(path.join(root, 'mixed'), 'megatron', prefix);
    const { code, sequences, docIndices, binBytes } = readMegatron(prefix);
    const docs = await sourceDocs(path.join(root, 'mixed'));
    expect(code).toBe(8);
    expect(sequences).toEqual(docs);
    expect(docIndices).toEqual(Array.from({ length: docs.length + 1 }, (_, i) => i));
    expect(binBytes).toBe(docs.reduce((n, d) => n + d.length, 0) * 2);
    expect(record.documents).toBe(docs.length);
    // Every sequence ends with gpt2's EOS.
    expect(sequences.every((s) => s[s.length - 1] === 50256)).toBe(true);
    const sidecar = JSON.parse(await fs.readFile(`${prefix}.export.json`, 'utf8'));
    expect(sidecar.runManifestSha256).toBe((await readRunManifest(path.join(root, 'mixed'))).manifestSha256);
    expect(sidecar.files.map((f: { path: string }) => f.path)).toEqual(['mixed_text_document.bin', 'mixed_text_document.idx']);
    expect(existsSync(`${prefix}.idx.lengths`)).toBe(false);
  });

  it('stores vocabularies over 16 bits as int32 (dtype code 4)', async () => {
    const prefix = path.join(root, 'out', 'wide');
    await exportRun(path.join(root, 'wide'), 'megatron', prefix);
    const { code, sequences } = readMegatron(prefix);
    expect(code).toBe(4);
    expect(sequences).toEqual(await sourceDocs(path.join(root, 'wide')));
    expect(Math.max(...sequences.flat())).toBeGreaterThan(65535);
  });

  it('refuses a run that is not finished', async () => {
    await fs.mkdir(path.join(root, 'half'), { recursive: true });
    await expect(exportRun(path.join(root, 'half'), 'megatron', path.join(root, 'out', 'half'))).rejects.toThrow(/has no manifest\.json/);
    expect(existsSync(path.join(root, 'out', 'half.bin'))).toBe(false);
  });
});
