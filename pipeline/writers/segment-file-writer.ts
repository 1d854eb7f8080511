// The final stage of a segment before a barrier (or before tokenizer training): its documents, in order, into
// `segments/<k>/<rank>.jsonl`, which the next segment's task of the same rank reads back.

import * as path from 'node:path';
import type { Stage } from '../core/stage.js';
import { DocJsonlWriter } from './doc-jsonl.js';
import { writerStage, type WrittenFiles } from './writer-stage.js';

/** Every document into the segment file `target`, read back by the next segment's tasks. */
export function segmentFileWriter(runDir: string, target: string, written: WrittenFiles): Stage {
  return writerStage(
    () => DocJsonlWriter.open(target),
    async (w) => {
      written.files.push({ path: path.relative(runDir, target), ...(await w.close()) });
    },
  );
}
