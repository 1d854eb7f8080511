// Encoding registry: tiktoken's built-ins by name, or a trained vocabulary by path. Unknown names fail
// loudly with the list of known ones. Every encoding encodes through the piece cache (exact, faster).

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { get_encoding, Tiktoken, type TiktokenEncoding } from 'tiktoken';
import { BUILTINS, builtinChecksum, builtinVocabSize } from './builtin.js';
import { BIGLM_SPECIAL_TEXT, biglmSpecialIds, type Encoding, type EncodingInfo } from './encoding.js';
import { builtinRanks, parseTiktokenRanks, type MergeableRanks } from './mergeable-ranks.js';
import { PieceCacheEncoder } from './piece-cache.js';
import { SharedPieceTable } from './shared-piece-table.js';
import { EOS_TEXT, findVocabFiles, readVocab, type VocabFiles } from './vocab-file.js';

export type { Encoding, EncodingInfo, BiglmSpecialIds } from './encoding.js';
export { BIGLM_SPECIAL_TEXT } from './encoding.js';

/** Names of tiktoken's built-in encodings. */
export function listEncodings(): string[] {
  return Object.keys(BUILTINS);
}

/**
 * A built-in by name (`cl100k_base`, …) or a trained vocabulary by path (its directory, its
 * `.tiktoken` rank file or its `.json` sidecar). Call `free()` when done: tiktoken holds WASM memory.
 */
export function getEncoding(nameOrPath: string): Encoding {
  const shared = sharedTables.get(nameOrPath);
  if (Object.hasOwn(BUILTINS, nameOrPath)) return builtinEncoding(nameOrPath, shared);
  const files = findVocabFiles(nameOrPath);
  if (files !== undefined) return trainedEncoding(files, shared);
  throw new Error(
    `unknown tokenizer '${nameOrPath}'; known: ${listEncodings().join(', ')}, ` +
      `or the path of a trained vocabulary (a directory with tokenizer.tiktoken + tokenizer.json)`,
  );
}

const sharedTables = new Map<string, SharedPieceTable>();

/**
 * Makes every later `getEncoding(nameOrPath)` in this thread share merged pieces through `buffer`
 * (`SharedPieceTable.allocate(nameOrPath)`, handed to each thread of a pool).
 */
export function sharePieceTable(nameOrPath: string, buffer: SharedArrayBuffer): void {
  sharedTables.set(nameOrPath, new SharedPieceTable(buffer, nameOrPath));
}

function builtinEncoding(name: string, shared?: SharedPieceTable): Encoding {
  const spec = BUILTINS[name];
  const core = get_encoding(name as TiktokenEncoding);
  const vocabSize = builtinVocabSize(spec);
  const specialIds = new Set(Object.values(spec.specialTokens));
  return makeEncoding({
    name,
    source: 'tiktoken',
    core,
    ranks: () => builtinRanks(name),
    pattern: spec.pattern,
    vocabSize,
    eosId: spec.specialTokens[EOS_TEXT],
    checksum: () => builtinChecksum(name),
    isToken: (id) => id < spec.ranks || specialIds.has(id),
    shared,
  });
}

function trainedEncoding(files: VocabFiles, shared?: SharedPieceTable): Encoding {
  const vocab = readVocab(files);
  const { sidecar } = vocab;
  const core = new Tiktoken(vocab.rankText, sidecar.specialTokens, sidecar.pattern);
  const eosId = sidecar.specialTokens[EOS_TEXT];
  if (eosId === undefined) throw new Error(`${files.sidecarFile}: specialTokens has no ${EOS_TEXT}`);
  const specialIds = new Set(Object.values(sidecar.specialTokens));
  const checksum = createHash('sha256').update(vocab.rankBytes).digest('hex');
  return makeEncoding({
    name: sidecar.name,
    source: 'trained',
    path: path.resolve(files.rankFile),
    core,
    ranks: () => parseTiktokenRanks(vocab.rankText),
    pattern: sidecar.pattern,
    vocabSize: sidecar.vocabSize,
    eosId,
    checksum: () => checksum,
    isToken: (id) => id < sidecar.ranks || specialIds.has(id),
    shared,
  });
}

