import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import { BUILTINS, builtinDefinitionPath, builtinVocabSize } from '../../tokenizer/builtin.js';

interface Definition {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

// tiktoken's packed rank list: "! <first rank> <base64> <base64> …", one token per position.
function rankCount(def: Definition): number {
  const parts = def.bpe_ranks.split(' ');
  return Number(parts[1]) + parts.length - 2;
}

describe('the built-in encoding table', () => {
  for (const name of Object.keys(BUILTINS)) {
    describe(name, () => {
      const def = JSON.parse(readFileSync(builtinDefinitionPath(name), 'utf8')) as Definition;
      const spec = BUILTINS[name];

      it('has tiktoken’s regex, special tokens and rank count', () => {
        expect(spec.pattern).toBe(def.pat_str);
        expect(spec.specialTokens).toEqual(def.special_tokens);
        expect(spec.ranks).toBe(rankCount(def));
      });

      it('sizes the vocabulary as highest decodable id + 1', () => {
        const size = builtinVocabSize(spec);
        const enc = get_encoding(name as TiktokenEncoding);
        try {
          const last = Math.max(...Object.values(def.special_tokens), rankCount(def) - 1);
          expect(size).toBe(last + 1);
          // The highest id decodes to real bytes.
          expect(enc.decode(new Uint32Array([size - 1])).length).toBeGreaterThan(0);
        } finally {
          enc.free();
        }
      });
    });
  }

  it('matches the sizes OpenAI documents', () => {
    expect(builtinVocabSize(BUILTINS.gpt2)).toBe(50257);
    expect(builtinVocabSize(BUILTINS.p50k_base)).toBe(50281);
    expect(builtinVocabSize(BUILTINS.cl100k_base)).toBe(100277);
    expect(builtinVocabSize(BUILTINS.o200k_base)).toBe(200019);
  });
});
