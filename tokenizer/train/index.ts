// `trainTokenizer`: stream a corpus, count its pre-tokenized pieces, learn byte-level BPE merges and
// write a vocabulary tiktoken loads (rank file + JSON sidecar). Same inputs and settings → same bytes.

import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic.js';
import { consoleLogger, type Logger } from '../../lib/log.js';
import { PieceScanner } from '../bmp-twin.js';
import { PATTERNS } from '../pattern.js';
import { EOS_TEXT, RANK_FILE, SIDECAR_FILE, formatRankFile, type Sidecar } from '../vocab-file.js';
import { learnBpe } from './bpe.js';
import { readCorpus, resolveInputs, type CorpusCounters } from './corpus.js';

export const trainOptionsSchema = z
  .object({
    inputs: z.array(z.string()).min(1).describe('text/JSONL files (optionally .gz), or run directories (their text/*.jsonl)'),
    out: z.string().describe('output directory: tokenizer.tiktoken + tokenizer.json'),
    vocabSize: z
      .number()
      .int()
      .min(257)
      .max(1 << 21)
      .default(8448)
      .describe('base vocabulary size: 256 byte tokens + merges + EOS (8448 = 8191 merges)'),
    pattern: z.enum(['cl100k_base', 'o200k_base']).default('cl100k_base').describe('pre-tokenization regex to split text with'),
    name: z.string().min(1).optional().describe('encoding name for manifests (default: the output directory name)'),
    maxPieceBytes: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe('pieces longer than this (long runs of one symbol) are not counted: they cannot shape useful merges'),
    maxUniquePieces: z
      .number()
      .int()
      .min(1000)
      .default(8_000_000)
      .describe('bound on distinct pieces held in memory; past it the rarest are pruned (counted in the sidecar)'),
  })
  .strict();

export type TrainOptions = z.input<typeof trainOptionsSchema>;

export interface TrainResult {
  rankFile: string;
  sidecarFile: string;
  sidecar: Sidecar;
  seconds: { count: number; merge: number };
}

export interface PieceCounts {
  counts: Map<string, number>;
  /** Pieces counted (kept ones, pruned ones included; over-long ones not). */
  pieces: number;
  /** Distinct pieces dropped to bound memory, and their occurrences. */
  pruned: { distinct: number; occurrences: number };
}

/**
 * Count how often each piece occurs in the texts (the word frequencies BPE learns from). Memory is
 * bounded: when more than `maxUniquePieces` distinct pieces are held, the rarest (count ≤ a threshold
 * that doubles until at most half remain) are dropped, as streaming counters do. Web-scale text has a
 * long tail of pieces seen once that would otherwise grow without limit; they barely move the merges.
 */
export async function countPieces(
  texts: AsyncIterable<string> | Iterable<string>,
  pattern: string,
  maxPieceBytes = 256,
  maxUniquePieces = 8_000_000,
): Promise<PieceCounts> {
  // A scanner rather than the bare regex: one piece of a few million characters would overflow V8's regex.
  const scanner = new PieceScanner(pattern);
  const counts = new Map<string, number>();
  const pruned = { distinct: 0, occurrences: 0 };
  let pieces = 0;
  for await (const text of texts) {
    const { re, text: scanned, origin } = scanner.scan(text);
    re.lastIndex = 0;
    while (re.lastIndex < scanned.length) {
      const start = re.lastIndex;
      if (!re.test(scanned)) throw new Error(`pattern matched nothing at offset ${origin ? origin[start] : start}`);
      const end = re.lastIndex;
      const piece = origin ? text.slice(origin[start], origin[end]) : text.slice(start, end);
      // A UTF-16 length bounds the UTF-8 length from below, ×3 from above: cheap pre-check.
      if (piece.length > maxPieceBytes || (piece.length * 3 > maxPieceBytes && Buffer.byteLength(piece) > maxPieceBytes)) continue;
      pieces++;
      counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
    if (counts.size > maxUniquePieces) prune(counts, maxUniquePieces >> 1, pruned);
  }
  return { counts, pieces, pruned };
}

function prune(counts: Map<string, number>, target: number, pruned: { distinct: number; occurrences: number }): void {
  for (let threshold = 1; counts.size > target; threshold *= 2) {
    for (const [piece, n] of counts) {
      if (n <= threshold) {
        counts.delete(piece);
        pruned.distinct++;
        pruned.occurrences += n;
      }
    }
  }
}

export async function trainTokenizer(options: TrainOptions, log: Logger = consoleLogger('tokenizer: ')): Promise<TrainResult> {
  const opts = trainOptionsSchema.parse(options);
  const files = resolveInputs(opts.inputs);
  const pattern = PATTERNS[opts.pattern];
  const counters: CorpusCounters = { documents: 0, bytes: 0, skipped: {} };

  const t0 = performance.now();
  const { counts, pieces, pruned } = await countPieces(readCorpus(files, counters, log), pattern, opts.maxPieceBytes, opts.maxUniquePieces);
  const t1 = performance.now();
  if (pruned.distinct > 0) log.info(`pruned ${pruned.distinct} rare distinct pieces (${pruned.occurrences} occurrences) to bound memory`);
  log.info(`counted ${pieces} pieces (${counts.size} distinct) in ${counters.documents} documents, ${(counters.bytes / 1e6).toFixed(1)} MB, ${((t1 - t0) / 1000).toFixed(1)} s`);

  // The EOS token takes the id right after the ranks.
  const { tokens, merges } = learnBpe(counts, opts.vocabSize - 1);
  const t2 = performance.now();
  log.info(`${merges} merges → ${tokens.length} ranks in ${((t2 - t1) / 1000).toFixed(1)} s`);
  if (tokens.length < opts.vocabSize - 1) log.warn(`corpus ran out of pairs: ${tokens.length + 1} tokens instead of ${opts.vocabSize}`);

  const ranks = tokens.length;
  const sidecar: Sidecar = {
    format: 'biglm-bpe/1',
    name: opts.name ?? path.basename(path.resolve(opts.out)),
    pattern,
    patternName: opts.pattern,
    ranks,
    specialTokens: { [EOS_TEXT]: ranks },
    vocabSize: ranks + 1,
    training: {
      inputs: files.map((f) => ({ path: f, bytes: statSync(f).size })),
      vocabSize: opts.vocabSize,
      documents: counters.documents,
      bytes: counters.bytes,
      pieces,
      uniquePieces: counts.size,
      prunedPieces: pruned.distinct,
      merges,
      skipped: counters.skipped,
    },
  };
  await mkdir(opts.out, { recursive: true });
  const rankFile = path.join(opts.out, RANK_FILE);
  const sidecarFile = path.join(opts.out, SIDECAR_FILE);
  await writeFileAtomic(rankFile, formatRankFile(tokens));
  await writeJsonAtomic(sidecarFile, sidecar);
  return { rankFile, sidecarFile, sidecar, seconds: { count: (t1 - t0) / 1000, merge: (t2 - t1) / 1000 } };
}
