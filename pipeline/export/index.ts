// Export a run's token shards to the formats other trainers read (docs/mixing.md).

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { readRunManifest } from '../mix/source-run.js';
import { exportMegatron, type ExportSummary } from './megatron.js';
import { exportDatatrove, type DatatroveExportOptions } from './datatrove.js';
import { exportHfDatasets } from './hf-datasets.js';

export { exportMegatron, MEGATRON_DTYPE, MEGATRON_INDEX_HEADER, type ExportSummary } from './megatron.js';
export { exportDatatrove, type DatatroveExportOptions } from './datatrove.js';
export { numpyPermutation } from './numpy-permutation.js';
export { exportHfDatasets, hfDataFileName } from './hf-datasets.js';
export { BinaryFile, type ExportedFile } from './binary-file.js';

export const EXPORT_FORMATS = ['megatron', 'datatrove', 'hf-datasets'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRecord extends ExportSummary {
  format: ExportFormat;
  run: string;
  runManifestSha256: string;
  tokenizer: string;
  /** datatrove: the seed of the document shuffle, or null for the run's order. */
  shuffleSeed?: number | null;
}

/**
 * Checks the run (manifest and shard hashes), writes the format's files next to `prefix`, and a
 * `<prefix>.export.json` that ties them back to the run's manifest. `datatrove` options: the shuffle.
 */
export async function exportRun(
  runDir: string,
  format: ExportFormat,
  prefix: string,
  verify: 'sha256' | 'size' = 'sha256',
  datatrove: DatatroveExportOptions = {},
): Promise<ExportRecord> {
  if (os.endianness() !== 'LE') throw new Error('the export formats are little-endian; this machine is big-endian');
  const run = await readRunManifest(runDir, { label: `run ${runDir}`, verify });
  await fs.mkdir(path.dirname(path.resolve(prefix)), { recursive: true });
  const summary =
    format === 'megatron'
      ? await exportMegatron(run, prefix)
      : format === 'datatrove'
        ? await exportDatatrove(run, prefix, datatrove)
        : await exportHfDatasets(run, prefix);
  const record: ExportRecord = {
    format,
    run: runDir,
    runManifestSha256: run.manifestSha256,
    tokenizer: run.manifest.tokenizer.name,
    ...summary,
    files: summary.files.map((f) => ({ ...f, path: path.relative(path.dirname(path.resolve(prefix)), f.path) })),
  };
  await writeJsonAtomic(`${prefix}.export.json`, record);
  return record;
}
