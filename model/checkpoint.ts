// Checkpoints: <run>/checkpoints/step-<N>/ with model.safetensors (PyTorch layout and names),
// optimizer.safetensors (AdamW m and v, same layout), config.json (model + tokenizer + training config)
// and state.json (step, data-loader position). A checkpoint directory is written under a temporary
// name and renamed, so it exists complete or not at all; <run>/checkpoints/latest names the newest.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exists, writeFileAtomic, writeJsonAtomic } from '../pipeline/core/atomic.js';
import { paramSpecs, paramsFromArrays, type Params } from './biglm.js';
import type { ModelConfig, TrainConfig } from './config.js';
import type { ExamplesManifest, LoaderPosition } from './data.js';
import type { AdamW } from './optim.js';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from './safetensors.js';

export interface CheckpointConfig {
  model: ModelConfig;
  tokenizer: ExamplesManifest['tokenizer'];
  /** getEncoding() argument that loads the tokenizer: a built-in name or a vocabulary path. */
  tokenizerRef: string;
  objective: string;
  train?: TrainConfig;
}

export interface CheckpointState {
  /** Optimizer steps completed. */
  step: number;
  loader: LoaderPosition;
  dropped: Record<string, number>;
  backend: string;
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** Named arrays in PyTorch layout: dense matrices [in, out] here become nn.Linear's [out, in]. */
async function toTorchLayout(c: ModelConfig, get: (name: string) => tf.Tensor, prefix = ''): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const s of paramSpecs(c)) {
    const data = (await get(s.name).data()) as Float32Array; // data(): a GPU backend cannot read synchronously
    if (!s.linear) out.push({ name: prefix + s.name, shape: s.shape, data: new Float32Array(data) });
    else {
      const [rows, cols] = s.shape;
      out.push({ name: prefix + s.name, shape: [cols, rows], data: transpose2d(data, rows, cols) });
    }
  }
  return out;
}

function fromTorchLayout(c: ModelConfig, tensors: Map<string, NamedArray>, prefix = '', file = ''): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const s of paramSpecs(c)) {
    const t = tensors.get(prefix + s.name);
    if (!t) throw new Error(`${file}: missing tensor '${prefix + s.name}'`);
    const want = s.linear ? [s.shape[1], s.shape[0]] : s.shape;
    if (t.shape.join(',') !== want.join(',')) throw new Error(`${file}: '${prefix + s.name}' has shape [${t.shape}], expected [${want}]`);
    if (!(t.data instanceof Float32Array)) throw new Error(`${file}: '${prefix + s.name}' is not F32`);
    out.set(s.name, s.linear ? transpose2d(t.data, t.shape[0], t.shape[1]) : t.data);
  }
  return out;
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

export async function saveCheckpoint(
  runDir: string,
  config: CheckpointConfig,
  params: Params,
  opt: AdamW,
  state: CheckpointState,
  keep: number,
): Promise<string> {
  const root = path.join(runDir, 'checkpoints');
  const name = checkpointName(state.step);
  const final = path.join(root, name);
  const tmp = path.join(root, `.${name}.${process.pid}.tmp`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  const model = await toTorchLayout(config.model, (n) => params.get(n)!);
  await writeFileAtomic(path.join(tmp, 'model.safetensors'), encodeSafetensors(model, { format: 'pt', step: String(state.step) }));
  const optim = [...(await toTorchLayout(config.model, (n) => opt.m.get(n)!, 'm.')), ...(await toTorchLayout(config.model, (n) => opt.v.get(n)!, 'v.'))];
  await writeFileAtomic(path.join(tmp, 'optimizer.safetensors'), encodeSafetensors(optim, { step: String(opt.step) }));
  await writeJsonAtomic(path.join(tmp, 'config.json'), config);
  await writeJsonAtomic(path.join(tmp, 'state.json'), state);
  await fs.rm(final, { recursive: true, force: true });
  await fs.rename(tmp, final);
  await writeFileAtomic(path.join(root, 'latest'), name + '\n');
  // Keep the newest `keep` checkpoints.
  const all = (await fs.readdir(root)).filter((e) => /^step-\d+$/.test(e)).sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await fs.rm(path.join(root, old), { recursive: true, force: true });
  return final;
}

/** The newest checkpoint of a run directory, or null. Accepts a checkpoint directory itself too. */
export async function resolveCheckpointDir(dir: string): Promise<string | null> {
  if (await exists(path.join(dir, 'model.safetensors'))) return dir;
  const latest = path.join(dir, 'checkpoints', 'latest');
  if (!(await exists(latest))) return null;
  const name = (await fs.readFile(latest, 'utf8')).trim();
  const ckpt = path.join(dir, 'checkpoints', name);
  if (!(await exists(path.join(ckpt, 'model.safetensors')))) throw new Error(`${latest} names ${name}, which is missing or incomplete`);
  return ckpt;
}

export interface LoadedCheckpoint {
  dir: string;
  config: CheckpointConfig;
  state: CheckpointState;
  params: Params;
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as CheckpointConfig;
  const state = JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) as CheckpointState;
  const file = path.join(dir, 'model.safetensors');
  const { tensors } = decodeSafetensors(await fs.readFile(file), file);
  const params = paramsFromArrays(config.model, fromTorchLayout(config.model, tensors, '', file));
  return { dir, config, state, params };
}

export async function loadOptimizerState(dir: string, c: ModelConfig, opt: AdamW): Promise<void> {
  const file = path.join(dir, 'optimizer.safetensors');
  const { tensors, metadata } = decodeSafetensors(await fs.readFile(file), file);
  opt.load(Number(metadata.step), fromTorchLayout(c, tensors, 'm.', file), fromTorchLayout(c, tensors, 'v.', file));
}
