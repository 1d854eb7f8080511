// The weights of a Hugging Face export: the checkpoint's parameters in PyTorch layout (nn.Linear's
// [out, in]) under the module names of modeling_biglm.py, where the encoder sits under `biglm.`
// (BiGLMForMaskedLM's base_model_prefix, so AutoModel loads the same file without the heads).

import type * as tf from '@tensorflow/tfjs';
import { paramSpecs, type Params } from '../biglm.js';
import type { ModelConfig } from '../config.js';
import type { NamedArray } from '../safetensors.js';

const HEADS = /^(mlm_head|length_head)\./;

/** biglm's parameter name → the PyTorch module path in modeling_biglm.py. */
export function hfTensorName(name: string): string {
  return HEADS.test(name) ? name : `biglm.${name}`;
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

export async function hfTensors(c: ModelConfig, params: Params): Promise<NamedArray[]> {
  const out: NamedArray[] = [];
  for (const s of paramSpecs(c)) {
    const v = params.get(s.name) as tf.Tensor | undefined;
    if (!v) throw new Error(`checkpoint lacks parameter '${s.name}'`);
    const data = (await v.data()) as Float32Array;
    if (!s.linear) out.push({ name: hfTensorName(s.name), shape: s.shape, data: new Float32Array(data) });
    else out.push({ name: hfTensorName(s.name), shape: [s.shape[1], s.shape[0]], data: transpose2d(data, s.shape[0], s.shape[1]) });
  }
  return out;
}
