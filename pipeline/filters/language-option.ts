// The `language` option of the filters that count words (datatrove's `language` argument of the same filters).

import { z } from 'zod';

export const languageOption = z
  .string()
  .min(1)
  .nullable()
  .default(null)
  .describe(
    "Language whose word tokenizer counts words: English ('en', and datatrove's English-tokenized proxies) uses spaCy's " +
      'English rules, as datatrove; any other language the multilingual tokenizer. null: each document\'s meta.language ' +
      '(set by language_id), English when it has none.',
  );
