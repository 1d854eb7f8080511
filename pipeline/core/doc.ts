// The document that flows through every stage. Plain data only, so it can cross a worker boundary
// or be written to an intermediate file and read back unchanged.

export interface Doc {
  /** Stable id: the record id when the input has one, else `<file>#<position>`. */
  id: string;
  text: string;
  /** Input file the document came from, as its reader names it (`sourceName`: relative to the config, or a URL). */
  source: string;
  /**
   * Deterministic global order key: index of the input file in the sorted input list, and the
   * document's position inside that file. Dedup keeps the smallest key of each group, so the kept
   * set never depends on worker count or timing.
   */
  fileIndex: number;
  position: number;
  /** Everything else the reader or a stage knows: url, date, language, language_score, … */
  meta: Record<string, unknown>;
  /** Set by the tokenize stage. */
  tokens?: Uint32Array;
}
