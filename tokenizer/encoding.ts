// The encoding interface every part of biglm uses: tiktoken's built-ins today, trained BPE files later.

export interface BiglmSpecialIds {
  /** `[MASK]`, `[BOS]`, `[PAD]`, appended after the base vocabulary (../shared/spec/biglm-masking.md). */
  mask: number;
  bos: number;
  pad: number;
}

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
  decode(ids: ArrayLike<number>): string;
  count(text: string): number;
  /** Release WASM memory. */
  free(): void;
}

export function biglmSpecialIds(vocabSize: number): { specials: BiglmSpecialIds; embeddingSize: number } {
  const specials = { mask: vocabSize, bos: vocabSize + 1, pad: vocabSize + 2 };
  return { specials, embeddingSize: Math.ceil((vocabSize + 3) / 128) * 128 };
}
