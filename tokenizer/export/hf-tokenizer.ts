// A biglm vocabulary (a tiktoken built-in or a trained one) as Hugging Face `tokenizers`' tokenizer.json:
// byte-level BPE with the same pre-tokenization regex, so `Tokenizer.from_file(...)` gives our ids.
// The conversion follows transformers' TikTokenConverter (convert_slow_tokenizer.py: `bytes_to_unicode`,
// and the merges recovered from ranks by `bpe(mergeable_ranks, token, max_rank)`), with the BPE model's
// `ignore_merges` on, because tiktoken looks a whole piece up before merging it.

import { BUILTINS, builtinVocabSize } from '../builtin.js';
import { biglmSpecialIds, BIGLM_SPECIAL_TEXT } from '../encoding.js';
import { builtinRanks, parseTiktokenRanks, type MergeableRanks } from '../mergeable-ranks.js';
import { findVocabFiles, readVocab } from '../vocab-file.js';

/** What a conversion needs from a vocabulary, whatever its source. */
export interface VocabularyParts {
  name: string;
  ranks: MergeableRanks;
  /** The pre-tokenization regex, tiktoken (Rust) syntax; HF's Oniguruma regexes read it as is. */
  pattern: string;
  /** tiktoken's special tokens (EOS among them), by text. */
  specialTokens: Record<string, number>;
  /** Base vocabulary size, EOS included: [MASK] [BOS] [PAD] follow it. */
  vocabSize: number;
}

export function vocabularyParts(nameOrPath: string): VocabularyParts {
  if (Object.hasOwn(BUILTINS, nameOrPath)) {
    const spec = BUILTINS[nameOrPath];
    return { name: nameOrPath, ranks: builtinRanks(nameOrPath), pattern: spec.pattern, specialTokens: { ...spec.specialTokens }, vocabSize: builtinVocabSize(spec) };
  }
  const files = findVocabFiles(nameOrPath);
  if (!files) throw new Error(`unknown tokenizer '${nameOrPath}': neither a built-in (${Object.keys(BUILTINS).join(', ')}) nor a trained vocabulary`);
  const { sidecar, rankText } = readVocab(files);
  return { name: sidecar.name, ranks: parseTiktokenRanks(rankText), pattern: sidecar.pattern, specialTokens: { ...sidecar.specialTokens }, vocabSize: sidecar.vocabSize };
}

/**
 * GPT-2's byte → printable character table (`bytes_to_unicode`): printable Latin-1 bytes map to themselves,
 * the other 68 to U+0100 onwards, so every byte string is a string without spaces or control characters.
 */
export function bytesToUnicode(): string[] {
  const table: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCodePoint(printable ? b : next++);
  }
  return table;
}

/**
 * The two tokens a token of rank `maxRank` is merged from: BPE on its bytes with only lower ranks
 * (TikTokenConverter's `bpe`). Undefined when that does not end in two parts (a token BPE never builds).
 */
function mergeOf(ranks: MergeableRanks, token: string, maxRank: number): [string, string] | undefined {
  let parts = Array.from(token);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = ranks.rank(parts[i] + parts[i + 1]);
      if (r >= 0 && r < bestRank) {
        best = i;
        bestRank = r;
      }
    }
    if (best < 0 || bestRank >= maxRank) break;
    parts = [...parts.slice(0, best), parts[best] + parts[best + 1], ...parts.slice(best + 2)];
  }
  return parts.length === 2 ? [parts[0], parts[1]] : undefined;
}

export interface HfTokenizerJson {
  json: Record<string, unknown>;
  /** Tokens of two or more bytes that no merge of lower ranks builds; they are still reached whole. */
  unmergeable: number;
  /** Every added token by id: tiktoken's specials and BiGLM's [MASK] [BOS] [PAD]. */
  added: Record<string, number>;
}

export function hfTokenizerJson(v: VocabularyParts): HfTokenizerJson {
  const byteChar = bytesToUnicode();
  const show = (latin1: string): string => {
    let s = '';
    for (let i = 0; i < latin1.length; i++) s += byteChar[latin1.charCodeAt(i)];
    return s;
  };
  const byRank = [...v.ranks.entries()].sort((a, b) => a[1] - b[1]);
  const vocab: Record<string, number> = {};
  const merges: [string, string][] = [];
  let unmergeable = 0;
  for (const [token, rank] of byRank) {
    vocab[show(token)] = rank;
    if (token.length < 2) continue;
    const merge = mergeOf(v.ranks, token, rank);
    if (merge) merges.push([show(merge[0]), show(merge[1])]);
    else unmergeable++;
  }
  const { specials } = biglmSpecialIds(v.vocabSize);
  const added: Record<string, number> = {
    ...v.specialTokens,
    [BIGLM_SPECIAL_TEXT.mask]: specials.mask,
    [BIGLM_SPECIAL_TEXT.bos]: specials.bos,
    [BIGLM_SPECIAL_TEXT.pad]: specials.pad,
  };
  // In the model's vocabulary too: tokenizers gives an added token the id its model has for it, and
  // otherwise renumbers it to follow the vocabulary (which would move cl100k's EOS across the id holes).
  for (const [content, id] of Object.entries(added)) {
    if (vocab[content] !== undefined && vocab[content] !== id) throw new Error(`${v.name}: special token ${content} is also token ${vocab[content]}`);
    vocab[content] = id;
  }
  const addedTokens = Object.entries(added)
    .sort((a, b) => a[1] - b[1])
    .map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: v.pattern }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    // Nothing is added around a text: biglm's encode() adds no BOS or EOS either.
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab,
      merges,
    },
  };
  return { json, unmergeable, added };
}
