import { describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN, compilePattern, splitPieces, toJsRegexSource } from '../../tokenizer/pattern.js';

describe('translating tiktoken patterns to JS', () => {
  it('spells out case-insensitive contractions with Unicode case folds', () => {
    const src = toJsRegexSource("(?i:'s|'ll)|x");
    expect(src).toBe("(?:'[sSſ]|'[lL][lL])|x");
  });

  it('uses Unicode White_Space for \\s and \\S, inside and outside classes', () => {
    expect(toJsRegexSource('[^\\s\\p{L}]\\s+(?!\\S)')).toBe('[^\\p{White_Space}\\p{L}]\\p{White_Space}+(?!\\P{White_Space})');
  });

  it('leaves property names alone inside case-insensitive groups', () => {
    expect(toJsRegexSource('(?i:\\p{Lu}s)')).toBe('(?:\\p{Lu}[sSſ])');
  });

  it('rejects unbalanced patterns', () => {
    expect(() => toJsRegexSource('(abc')).toThrow(/unbalanced/);
  });

  it('splits text into pieces that concatenate back to the text', () => {
    const text = "He said: 'It's 12345 dollars!'\r\n\n  Ça va?\u3000日本語 ";
    for (const pattern of [GPT2_PATTERN, CL100K_PATTERN, O200K_PATTERN]) {
      const pieces = [...splitPieces(compilePattern(pattern), text)];
      expect(pieces.join('')).toBe(text);
    }
    expect([...splitPieces(compilePattern(CL100K_PATTERN), 'It\'s 12345')]).toEqual(['It', "'s", ' ', '123', '45']);
  });

  // Where JS's and Rust's defaults differ: NEL is Unicode whitespace, BOM is not; ſ and K fold to s and k.
  it('treats NEL, BOM, long s and the Kelvin sign the way tiktoken does', () => {
    const enc = get_encoding('cl100k_base');
    try {
      const text = "a\u0085 b\ufeffc it'ſ \u212a 'S x\u00a0\u00a0y";
      const pieces = [...splitPieces(compilePattern(CL100K_PATTERN), text)];
      const viaPieces = pieces.flatMap((p) => [...enc.encode_ordinary(p)]);
      expect(viaPieces).toEqual([...enc.encode_ordinary(text)]);
      expect(pieces).toContain("'ſ");
      expect(pieces).toContain('\u0085');
    } finally {
      enc.free();
    }
  });
});
