// The token shards and the `hf-datasets` export read by Hugging Face `datasets` itself (in a venv):
// load_dataset("arrow", data_files=…) on the shards as they are, Dataset.from_file and load_from_disk on the export.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportRun, hfDataFileName } from '../../pipeline/export/index.js';
import { brownTexts, writeTextRun } from '../../pipeline/mix/text-run.js';
import { readRunManifest } from '../../pipeline/mix/source-run.js';
import { readShardDocs } from '../../formats/token-shards/read.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';

const py = pythonVenv(['datasets']);
if (py.reason) console.warn(`test/export/hf-datasets (Hugging Face datasets): skipped — ${py.reason}`);

let root: string;
let run: string;
let docs: { id: string; source: string; tokens: number[] }[];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-export-hf-datasets-'));
  run = path.join(root, 'news');
  await writeTextRun({ runDir: run, texts: await brownTexts(/^ca/, 3), tokens: 30_000, shardMaxBytes: 16_000 });
  const { manifest } = await readRunManifest(run);
  docs = [];
  for (const s of manifest.shards) for await (const d of readShardDocs(path.join(run, s.path))) docs.push({ id: d.id, source: d.source, tokens: Array.from(d.tokens) });
  process.env.HF_HOME = path.join(root, 'hf-home'); // load_dataset's cache
  process.env.HF_HUB_OFFLINE = '1';
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const READ = `
import sys, json, glob, datasets
how, where = sys.argv[1], sys.argv[2]
if how == "load_dataset":
    ds = datasets.load_dataset("arrow", data_files=sorted(glob.glob(where + "/shards/*.arrow")), split="train")
elif how == "from_file":
    ds = datasets.concatenate_datasets([datasets.Dataset.from_file(f) for f in sorted(glob.glob(where + "/data-*.arrow"))])
else:
    ds = datasets.load_from_disk(where)
print(json.dumps({"rows": ds.to_list(), "tokens_type": str(ds.features["tokens"]), "n": ds.num_rows}))
`;

function read(how: string, where: string) {
  return JSON.parse(runPython(py.venv!, READ, [how, where])) as { rows: { id: string; source: string; tokens: number[]; n_tokens: number }[]; tokens_type: string; n: number };
}

describe.skipIf(!py.venv)('Hugging Face datasets', () => {
  it('load_dataset("arrow", data_files=…) reads the shards as they are, in order', () => {
    const got = read('load_dataset', run);
    expect(got.n).toBe(docs.length);
    expect(got.rows.map((r) => ({ id: r.id, source: r.source, tokens: r.tokens }))).toEqual(docs);
    expect(got.rows.map((r) => r.n_tokens)).toEqual(docs.map((d) => d.tokens.length));
    expect(got.tokens_type).toMatch(/uint16/);
  });

  it('the hf-datasets export opens with Dataset.from_file (IPC stream files) and load_from_disk', async () => {
    const out = path.join(root, 'out', 'news-hf');
    const record = await exportRun(run, 'hf-datasets', out);
    const shards = JSON.parse(readFileSync(path.join(run, 'manifest.json'), 'utf8')).shards as unknown[];
    expect(shards.length).toBeGreaterThan(1);
    expect(record.files.map((f) => f.path)).toEqual([...shards.map((_, k) => `news-hf/${hfDataFileName(k, shards.length)}`), 'news-hf/state.json', 'news-hf/dataset_info.json']);
    expect(record.documents).toBe(docs.length);
    // The stream format: no ARROW1 magic at the start (the file format has one).
    expect(readFileSync(path.join(out, hfDataFileName(0, shards.length))).subarray(0, 6).toString('latin1')).not.toBe('ARROW1');
    for (const how of ['from_file', 'load_from_disk']) {
      const got = read(how, out);
      expect(got.rows.map((r) => ({ id: r.id, source: r.source, tokens: r.tokens }))).toEqual(docs);
      expect(got.tokens_type).toMatch(/uint16/);
    }
  });
});
