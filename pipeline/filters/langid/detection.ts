// What a language detector is and what it answers: the contract every detector (fastText, ELD, the ensemble)
// implements. Types only, so the detectors need not import the registry that builds them.

export interface Detection {
  /** Canonical language code (iso639.ts), or '' when nothing could be detected (empty, symbols only). */
  language: string;
  /** The detector's score for `language`: fastText's probability, ELD's normalized n-gram score. */
  score: number;
  /** ISO 15924 script when the model's label names it (GlotLID's `srp_Cyrl`); else found from the text. */
  script?: string;
  /** Candidates with their scores, in no particular order: the top one and every other one the detector
   *  reports (see `detect`). */
  scores: Record<string, number>;
}

export interface LanguageDetector {
  name: string;
  /** Canonical codes the detector can answer. */
  languages: string[];
  /**
   * Detect the language of prepared text (`prepareText`). `minScore`: the caller only needs the other
   * candidates scoring at least this much (fastText skips the rest; ELD reports all anyway).
   */
  detect(text: string, minScore?: number): Detection;
}
