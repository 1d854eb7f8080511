// Trained vocabularies on disk: tiktoken's rank format (`base64(token bytes) rank` per line, ranks
// 0…n-1 in order) next to a JSON sidecar with the regex, the special tokens and how it was trained.
// `<dir>/tokenizer.tiktoken` + `<dir>/tokenizer.json`; a path may name the directory or either file.

import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export const RANK_FILE = 'tokenizer.tiktoken';
export const SIDECAR_FILE = 'tokenizer.json';
export const EOS_TEXT = '<|endoftext|>';

export const sidecarSchema = z
  .object({
    format: z.literal('biglm-bpe/1').describe('sidecar format version'),
    name: z.string().min(1).describe('encoding name recorded in manifests'),
    pattern: z.string().min(1).describe('pre-tokenization regex, tiktoken (Rust) syntax'),
    patternName: z.string().optional().describe('which named pattern it is (cl100k_base, o200k_base)'),
    ranks: z.number().int().min(256).describe('number of lines in the rank file (256 bytes + merges)'),
    specialTokens: z.record(z.string(), z.number().int()).describe('tiktoken special tokens; EOS at id = ranks'),
    vocabSize: z.number().int().describe('ranks + special tokens: the base vocabulary size'),
    training: z
      .object({
        inputs: z.array(z.object({ path: z.string(), bytes: z.number() }).strict()),
        vocabSize: z.number().int(),
        documents: z.number().int(),
        bytes: z.number(),
        pieces: z.number(),
        uniquePieces: z.number().int(),
        prunedPieces: z.number().int().default(0).describe('rare distinct pieces dropped to bound memory'),
        merges: z.number().int(),
        skipped: z.record(z.string(), z.number()).describe('inputs records skipped, by reason'),
      })
      .strict()
      .optional()
      .describe('what the vocabulary was trained on, and with which settings'),
  })
  .strict();

export type Sidecar = z.infer<typeof sidecarSchema>;

export interface VocabFiles {
  rankFile: string;
  sidecarFile: string;
}

/** Resolve a directory, a `.tiktoken` file or its `.json` sidecar to both files; undefined if absent. */
export function findVocabFiles(p: string): VocabFiles | undefined {
  if (!existsSync(p)) return undefined;
  if (statSync(p).isDirectory()) {
    const rankFile = path.join(p, RANK_FILE);
    return existsSync(rankFile) ? { rankFile, sidecarFile: path.join(p, SIDECAR_FILE) } : undefined;
  }
  const stem = p.replace(/\.(tiktoken|json)$/, '');
  const rankFile = `${stem}.tiktoken`;
  if (!existsSync(rankFile)) return undefined;
  return { rankFile, sidecarFile: `${stem}.json` };
}

export interface LoadedVocab {
  files: VocabFiles;
  /** The rank file's text, passed to tiktoken as is. */
  rankText: string;
  rankBytes: Buffer;
  sidecar: Sidecar;
}

/** Read and check a trained vocabulary: the sidecar must parse and agree with the rank file. */
export function readVocab(files: VocabFiles): LoadedVocab {
  if (!existsSync(files.sidecarFile)) {
    throw new Error(`${files.rankFile}: its sidecar ${files.sidecarFile} is missing (regex and special tokens live there)`);
  }
  const parsed = sidecarSchema.safeParse(JSON.parse(readFileSync(files.sidecarFile, 'utf8')));
  if (!parsed.success) throw new Error(`${files.sidecarFile}: ${parsed.error.message}`);
  const sidecar = parsed.data;
  const rankBytes = readFileSync(files.rankFile);
  const rankText = rankBytes.toString('utf8');
  const lines = countRankLines(rankText, files.rankFile);
  if (lines !== sidecar.ranks) {
    throw new Error(`${files.rankFile}: ${lines} ranks, but ${files.sidecarFile} says ${sidecar.ranks}`);
  }
  return { files, rankText, rankBytes, sidecar };
}

// Check the rank file is dense (rank i on line i): tiktoken would accept gaps, decode would trap.
function countRankLines(text: string, file: string): number {
  let expected = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const space = text.indexOf(' ', start);
      const rank = space > start && space < end ? Number(text.slice(space + 1, end)) : NaN;
      if (rank !== expected) throw new Error(`${file}: line ${expected + 1}: expected 'base64 ${expected}'`);
      expected++;
    }
    start = end + 1;
  }
  return expected;
}

/** One rank-file line per token, in rank order. */
export function formatRankFile(tokens: readonly Uint8Array[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) out += `${Buffer.from(tokens[i]).toString('base64')} ${i}\n`;
  return out;
}
