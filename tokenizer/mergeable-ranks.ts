// The BPE vocabulary in JS: token bytes → rank, as tiktoken's core holds it, for merging the long pieces
// that tiktoken itself cannot (byte-pair-merge.ts). Loaded only when such a piece first appears: the Map
// costs ~40 ms and ~15 MB for cl100k_base, and most runs never need it.

import { readFileSync } from 'node:fs';
import { builtinDefinitionPath } from './builtin.js';

/**
 * Token bytes → rank. Keys are the bytes as a one-byte ("latin1") string: V8 stores those compactly, hashes
 * them fast, and a key for bytes [a, b) of a piece is one `slice` of the piece's own latin1 string.
 */
export class MergeableRanks {
  /** Longest token in bytes: a longer span is no token, without a lookup. */
  readonly maxTokenBytes: number;
  /** Whether no two byte strings share a rank, so that a rank names its bytes. */
  readonly ranksAreUnique: boolean;

  constructor(private readonly ranks: ReadonlyMap<string, number>) {
    let longest = 0;
    const seen = new Set<number>();
    for (const [key, rank] of ranks) {
      if (key.length > longest) longest = key.length;
      seen.add(rank);
    }
    this.maxTokenBytes = longest;
    this.ranksAreUnique = seen.size === ranks.size;
  }

  /** Rank of the token whose bytes are `key` (a latin1 string), or -1 when it is no token. */
  rank(key: string): number {
    if (key.length > this.maxTokenBytes) return -1;
    return this.ranks.get(key) ?? -1;
  }

  get size(): number {
    return this.ranks.size;
  }

  /** Every token as [bytes as a latin1 string, rank], for writing the vocabulary in another format. */
  entries(): IterableIterator<[string, number]> {
    return this.ranks.entries();
  }
}

/**
 * Parses ranks the way tiktoken's JS package does (`wasm/src/lib.rs`, `CoreBPEConstructor::parse_bfe`): either
 * its compact form (lines `! offset b64 b64 …`, consecutive ranks from offset: the built-ins' `bpe_ranks`) or
 * the standard `.tiktoken` form (lines `b64 rank`). A later duplicate wins, as in tiktoken's HashMap.
 */
export function parseTiktokenRanks(text: string): MergeableRanks {
  const ranks = new Map<string, number>();
  const compact = text.startsWith('!');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0) continue;
    const fields = line.split(' ');
    if (compact) {
      const offset = Number(fields[1]);
      for (let i = 2; i < fields.length; i++) ranks.set(Buffer.from(fields[i], 'base64').toString('latin1'), offset + i - 2);
    } else {
      ranks.set(Buffer.from(fields[0], 'base64').toString('latin1'), Number(fields[1]));
    }
  }
  return new MergeableRanks(ranks);
}

const builtins = new Map<string, MergeableRanks>();

/** The ranks of a tiktoken built-in, from the definition file tiktoken ships (parsed once per thread). */
export function builtinRanks(name: string): MergeableRanks {
  let ranks = builtins.get(name);
  if (ranks === undefined) {
    const definition = JSON.parse(readFileSync(builtinDefinitionPath(name), 'utf8')) as { bpe_ranks: string };
    ranks = parseTiktokenRanks(definition.bpe_ranks);
    builtins.set(name, ranks);
  }
  return ranks;
}
