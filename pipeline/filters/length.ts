// Length filter: bounds on characters and on words. Words are counted as the Gopher rules count them
// (text-stats.ts: spaCy's English rules for English, the multilingual tokenizer for other languages, so
// Chinese or Thai text is measured in dictionary words, not in spaces).

import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';
import { textStats, docTokenizer } from './text-stats.js';
import { languageOption } from './language-option.js';

const bound = (d: number | null, what: string) => z.number().int().min(0).nullable().default(d).describe(`${what} (null: no bound)`);

export const lengthSchema = z
  .object({
    minChars: bound(1, 'Fewer characters (UTF-16 code units, after trimming whitespace) fails'),
    maxChars: bound(null, 'More characters fails'),
    minWords: bound(null, 'Fewer words fails'),
    maxWords: bound(null, 'More words fails'),
    language: languageOption,
    ...commonOptions,
  })
  .strict();

export const length = defineFilter({
  type: 'length',
  description: 'Drop documents outside the character and word bounds',
  schema: lengthSchema,
  build(o) {
    return (doc, tools) => {
      const chars = doc.text.trim().length;
      tools.observe('chars', chars);
      if (o.minChars !== null && chars < o.minChars) return 'too_short';
      if (o.maxChars !== null && chars > o.maxChars) return 'too_long';
      if (o.minWords === null && o.maxWords === null) return true;
      const words = textStats(doc, docTokenizer(doc, o.language)).words;
      if (o.minWords !== null && words < o.minWords) return 'too_few_words';
      if (o.maxWords !== null && words > o.maxWords) return 'too_many_words';
      return true;
    };
  },
});
