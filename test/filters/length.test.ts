import { describe, it, expect } from 'vitest';
import { length } from '../../pipeline/filters/length.js';
import { countWords } from '../../pipeline/filters/words.js';
import { verdictOf } from './run-stage.js';

describe('length', () => {
  it('drops empty and whitespace-only documents by default', async () => {
    expect(await verdictOf(length, {}, '')).toBe('length:too_short');
    expect(await verdictOf(length, {}, ' \n\t ')).toBe('length:too_short');
    expect(await verdictOf(length, {}, 'x')).toBe(true);
  });

  it('bounds characters at the edges', async () => {
    expect(await verdictOf(length, { minChars: 5 }, 'abcd')).toBe('length:too_short');
    expect(await verdictOf(length, { minChars: 5, maxChars: 5 }, 'abcde')).toBe(true);
    expect(await verdictOf(length, { maxChars: 5 }, 'abcdef')).toBe('length:too_long');
  });

  it('counts words language-aware: Chinese and Thai by dictionary words, not spaces', async () => {
    expect(countWords('The quick brown fox, again!')).toBe(5);
    // 我 / 喜欢 / 学习 / 中文 and ผม / ชอบ / กิน / ข้าว (ICU dictionary segmentation).
    expect(countWords('我喜欢学习中文')).toBe(4);
    expect(countWords('ผมชอบกินข้าว')).toBe(4);
    // The document's language (meta.language, or the language option) picks the tokenizer.
    expect(await verdictOf(length, { minWords: 4 }, '我喜欢学习中文', { language: 'zh' })).toBe(true);
    expect(await verdictOf(length, { minWords: 5 }, '我喜欢学习中文', { language: 'zh' })).toBe('length:too_few_words');
    expect(await verdictOf(length, { minWords: 4, language: 'zh' }, '我喜欢学习中文')).toBe(true);
    // English rules (the default, as datatrove's) see one word in a run without spaces.
    expect(await verdictOf(length, { minWords: 2 }, '我喜欢学习中文')).toBe('length:too_few_words');
    expect(await verdictOf(length, { maxWords: 4 }, 'one two three four five')).toBe('length:too_many_words');
  });
});