interface Parts {
  name: string;
  source: 'tiktoken' | 'trained';
  path?: string;
  core: Tiktoken;
  /** The same vocabulary's ranks, for the pieces merged in JS (loaded once, on the first long piece). */
  ranks: () => MergeableRanks;
  pattern: string;
  vocabSize: number;
  eosId: number;
  checksum: () => string;
  /** Whether tiktoken can decode the id (decoding anything else traps the WASM instance). */
  isToken: (id: number) => boolean;
  shared?: SharedPieceTable;
}

function makeEncoding(p: Parts): Encoding {
  const { specials, embeddingSize } = biglmSpecialIds(p.vocabSize);
  const fast = new PieceCacheEncoder(p.core, p.ranks, p.pattern, { shared: p.shared });
  // ignoreBOM: a leading U+FEFF is text, not a byte-order mark to strip.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const specialText = new Map<number, string>([
    [specials.mask, BIGLM_SPECIAL_TEXT.mask],
    [specials.bos, BIGLM_SPECIAL_TEXT.bos],
    [specials.pad, BIGLM_SPECIAL_TEXT.pad],
  ]);
  let freed = false;

  const decode = (ids: ArrayLike<number>): string => {
    // Runs of base ids go to tiktoken in one call, so characters split across tokens join up.
    let text = '';
    let run: number[] = [];
    const flush = () => {
      if (run.length > 0) text += decoder.decode(p.core.decode(Uint32Array.from(run)));
      run = [];
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const special = specialText.get(id);
      if (special !== undefined) {
        flush();
        text += special;
      } else if (Number.isInteger(id) && id >= 0 && id < p.vocabSize && p.isToken(id)) {
        run.push(id);
      } else {
        throw new RangeError(`${p.name}: id ${id} at position ${i} is not a token (vocabulary size ${p.vocabSize}, ${embeddingSize} embedding rows)`);
      }
    }
    flush();
    return text;
  };

  const info = (): EncodingInfo => ({
    name: p.name,
    source: p.source,
    vocabSize: p.vocabSize,
    eosId: p.eosId,
    specials,
    embeddingSize,
    checksum: p.checksum(),
    ...(p.path !== undefined ? { path: p.path } : {}),
  });

  return {
    name: p.name,
    source: p.source,
    ...(p.path !== undefined ? { path: p.path } : {}),
    pattern: p.pattern,
    vocabSize: p.vocabSize,
    eosId: p.eosId,
    specials,
    embeddingSize,
    get checksum() {
      return p.checksum();
    },
    encode: (text) => fast.encode(text),
    decode,
    count: (text) => fast.count(text),
    describe: info,
    free: () => {
      // tiktoken's free() twice is a use-after-free inside WASM; make it idempotent.
      if (!freed) p.core.free();
      freed = true;
    },
  };
}

/** Manifest data of an encoding without loading its vocabulary into tiktoken. */
export function describeEncoding(nameOrPath: string): EncodingInfo {
  if (Object.hasOwn(BUILTINS, nameOrPath)) {
    const spec = BUILTINS[nameOrPath];
    const vocabSize = builtinVocabSize(spec);
    return {
      name: nameOrPath,
      source: 'tiktoken',
      vocabSize,
      eosId: spec.specialTokens[EOS_TEXT],
      ...biglmSpecialIds(vocabSize),
      checksum: builtinChecksum(nameOrPath),
    };
  }
  const files = findVocabFiles(nameOrPath);
  if (files === undefined) return getEncoding(nameOrPath).describe(); // throws the unknown-name error
  const { sidecar, rankBytes } = readVocab(files);
  return {
    name: sidecar.name,
    source: 'trained',
    vocabSize: sidecar.vocabSize,
    eosId: sidecar.specialTokens[EOS_TEXT],
    ...biglmSpecialIds(sidecar.vocabSize),
    checksum: createHash('sha256').update(rankBytes).digest('hex'),
    path: path.resolve(files.rankFile),
  };
}
