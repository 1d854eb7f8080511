// Checkpoints: <run>/checkpoints/step-<N>/ with model.safetensors (PyTorch layout and names),
// optimizer.safetensors (AdamW m and v, same layout), config.json (model + tokenizer + training config)
// and state.json (step, data-loader position). A checkpoint directory is written under a temporary
// name and renamed, so it exists complete or not at all; <run>/checkpoints/latest is a symlink to the
// newest. Nothing non-finite is ever written: the arrays are checked as they are serialized, before the
// rename, so `latest` only ever points at a checkpoint a run can resume from.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { exists, writeFileAtomic, writeJsonAtomic } from '../lib/atomic.js';
import { ConfigError } from '../lib/config-errors.js';
import { paramSpecs, paramsFromArrays, type Params } from './biglm.js';
import type { ModelConfig, TrainConfig } from './config.js';
import type { LoaderPosition } from './data.js';
import type { ReadableExamplesManifest } from '../formats/examples/manifest.js';
import type { AdamW } from './optim.js';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from './safetensors.js';

export interface CheckpointConfig {
  model: ModelConfig;
  tokenizer: ReadableExamplesManifest['tokenizer'];
  /** getEncoding() argument that loads the tokenizer: a built-in name or a vocabulary path. */
  tokenizerRef: string;
  objective: string;
  train?: TrainConfig;
}

export interface CheckpointState {
  /** Optimizer steps completed. */
  step: number;
  loader: LoaderPosition | Record<string, number>;
  dropped: Record<string, number>;
  backend: string;
}

const CheckpointStateSchema = z.object({
  step: z.number().int().min(0),
  // Checked loosely here (generate, eval and export read older checkpoints too); resume checks its shape.
  loader: z.record(z.string(), z.number().int().min(0)),
  dropped: z.record(z.string(), z.number()),
  backend: z.string(),
});

/** Thrown when a tensor about to be written or read holds NaN or ±Infinity. */
export class NonFiniteError extends ConfigError {}

/** Index of the first NaN/±Infinity in data and how many there are, or null when all are finite. */
export function nonFinite(data: Float32Array): { first: number; count: number } | null {
  let first = -1;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  return count ? { first, count } : null;
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
    const bad = nonFinite(data);
    if (bad) throw new NonFiniteError(`'${prefix + s.name}' holds ${bad.count} non-finite values (first at index ${bad.first}); checkpoint not written`);
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
    const bad = nonFinite(t.data);
    if (bad) {
      throw new NonFiniteError(
        `${file}: '${prefix + s.name}' holds ${bad.count} non-finite values (first at index ${bad.first}); this checkpoint cannot be resumed or used — take an earlier one (checkpoints/step-…) or train again`,
      );
    }
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
  try {
    const model = await toTorchLayout(config.model, (n) => params.get(n)!);
    await writeFileAtomic(path.join(tmp, 'model.safetensors'), encodeSafetensors(model, { format: 'pt', step: String(state.step) }));
    const optim = [...(await toTorchLayout(config.model, (n) => opt.m.get(n)!, 'm.')), ...(await toTorchLayout(config.model, (n) => opt.v.get(n)!, 'v.'))];
    await writeFileAtomic(path.join(tmp, 'optimizer.safetensors'), encodeSafetensors(optim, { step: String(opt.step) }));
    await writeJsonAtomic(path.join(tmp, 'config.json'), config);
    await writeJsonAtomic(path.join(tmp, 'state.json'), state);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await fs.rm(final, { recursive: true, force: true });
  await fs.rename(tmp, final);
  // A relative symlink, replaced by a rename, so `latest` names a complete checkpoint at every moment.
  const link = path.join(root, `.latest.${process.pid}.tmp`);
  await fs.rm(link, { force: true });
  await fs.symlink(name, link, 'dir');
  await fs.rename(link, path.join(root, 'latest'));
  // Keep the newest `keep` checkpoints.
  const all = (await fs.readdir(root)).filter((e) => /^step-\d+$/.test(e)).sort();
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await fs.rm(path.join(root, old), { recursive: true, force: true });
  return final;
}

/** The newest checkpoint of a run directory, or null. Accepts a checkpoint directory itself too. */
export async function resolveCheckpointDir(dir: string): Promise<string | null> {
  if (await exists(path.join(dir, 'model.safetensors'))) return dir;
  const latest = path.join(dir, 'checkpoints', 'latest');
  const st = await fs.lstat(latest).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!st) return null;
  // A symlink to the checkpoint directory; runs written before it was one hold the name in a text file.
  const name = st.isSymbolicLink() ? await fs.readlink(latest) : (await fs.readFile(latest, 'utf8')).trim();
  const ckpt = path.resolve(dir, 'checkpoints', name);
  if (!(await exists(path.join(ckpt, 'model.safetensors')))) throw new Error(`${latest} names ${name}, which is missing or incomplete`);
  return ckpt;
}

export interface LoadedCheckpoint {
  dir: string;
  config: CheckpointConfig;
  state: CheckpointState;
  params: Params;
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = await fs.readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message}); the ${what} is damaged — resume from an earlier checkpoint (checkpoints/step-…), or start over with another --out`);
  }
}

/** state.json, checked: a damaged or foreign one names the file and what to do instead. */
export async function readCheckpointState(dir: string): Promise<CheckpointState> {
  const file = path.join(dir, 'state.json');
  const raw = await readJson(file, 'training state');
  const parsed = CheckpointStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${file}: not a training state (${issues}); resume from an earlier checkpoint (checkpoints/step-…), or start over with another --out`);
  }
  return parsed.data;
}

/** The loader position of a checkpoint state, or a ConfigError naming the file when this version cannot continue it. */
export function resumablePosition(dir: string, state: CheckpointState): LoaderPosition {
  const p = state.loader as Record<string, number>;
  if (typeof p.epoch === 'number' && typeof p.window === 'number' && typeof p.row === 'number') return { epoch: p.epoch, window: p.window, row: p.row };
  throw new ConfigError(
    `${path.join(dir, 'state.json')}: loader position ${JSON.stringify(state.loader)} is not {epoch, window, row} (written by a biglm that read shards one at a time); this run cannot be resumed with the same data order — start over with another --out`,
  );
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const config = (await readJson(path.join(dir, 'config.json'), 'checkpoint config')) as CheckpointConfig;
  const state = await readCheckpointState(dir);
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
