// The encoding interface every part of biglm uses: tiktoken's built-ins and trained BPE vocabularies.

export interface BiglmSpecialIds {
  /** `[MASK]`, `[BOS]`, `[PAD]`, appended after the base vocabulary, as BiGLM does (docs/tokenizer.md). */
  mask: number;
  bos: number;
  pad: number;
}

/** Texts of the BiGLM specials, as `decode` renders them. */
export const BIGLM_SPECIAL_TEXT = { mask: '[MASK]', bos: '[BOS]', pad: '[PAD]' } as const;

export interface Encoding {
  name: string;
  /** Size of the base vocabulary, EOS included (ids are < vocabSize). */
  vocabSize: number;
  /** End-of-text id of the base tokenizer, appended after every document. */
  eosId: number;
  specials: BiglmSpecialIds;
  /** vocabSize + 3 specials, padded up to a multiple of 128: the embedding table's row count. */
  embeddingSize: number;
  /** sha256 of the vocabulary definition, recorded in every manifest that uses it. */
  checksum: string;
  /** Encode as ordinary text: special-token text inside documents is plain text. No EOS added. */
  encode(text: string): Uint32Array;
  /**
   * Text of the ids. Base ids decode through the vocabulary (a sequence that cuts a UTF-8 character
   * decodes its bytes as U+FFFD); EOS decodes as `<|endoftext|>`, the BiGLM specials as `[MASK]`,
   * `[BOS]`, `[PAD]`. Ids that name no token (≥ embedding rows, or holes in a built-in id range)
   * throw a RangeError.
   */
  decode(ids: ArrayLike<number>): string;
  count(text: string): number;
  /** Release WASM memory. */
  free(): void;
  /** Where the vocabulary comes from: a tiktoken built-in, or a trained `.tiktoken` rank file. */
  source: 'tiktoken' | 'trained';
  /** The pre-tokenization regex (tiktoken / Rust syntax). */
  pattern: string;
  /** Absolute path of the rank file (trained vocabularies only). */
  path?: string;
  /** Plain data for manifests and the service's encoding list. */
  describe(): EncodingInfo;
}

export interface EncodingInfo {
  name: string;
  source: 'tiktoken' | 'trained';
  vocabSize: number;
  eosId: number;
  specials: BiglmSpecialIds;
  embeddingSize: number;
  checksum: string;
  path?: string;
}

export function biglmSpecialIds(vocabSize: number): { specials: BiglmSpecialIds; embeddingSize: number } {
  const specials = { mask: vocabSize, bos: vocabSize + 1, pad: vocabSize + 2 };
  return { specials, embeddingSize: Math.ceil((vocabSize + 3) / 128) * 128 };
}
