// The config.json of a Hugging Face export: BiGLMConfig's fields (modeling_biglm.py) from biglm's model
// config, the tokenizer's special ids, and the auto_map that lets transformers find the shipped classes.

import { rotaryDims, type ModelConfig } from '../config.js';
import type { CheckpointConfig } from '../checkpoint.js';

/** The modeling file shipped in every export; its classes are what `auto_map` names. */
export const MODELING_FILE = 'modeling_biglm.py';

export function hfConfig(ckpt: CheckpointConfig): Record<string, unknown> {
  const m: ModelConfig = ckpt.model;
  const { specials, eosId } = ckpt.tokenizer;
  const module = MODELING_FILE.replace(/\.py$/, '');
  return {
    architectures: ['BiGLMForMaskedLM'],
    model_type: 'biglm',
    auto_map: {
      AutoConfig: `${module}.BiGLMConfig`,
      AutoModel: `${module}.BiGLMModel`,
      AutoModelForMaskedLM: `${module}.BiGLMForMaskedLM`,
    },
    vocab_size: m.vocabSize,
    hidden_size: m.dModel,
    num_hidden_layers: m.nLayers,
    num_attention_heads: m.nHeads,
    intermediate_size: m.ffnWidth,
    rotary_dims: rotaryDims(m),
    rotary_base: m.rotaryBase,
    norm: m.norm,
    norm_eps: m.normEps,
    max_position_embeddings: m.maxSeqLen,
    length_classes: m.lengthClasses,
    initializer_range: m.initStd,
    mask_token_id: specials.mask,
    bos_token_id: specials.bos,
    eos_token_id: eosId,
    pad_token_id: specials.pad,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    biglm: { tokenizer: ckpt.tokenizer.name, objective: ckpt.objective },
  };
}
