import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exportRun, numpyPermutation } from '../../pipeline/export/index.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { sourceDocs } from './source-docs.js';

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-export-dt-'));
  await writeTextRun({ runDir: path.join(root, 'news'), texts: await brownTexts(/^ca/, 3), tokens: 60_000, shardMaxBytes: 40_000 });
  await writeTextRun({ runDir: path.join(root, 'wide'), texts: await brownTexts(/^cj/, 2), tokens: 20_000, tokenizer: 'cl100k_base' });
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function splitDocs(prefix: string): number[][] {
  const ds = readFileSync(`${prefix}.ds`);
  const index = readFileSync(`${prefix}.ds.index`);
  const tokens = new Uint16Array(ds.buffer.slice(ds.byteOffset, ds.byteOffset + ds.byteLength));
  const ends = new BigUint64Array(index.buffer.slice(index.byteOffset, index.byteOffset + index.byteLength));
  const docs: number[][] = [];
  let start = 0;
  for (const e of ends) {
    docs.push(Array.from(tokens.subarray(start, Number(e))));
    start = Number(e);
  }
  expect(start).toBe(tokens.length);
  return docs;
}

describe('datatrove export', () => {
  it('shuffles the documents as datatrove\'s DocumentTokenizer does, seeded (0 unless told)', async () => {
    const prefix = path.join(root, 'out', 'news-shuffled');
    const record = await exportRun(path.join(root, 'news'), 'datatrove', prefix);
    const run = await sourceDocs(path.join(root, 'news'));
    const order = Array.from(numpyPermutation(run.length, 0));
    expect(order).not.toEqual(run.map((_, i) => i));
    expect(splitDocs(prefix)).toEqual(order.map((i) => run[i]));
    expect(record.shuffleSeed).toBe(0);
    expect(record.documents).toBe(run.length);
    expect(readFileSync(`${prefix}.ds.metadata`, 'utf8').split('\n').slice(0, 2)).toEqual(['gpt2|2', String(record.tokens)]);
    await expect(fs.access(`${prefix}.ds.unshuffled`)).rejects.toThrow(); // the scratch copy is gone
    const seeded = path.join(root, 'out', 'news-seed-7');
    await exportRun(path.join(root, 'news'), 'datatrove', seeded, 'sha256', { seed: 7 });
    expect(splitDocs(seeded)).toEqual(Array.from(numpyPermutation(run.length, 7)).map((i) => run[i]));
  });

  it('writes raw tokens and uint64 document ends that split back into the run’s documents in run order with shuffle off', async () => {
    const prefix = path.join(root, 'out', 'news');
    const record = await exportRun(path.join(root, 'news'), 'datatrove', prefix, 'sha256', { shuffle: false });
    expect(record.shuffleSeed).toBeNull();
    const docs = splitDocs(prefix);
    expect(docs).toEqual(await sourceDocs(path.join(root, 'news')));
    expect((await fs.readFile(`${prefix}.ds.metadata`, 'utf8')).split('\n').slice(0, 2)).toEqual(['gpt2|2', String(record.tokens)]);
  });

  it('stores vocabularies over 16 bits as uint32 tokens', async () => {
    const prefix = path.join(root, 'out', 'wide');
    await exportRun(path.join(root, 'wide'), 'datatrove', prefix, 'sha256', { shuffle: false });
    const ds = readFileSync(`${prefix}.ds`);
    const tokens = Array.from(new Uint32Array(ds.buffer.slice(ds.byteOffset, ds.byteOffset + ds.byteLength)));
    expect(tokens).toEqual((await sourceDocs(path.join(root, 'wide'))).flat());
    expect((await fs.readFile(`${prefix}.ds.metadata`, 'utf8')).split('\n')[0]).toBe('cl100k_base|4');
  });
});

const py = pythonVenv(['numpy']);
if (py.reason) console.warn(`test/export/datatrove (numpy): skipped — ${py.reason}`);

// datatrove's shuffle as its source does it (pipeline/tokens/tokenizer.py: `default_rng(seed)`, then
// TokenizedFile.copy over `rand.permutation(len(doc_ends))`), on our unshuffled files; datatrove itself is not
// installable from the local index, numpy is.
const DATATROVE_SHUFFLE = `
import sys, json
import numpy as np
from numpy.random import default_rng
src, dst, seed, token_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
doc_ends = np.fromfile(src + ".ds.index", dtype=np.uint64).tolist()
rand = default_rng(seed)
ordering = rand.permutation(len(doc_ends))
with open(src + ".ds", "rb") as tokens_file, open(dst + ".ds", "wb") as out, open(dst + ".ds.index", "wb") as index:
    written = 0
    for doc_id in ordering:
        start, end = (doc_ends[doc_id - 1] if doc_id > 0 else 0, doc_ends[doc_id])
        tokens_file.seek(start * token_size)
        out.write(tokens_file.read((end - start) * token_size))
        written += end - start
        index.write(np.array([written], dtype=np.uint64).tobytes())
print(json.dumps({n: default_rng(s).permutation(n).tolist() for n, s in [(1, 0), (2, 5), (10, 0), (1000, 123456789), (100, 2**64 + 3)]}))
`;

describe.skipIf(!py.venv)("datatrove's shuffle, run with numpy", () => {
  it('gives byte-identical .ds and .ds.index files, and numpy\'s permutations for any size and seed', async () => {
    const plain = path.join(root, 'out', 'news');
    const ours = path.join(root, 'out', 'news-seed-7');
    const theirs = path.join(root, 'out', 'news-datatrove-7');
    const perms = JSON.parse(runPython(py.venv!, DATATROVE_SHUFFLE, [plain, theirs, '7', '2'])) as Record<string, number[]>;
    expect(readFileSync(`${ours}.ds`).equals(readFileSync(`${theirs}.ds`))).toBe(true);
    expect(readFileSync(`${ours}.ds.index`).equals(readFileSync(`${theirs}.ds.index`))).toBe(true);
    const seeds: [number, bigint][] = [[1, 0n], [2, 5n], [10, 0n], [1000, 123456789n], [100, 2n ** 64n + 3n]];
    for (const [n, seed] of seeds) expect(Array.from(numpyPermutation(n, seed))).toEqual(perms[String(n)]);
  });
});

describe('biglm export --format datatrove', () => {
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'biglm.js');
  it('takes --seed and --no-shuffle, and refuses them for megatron', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [cli, 'export', path.join(root, 'news'), ...args], { encoding: 'utf8' });
    const seeded = run(['--format', 'datatrove', '--out', path.join(root, 'cli', 'seed-7'), '--seed', '7']);
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'cli', 'seed-7.ds')).equals(readFileSync(path.join(root, 'out', 'news-seed-7.ds')))).toBe(true);
    const plain = run(['--format', 'datatrove', '--out', path.join(root, 'cli', 'plain'), '--no-shuffle']);
    expect(plain.status, plain.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'cli', 'plain.ds')).equals(readFileSync(path.join(root, 'out', 'news.ds')))).toBe(true);
    const bad = run(['--format', 'megatron', '--out', path.join(root, 'cli', 'm'), '--seed', '7']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/apply to --format datatrove only/);
  });
});
