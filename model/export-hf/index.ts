// `biglm export-model --format hf`: a checkpoint as a Hugging Face model folder that transformers loads with
// `trust_remote_code=True`: config.json, model.safetensors (PyTorch names and layout), the modeling file
// (a PyTorch port of the encoder), and the tokenizer when it can be exported (tokenizer.json). The folder is
// written under a temporary name and renamed, so it appears complete or not at all.

import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic.js';
import { disposeParams } from '../biglm.js';
import { loadCheckpoint, resolveCheckpointDir } from '../checkpoint.js';
import { encodeSafetensors } from '../safetensors.js';
import { hfConfig, MODELING_FILE } from './hf-config.js';
import { hfTensors } from './weights.js';

export const MODEL_EXPORT_FORMATS = ['hf'] as const;
export type ModelExportFormat = (typeof MODEL_EXPORT_FORMATS)[number];

/** The file a folder of ours is recognised by, so a rerun may replace it and nothing else is overwritten. */
const RECORD = 'biglm-export.json';

export interface ModelExportRecord {
  kind: 'biglm-hf-model';
  checkpoint: string;
  step: number;
  tokenizer: string;
  files: string[];
}

/** modeling_biglm.py: beside this module in the source tree, under model/export-hf/ of the package when built. */
function modelingFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.resolve(here, '..', '..', '..', 'model', 'export-hf')]) {
    const file = path.join(dir, MODELING_FILE);
    if (existsSync(file)) return file;
  }
  throw new Error(`${MODELING_FILE} is missing next to ${here} (the package was installed without model/export-hf/)`);
}

async function assertReplaceable(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (entries.length > 0 && !entries.includes(RECORD)) {
    throw new Error(`${out} exists and is not a biglm model export (no ${RECORD}); choose another --out or remove it`);
  }
}

/**
 * Writes the export of `checkpoint` (a training run directory, whose latest checkpoint is taken, or one
 * checkpoint directory) to `out`. `tokenizerFiles` writes the tokenizer into the folder and returns the file
 * names, or a reason it could not (the export goes on without it).
 */
export async function exportHfModel(
  checkpoint: string,
  out: string,
  tokenizerFiles?: (dir: string, tokenizerRef: string) => Promise<string[]>,
): Promise<ModelExportRecord> {
  const dir = await resolveCheckpointDir(checkpoint);
  if (!dir) throw new Error(`${checkpoint} holds no checkpoint (no model.safetensors, no checkpoints/latest)`);
  await assertReplaceable(out);
  const ckpt = await loadCheckpoint(dir);
  const tmp = `${out.replace(/\/+$/, '')}.${process.pid}.tmp`;
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  try {
    const tensors = await hfTensors(ckpt.config.model, ckpt.params);
    await writeFileAtomic(path.join(tmp, 'model.safetensors'), encodeSafetensors(tensors, { format: 'pt' }));
    await writeJsonAtomic(path.join(tmp, 'config.json'), hfConfig(ckpt.config));
    await fs.copyFile(modelingFile(), path.join(tmp, MODELING_FILE));
    const files = ['config.json', 'model.safetensors', MODELING_FILE];
    if (tokenizerFiles) files.push(...(await tokenizerFiles(tmp, ckpt.config.tokenizerRef)));
    const record: ModelExportRecord = {
      kind: 'biglm-hf-model',
      checkpoint: path.resolve(dir),
      step: ckpt.state.step,
      tokenizer: ckpt.config.tokenizerRef,
      files,
    };
    await writeJsonAtomic(path.join(tmp, RECORD), record);
    await fs.rm(out, { recursive: true, force: true });
    await fs.rename(tmp, out);
    return record;
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    disposeParams(ckpt.params);
  }
}
