// Writing a vocabulary into a Hugging Face folder: tokenizer.json (hf-tokenizer.ts) and the
// tokenizer_config.json that lets transformers' AutoTokenizer open it as a PreTrainedTokenizerFast with
// BiGLM's special tokens named. Used by `biglm tokenizer export --format hf` and `biglm export-model`.

import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic.js';
import { BIGLM_SPECIAL_TEXT } from '../encoding.js';
import { EOS_TEXT, RANK_FILE } from '../vocab-file.js';
import { hfTokenizerJson, vocabularyParts } from './hf-tokenizer.js';

export const HF_TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

export interface HfTokenizerExport {
  files: string[];
  name: string;
  vocabSize: number;
  merges: number;
  unmergeable: number;
}

/** Writes the two files into `dir` (made if missing); refuses a trained vocabulary's own folder, whose tokenizer.json is biglm's sidecar. */
export async function writeHfTokenizer(nameOrPath: string, dir: string): Promise<HfTokenizerExport> {
  if (existsSync(path.join(dir, RANK_FILE))) {
    throw new Error(`${dir} holds a biglm vocabulary (${RANK_FILE}): its tokenizer.json is biglm's; export into another folder`);
  }
  const parts = vocabularyParts(nameOrPath);
  const { json, unmergeable } = hfTokenizerJson(parts);
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
  await writeJsonAtomic(path.join(dir, 'tokenizer_config.json'), {
    tokenizer_class: 'PreTrainedTokenizerFast',
    eos_token: EOS_TEXT,
    bos_token: BIGLM_SPECIAL_TEXT.bos,
    mask_token: BIGLM_SPECIAL_TEXT.mask,
    pad_token: BIGLM_SPECIAL_TEXT.pad,
    clean_up_tokenization_spaces: false,
    biglm: { name: parts.name, vocabSize: parts.vocabSize },
  });
  const merges = ((json.model as { merges: unknown[] }).merges).length;
  return { files: [...HF_TOKENIZER_FILES], name: parts.name, vocabSize: parts.vocabSize, merges, unmergeable };
}

/** For a model export: the tokenizer's files, or why there are none (a vocabulary no longer where training found it). */
export async function hfTokenizerFilesOrReason(dir: string, tokenizerRef: string): Promise<{ files: string[]; reason?: string }> {
  try {
    return { files: (await writeHfTokenizer(tokenizerRef, dir)).files };
  } catch (e) {
    return { files: [], reason: (e as Error).message };
  }
}
