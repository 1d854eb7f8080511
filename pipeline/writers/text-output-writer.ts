// The text output (`output.textOutput`, `--text-output`): the last stage of the last segment, after the shards.

import type { Stage } from '../core/stage.js';
import { DocJsonlWriter } from './doc-jsonl.js';
import { DocParquetWriter } from './doc-parquet.js';
import { dolmaLine } from './dolma-line.js';
import { writerStage, type WrittenFiles } from './writer-stage.js';
import { recordFile } from '../runner/file-record.js';

/** The kept documents with all their metadata as dolma JSON lines or Parquet, into `file`. */
export function textOutputWriter(runDir: string, file: string, format: 'jsonl' | 'parquet', written: WrittenFiles): Stage {
  return writerStage<DocJsonlWriter | DocParquetWriter>(
    () => (format === 'jsonl' ? DocJsonlWriter.open(file, dolmaLine) : DocParquetWriter.open(file)),
    async (w) => {
      await w.close();
      written.files.push(await recordFile(runDir, file));
    },
  );
}
