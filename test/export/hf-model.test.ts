// `biglm export-model --format hf` read by Hugging Face transformers itself (AutoModel / AutoModelForMaskedLM
// with trust_remote_code, in a venv with torch): the shipped PyTorch port gives the trainer's logits, hidden
// states and length-head logits on the same batch, for a trained LayerNorm model and a random RMSNorm one.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/log.js';
import { Rng } from '../../lib/rng.js';
import { initBackend } from '../../model/backend.js';
import { toTensors } from '../../model/batch.js';
import { disposeParams, encode, initParams, lengthLogits, mlmLogits } from '../../model/biglm.js';
import { loadCheckpoint, resolveCheckpointDir, saveCheckpoint } from '../../model/checkpoint.js';
import { OptimConfigSchema, resolveModelConfig, TrainConfigSchema } from '../../model/config.js';
import { AdamW } from '../../model/optim.js';
import { train } from '../../model/train.js';
import { exportHfModel } from '../../model/export-hf/index.js';
import { writeHfTokenizer } from '../../tokenizer/export/model-folder.js';
import { EMBEDDING_SIZE, EOS, SPECIALS, BASE_VOCAB, hostBatch, makeRow, writeExamplesDir } from '../model/fixtures.js';
import { pythonVenv, runPython } from '../helpers/python-venv.js';

// The CPU build of torch where the machine has its wheel (a tenth of the CUDA build's download), else PyPI's.
const CPU_TORCH = '/opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl';
const py = pythonVenv([existsSync(CPU_TORCH) ? CPU_TORCH : 'torch', 'transformers', 'safetensors']);
if (py.reason) console.warn(`test/export/hf-model (transformers): skipped — ${py.reason}`);

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'biglm.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'biglm-hf-model-'));
const T = 32;

// The batch both sides see: three packed rows of 2 or 3 documents, one ending in padding.
const rows = [makeRow(new Rng(11), T, 2), makeRow(new Rng(12), T, 3), makeRow(new Rng(13), T, 2)];

const READ = `
import sys, json, torch
from transformers import AutoModel, AutoModelForMaskedLM
folder, batch = sys.argv[1], json.loads(sys.argv[2])
ids, seg, roles = (torch.tensor(batch[k]) for k in ("input_ids", "segment_ids", "roles"))
mlm = AutoModelForMaskedLM.from_pretrained(folder, trust_remote_code=True).eval()
enc = AutoModel.from_pretrained(folder, trust_remote_code=True).eval()
with torch.no_grad():
    out = mlm(ids, segment_ids=seg, roles=roles, labels=torch.tensor(batch["labels"]))
    hidden = enc(ids, segment_ids=seg, roles=roles).last_hidden_state
    length = mlm.length_logits(out.hidden_states[0], seg, roles).tolist() if mlm.length_head is not None else None
print(json.dumps({"classes": [type(mlm).__name__, type(enc).__name__], "logits": out.logits.tolist(), "hidden": hidden.tolist(), "length": length, "loss": out.loss.item()}))
`;

interface Ours {
  logits: number[][];
  hidden: number[][];
  length: number[][] | null;
}

/** The trainer's forward pass on the batch, from the checkpoint as loadCheckpoint gives it. */
async function ours(checkpointDir: string): Promise<Ours> {
  const { config, params } = await loadCheckpoint(checkpointDir);
  const c = config.model;
  const bt = toTensors(hostBatch(rows), c.lengthClasses);
  const [h, logits, length] = tf.tidy(() => {
    const h = encode(c, params, bt);
    return [h, mlmLogits(c, params, h), c.lengthClasses > 0 && bt.pool ? lengthLogits(params, h, bt.pool) : null];
  });
  const result = { hidden: (await h.array()) as number[][], logits: (await logits.array()) as number[][], length: length ? ((await length.array()) as number[][]) : null };
  tf.dispose([h, logits, ...(length ? [length] : [])]);
  bt.dispose();
  disposeParams(params);
  return result;
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  expect(b.length).toBe(a.length);
  let m = 0;
  a.forEach((row, i) => {
    expect(b[i].length).toBe(row.length);
    row.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j]))));
  });
  return m;
}

