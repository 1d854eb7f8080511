// The manifest of a mixed run: a prepare run's manifest plus the mixture's lineage (what each source gave and
// where it came from). Types only, so the table and the report read it without importing the mixer.

import type { Manifest } from '../runner/run-file-types.js';

export interface MixSourceLineage {
  name: string;
  /** The source run directory as written in the mix file. */
  run: string;
  /** The source's manifest.json (path relative to the mix file's folder) and its sha256. */
  manifest: { path: string; sha256: string };
  /** The source run's configHash: which prepare config produced it. */
  configHash: string;
  /** As written in the mix file, and what it came to: a share of the mixture and a token count. */
  requested: { weight?: number; tokens?: number };
  requestedShare: number;
  requestedTokens: number;
  maxEpochs: number;
  sourceTokens: number;
  sourceDocuments: number;
  /** Whole passes over the source, and the tokens / documents of the seeded partial pass. */
  fullEpochs: number;
  partialTokens: number;
  partialDocuments: number;
  /** What the mixture holds from this source. */
  tokens: number;
  documents: number;
  share: number;
  /** tokens / sourceTokens. */
  epochs: number;
}

export interface MixLineage {
  name: string;
  seed: number;
  /** Requested token budget of the mixture, and the tokens it holds. */
  requestedTokens: number;
  tokens: number;
  documents: number;
  shuffle: { buckets: number; bucketBytes: number };
  sources: MixSourceLineage[];
}

export type MixedManifest = Manifest & { mix: MixLineage };
