// Test helper: pack and mask real documents in memory with the stage's own row function, keeping every
// row's original tokens and every segment's trace, so statistics can be checked against the spec.

import { Rng } from '../../lib/rng.js';
import { resolveMaskConfig, type MaskConfig } from '../../pipeline/mask/config.js';
import { SegmentMasker, type SegmentTrace } from '../../pipeline/mask/objectives.js';
import type { RowColumns } from '../../formats/examples/shard.js';
import { RowPacker } from '../../pipeline/mask/pack.js';
import { maskRow } from '../../pipeline/mask/shard.js';
import { biglmSpecialIds } from '../../tokenizer/encoding.js';

export interface MaskedSegment {
  row: number;
  start: number;
  length: number;
  hasBos: boolean;
  hasEos: boolean;
  targetLength: number;
  trace: SegmentTrace;
}

export interface MaskedRows {
  config: MaskConfig;
  specials: { mask: number; bos: number; pad: number };
  original: Int32Array[];
  columns: RowColumns[];
  used: number[];
  segments: MaskedSegment[];
}

export function maskDocs(docs: Uint32Array[], vocabSize: number, eosId: number, options: Record<string, unknown>): MaskedRows {
  const config = resolveMaskConfig(options);
  const { specials } = biglmSpecialIds(vocabSize);
  const packer = new RowPacker(config.seqLen, specials.bos, specials.pad);
  const masker = new SegmentMasker(config, { vocabSize, eosId, mask: specials.mask });
  masker.trace = [];
  const out: MaskedRows = { config, specials, original: [], columns: [], used: [], segments: [] };
  const onRow = (row: import('../../pipeline/mask/pack.js').PackedRow) => {
    const r = out.original.length;
    const n = config.seqLen;
    const cols: RowColumns = {
      inputIds: new Int32Array(n),
      labels: new Int32Array(n),
      segmentIds: new Int32Array(n),
      roles: new Uint8Array(n),
      lossWeights: new Float32Array(n),
    };
    const targets: number[] = [];
    const firstTrace = masker.trace!.length;
    maskRow(row, cols, masker, new Rng(config.seed, 'mask', 0, r), specials.pad, (t) => targets.push(t));
    for (let k = 0; k < row.segments; k++) {
      out.segments.push({
        row: r,
        start: row.segStart[k],
        length: row.segLength[k],
        hasBos: row.hasBos[k] === 1,
        hasEos: row.hasEos[k] === 1,
        targetLength: targets[k],
        trace: masker.trace![firstTrace + k],
      });
    }
    out.original.push(row.tokens.slice());
    out.columns.push(cols);
    out.used.push(row.used);
  };
  for (const d of docs) if (d.length - 1 > config.minDocTokens) packer.add(d, 0, d.length, onRow);
  packer.flush(onRow);
  return out;
}
