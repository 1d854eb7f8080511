// Encoding registry: get an encoding by name (tiktoken's built-ins). Unknown names list the known ones.

import { createHash } from 'node:crypto';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { biglmSpecialIds, type Encoding } from './encoding.js';

export type { Encoding, BiglmSpecialIds } from './encoding.js';

const BUILTIN: readonly TiktokenEncoding[] = ['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'];

export function listEncodings(): string[] {
  return [...BUILTIN];
}

export function getEncoding(name: string): Encoding {
  if (!(BUILTIN as readonly string[]).includes(name)) {
    throw new Error(`unknown tokenizer '${name}'; known: ${BUILTIN.join(', ')}`);
  }
  const enc = get_encoding(name as TiktokenEncoding);
  const eosId = enc.encode('<|endoftext|>', 'all')[0];
  // n_vocab includes the special tokens tiktoken defines; the largest id bounds the table.
  const vocabSize = maxTokenId(name) + 1;
  const decoder = new TextDecoder('utf-8');
  return {
    name,
    vocabSize,
    eosId,
    ...biglmSpecialIds(vocabSize),
    checksum: createHash('sha256').update(`tiktoken:${name}`).digest('hex'),
    encode: (text) => enc.encode_ordinary(text),
    decode: (ids) => decoder.decode(enc.decode(Uint32Array.from(ids))),
    count: (text) => enc.encode_ordinary(text).length,
    free: () => enc.free(),
  };
}

/** Highest id of each built-in encoding, specials included (from tiktoken's definitions). */
function maxTokenId(name: string): number {
  switch (name) {
    case 'gpt2':
    case 'r50k_base':
      return 50256;
    case 'p50k_base':
      return 50280;
    case 'cl100k_base':
      return 100276;
    case 'o200k_base':
      return 200018;
    default:
      throw new Error(`no vocabulary size known for '${name}'`);
  }
}
