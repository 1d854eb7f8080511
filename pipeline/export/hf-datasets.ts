// Export to a Hugging Face `datasets` folder: the run's shards rewritten in the Arrow IPC *stream* format
// (what `Dataset.from_file` and `load_from_disk` memory-map; the shards themselves are IPC files, which only
// `load_dataset("arrow", …)` and pyarrow read), plus the `state.json` and `dataset_info.json` that
// `Dataset.save_to_disk` writes, so `datasets.load_from_disk(DIR)` opens the folder as one Dataset.
// Same columns, schema metadata and record batches as the shards, in shard order.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { sha256File, type SourceRun } from '../mix/source-run.js';
import { shardBatches, readShardSchema } from '../../formats/token-shards/read.js';
import { ArrowFileSink } from '../../formats/arrow/file-sink.js';
import type { ExportedFile } from './binary-file.js';
import type { ExportSummary } from './megatron.js';

/** save_to_disk's file names: data-00000-of-00003.arrow. */
export function hfDataFileName(k: number, n: number): string {
  return `data-${String(k).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.arrow`;
}

export async function exportHfDatasets(run: SourceRun, dir: string): Promise<ExportSummary> {
  await fs.mkdir(dir, { recursive: true });
  const shards = run.manifest.shards;
  const files: ExportedFile[] = [];
  let documents = 0;
  let tokens = 0;
  for (const [k, shard] of shards.entries()) {
    const source = path.join(run.dir, shard.path);
    const sink = new ArrowFileSink(path.join(dir, hfDataFileName(k, shards.length)), await readShardSchema(source), 'stream');
    try {
      for await (const batch of shardBatches(source)) sink.write(batch);
    } catch (e) {
      sink.abort();
      throw e;
    }
    files.push(sink.close());
    documents += shard.documents;
    tokens += shard.tokens;
  }
  const state = {
    _data_files: files.map((f) => ({ filename: path.basename(f.path) })),
    // datasets' cache key for the table: the run manifest's hash names exactly these documents.
    _fingerprint: run.manifestSha256.slice(0, 16),
    _format_columns: null,
    _format_kwargs: {},
    _format_type: null,
    _output_all_columns: false,
    _split: null,
  };
  await writeJsonAtomic(path.join(dir, 'state.json'), state);
  // Features are left to datasets, which reads them from the Arrow schema (id, source: string; tokens: a list of
  // uint16 or uint32; n_tokens: uint32).
  await writeJsonAtomic(path.join(dir, 'dataset_info.json'), {
    description: `biglm token shards of ${path.resolve(run.dir)} (tokenizer ${run.manifest.tokenizer.name})`,
    citation: '',
    homepage: '',
    license: '',
  });
  for (const name of ['state.json', 'dataset_info.json']) {
    const file = path.join(dir, name);
    files.push({ path: file, bytes: (await fs.stat(file)).size, sha256: await sha256File(file) });
  }
  return { documents, tokens, files };
}