function magnitude(a: number[][]): number {
  return Math.max(...a.flat().map(Math.abs));
}

/** The length head's rows in the trainer's order: per row, each segment with source tokens and a positive target length. */
function torchLengthRows(length: number[][][]): number[][] {
  const out: number[][] = [];
  rows.forEach((row, r) => {
    row.target_lengths.forEach((len, s) => {
      const hasSource = row.segment_ids.some((id, i) => id === s + 1 && row.roles[i] === 1);
      if (len > 0 && hasSource) out.push(length[r][s]);
    });
  });
  return out;
}

function readWithTransformers(folder: string) {
  const batch = { input_ids: rows.map((r) => r.input_ids), segment_ids: rows.map((r) => r.segment_ids), roles: rows.map((r) => r.roles), labels: rows.map((r) => r.labels) };
  return JSON.parse(runPython(py.venv!, READ, [folder, JSON.stringify(batch)])) as { classes: string[]; logits: number[][][]; hidden: number[][][]; length: number[][][] | null; loss: number };
}

describe.skipIf(!py.venv)('a BiGLM checkpoint exported for Hugging Face transformers', () => {
  beforeAll(async () => {
    process.env.HF_HOME = path.join(tmp, 'hf-home'); // trust_remote_code copies the modeling file under HF_HOME
    process.env.HF_HUB_OFFLINE = '1';
    await initBackend('wasm', memoryLogger());
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('gives the trainer\'s logits, hidden states and length logits (max abs diff ≤ 1e-4) after 40 training steps', async () => {
    const examples = path.join(tmp, 'examples');
    writeExamplesDir(examples, { T, trainShards: 2, rowsPerShard: 8, validRows: 4, seed: 5 });
    const cfg = TrainConfigSchema.parse({
      examples,
      out: path.join(tmp, 'train'),
      steps: 40,
      batchSize: 4,
      evalEvery: 40,
      evalBatches: 1,
      checkpointEvery: 40,
      logEvery: 100,
      backend: 'wasm',
      model: { dModel: 32, nLayers: 2, nHeads: 2, lengthClasses: 16, rotaryFraction: 0.5 },
      optim: { lr: 1e-2, warmupSteps: 0 },
    });
    await train(cfg, { log: memoryLogger() });
    const out = path.join(tmp, 'hf-trained');
    const record = await exportHfModel(path.join(tmp, 'train'), out);
    expect(record).toMatchObject({ kind: 'biglm-hf-model', step: 40, files: ['config.json', 'model.safetensors', 'modeling_biglm.py'] });
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'biglm', vocab_size: EMBEDDING_SIZE, hidden_size: 32, rotary_dims: 8, length_classes: 16, mask_token_id: SPECIALS.mask, eos_token_id: EOS });

    const ckpt = (await resolveCheckpointDir(path.join(tmp, 'train')))!;
    const want = await ours(ckpt);
    const got = readWithTransformers(out);
    expect(got.classes).toEqual(['BiGLMForMaskedLM', 'BiGLMModel']);
    const logits = maxAbsDiff(want.logits, got.logits.flat());
    const hidden = maxAbsDiff(want.hidden, got.hidden.flat());
    const length = maxAbsDiff(want.length!, torchLengthRows(got.length!));
    console.log(`hf export, trained: max |Δ| logits ${logits.toExponential(2)} (|logit| ≤ ${magnitude(want.logits).toFixed(2)}), hidden ${hidden.toExponential(2)}, length ${length.toExponential(2)}`);
    expect(magnitude(want.logits)).toBeGreaterThan(1); // trained weights: the comparison is not between near-zero numbers
    expect(logits).toBeLessThanOrEqual(1e-4);
    expect(hidden).toBeLessThanOrEqual(1e-4);
    expect(length).toBeLessThanOrEqual(1e-4);
    expect(got.loss).toBeGreaterThan(0);
  });

  it('does the same for an RMSNorm model without a length head, all rotary, large random weights', async () => {
    const c = resolveModelConfig({ vocabSize: EMBEDDING_SIZE, dModel: 48, nLayers: 3, nHeads: 4, maxSeqLen: T, norm: 'rmsnorm', rotaryFraction: 1, initStd: 0.2 });
    const params = initParams(c, 9);
    const opt = new AdamW(params, OptimConfigSchema.parse({}));
    const tokenizer = { name: 'toy', vocabSize: BASE_VOCAB, eosId: EOS, specials: SPECIALS, embeddingSize: EMBEDDING_SIZE };
    const dir = await saveCheckpoint(path.join(tmp, 'rms'), { model: c, tokenizer, tokenizerRef: 'toy', objective: 'biglm' }, params, opt, { step: 0, loader: { epoch: 0, shard: 0, row: 0 }, dropped: {}, backend: 'wasm' }, 1);
    opt.dispose();
    disposeParams(params);
    const out = path.join(tmp, 'hf-rms');
    await exportHfModel(dir, out);
    const want = await ours(dir);
    const got = readWithTransformers(out);
    expect(got.length).toBeNull();
    const logits = maxAbsDiff(want.logits, got.logits.flat());
    console.log(`hf export, rmsnorm: max |Δ| logits ${logits.toExponential(2)} (|logit| ≤ ${magnitude(want.logits).toFixed(2)})`);
    expect(magnitude(want.logits)).toBeGreaterThan(1);
    expect(logits).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(want.hidden, got.hidden.flat())).toBeLessThanOrEqual(1e-4);
  });

  it('replaces its own earlier export but refuses a folder that is not one', async () => {
    const other = path.join(tmp, 'not-an-export');
    mkdirSync(other);
    writeFileSync(path.join(other, 'notes.txt'), 'mine');
    await expect(exportHfModel(path.join(tmp, 'train'), other)).rejects.toThrow(/is not a biglm model export/);
    expect(readFileSync(path.join(other, 'notes.txt'), 'utf8')).toBe('mine');
    const again = await exportHfModel(path.join(tmp, 'train'), path.join(tmp, 'hf-trained'));
    expect(again.step).toBe(40);
  });

  it('from the CLI: writes the folder and says when the tokenizer cannot go with it', () => {
    const out = path.join(tmp, 'hf-cli');
    const r = spawnSync(process.execPath, [cli, 'export-model', path.join(tmp, 'train'), '--format', 'hf', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('config.json, model.safetensors, modeling_biglm.py (checkpoint step 40)');
    expect(r.stderr).toMatch(/warning: no tokenizer in the export: unknown tokenizer 'toy'/);
    expect(readFileSync(path.join(out, 'model.safetensors')).equals(readFileSync(path.join(tmp, 'hf-trained', 'model.safetensors')))).toBe(true);
  });

  it('with a tokenizer: AutoTokenizer opens the same folder with BiGLM\'s special tokens', async () => {
    const out = path.join(tmp, 'hf-with-tokenizer');
    const record = await exportHfModel(path.join(tmp, 'train'), out, async (dir) => (await writeHfTokenizer('gpt2', dir)).files);
    expect(record.files).toEqual(['config.json', 'model.safetensors', 'modeling_biglm.py', 'tokenizer.json', 'tokenizer_config.json']);
    const tok = JSON.parse(
      runPython(py.venv!, `import sys, json
from transformers import AutoTokenizer
t = AutoTokenizer.from_pretrained(sys.argv[1], trust_remote_code=True)
print(json.dumps({"ids": t("Hello world")["input_ids"], "mask": t.mask_token_id, "pad": t.pad_token_id, "eos": t.eos_token_id}))`, [out]),
    );
    expect(tok).toEqual({ ids: [15496, 995], mask: 50257, pad: 50259, eos: 50256 });
  });
});
