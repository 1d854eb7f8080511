// What biglm needs to know about tiktoken's built-in encodings, beyond what tiktoken exposes:
// the regex, the id layout (ranks, holes, specials) and a checksum of the definition file.
// `test/tokenizer/builtin.test.ts` checks every number here against tiktoken's own definition files.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN } from './pattern.js';

export interface BuiltinSpec {
  pattern: string;
  /** Ids 0 … ranks-1 are BPE ranks. */
  ranks: number;
  /** tiktoken's special tokens (EOS among them); their ids may leave holes above the ranks. */
  specialTokens: Readonly<Record<string, number>>;
}

export const BUILTINS: Readonly<Record<string, BuiltinSpec>> = {
  gpt2: { pattern: GPT2_PATTERN, ranks: 50256, specialTokens: { '<|endoftext|>': 50256 } },
  r50k_base: { pattern: GPT2_PATTERN, ranks: 50256, specialTokens: { '<|endoftext|>': 50256 } },
  // p50k adds 24 whitespace-run tokens after EOS, so EOS sits inside the rank range.
  p50k_base: { pattern: GPT2_PATTERN, ranks: 50281, specialTokens: { '<|endoftext|>': 50256 } },
  cl100k_base: {
    pattern: CL100K_PATTERN,
    ranks: 100256,
    specialTokens: {
      '<|endoftext|>': 100257,
      '<|fim_prefix|>': 100258,
      '<|fim_middle|>': 100259,
      '<|fim_suffix|>': 100260,
      '<|endofprompt|>': 100276,
    },
  },
  o200k_base: {
    pattern: O200K_PATTERN,
    ranks: 199998,
    specialTokens: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
  },
};

/** Base vocabulary size: highest id tiktoken can decode, plus one (tiktoken's `n_vocab`). */
export function builtinVocabSize(spec: BuiltinSpec): number {
  return Math.max(spec.ranks - 1, ...Object.values(spec.specialTokens)) + 1;
}

const require = createRequire(import.meta.url);

/** Path of tiktoken's definition file for a built-in (ranks, specials, regex as one JSON). */
export function builtinDefinitionPath(name: string): string {
  return require.resolve(`tiktoken/encoders/${name}.json`);
}

const checksums = new Map<string, string>();

/** sha256 of tiktoken's definition file, so a manifest pins the exact vocabulary. */
export function builtinChecksum(name: string): string {
  let sum = checksums.get(name);
  if (sum === undefined) {
    sum = createHash('sha256').update(readFileSync(builtinDefinitionPath(name))).digest('hex');
    checksums.set(name, sum);
  }
  return sum;
}
