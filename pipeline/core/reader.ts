// The reader contract: one input file in, documents out, streaming with bounded memory.
// A reader counts every record it sees (`ctx.stats.countRead()`), including bad ones, and drops bad
// ones with a `read:<reason>` drop and one warning naming the file and offset/line.

import type { z } from 'zod';
import type { Doc } from './doc.js';
import type { StageContext } from './stage.js';

export interface InputFile {
  /** Path as expanded from the config's inputs (absolute). */
  path: string;
  /** Index of the file in the sorted list of all inputs: the first half of every doc's order key. */
  fileIndex: number;
  /**
   * The name its documents carry as `source` (the runner gives a local input's path relative to the config,
   * so shards do not depend on where the checkout lives, and a remote one's URL); default: `path`.
   */
  source?: string;
}

/** The `source` of every document read from `file`: readers set it, nothing downstream changes it. */
export function sourceName(file: InputFile): string {
  return file.source ?? file.path;
}

export interface ReaderDefinition<S extends z.ZodType = z.ZodType> {
  format: string;
  description: string;
  /** File name endings this reader claims for `--format auto` (compression suffixes stripped first). */
  extensions: string[];
  schema: S;
  read(file: InputFile, options: z.output<S>, ctx: StageContext): AsyncIterable<Doc>;
}

/**
 * Documents whose text still needs HTML → text extraction carry this in `meta.content_format`.
 * The runner puts the `html_extract` stage right after the reader when the config lists none.
 */
export const HTML_FORMAT = 'html';
