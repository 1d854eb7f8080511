// `biglm export`: write a run's token shards in the formats other trainers read (Megatron-LM, datatrove).

import * as path from 'node:path';
import { parseCommand, UsageError } from '../args.js';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../../pipeline/export/index.js';

export const EXPORT_HELP = `biglm export <run-dir> --format megatron|datatrove|hf-datasets --out PREFIX [--quick] [--seed N | --no-shuffle]

Write a run's documents (a prepared or a mixed run), in shard order, one sequence per document with its
EOS, in another trainer's format. The run is checked first (manifest, shard sha256).

  --format megatron    PREFIX.bin + PREFIX.idx: Megatron-LM's indexed dataset (uint16 tokens for
                       vocabularies up to 65,536, else int32), with document boundaries
  --format datatrove   PREFIX.ds + PREFIX.ds.index + PREFIX.ds.metadata: datatrove's tokenized files,
                       documents shuffled as datatrove's DocumentTokenizer shuffles them
                       (numpy default_rng(seed).permutation)
  --format hf-datasets PREFIX/ as Hugging Face datasets' save_to_disk folder: the shards in the Arrow
                       stream format (Dataset.from_file) + state.json + dataset_info.json
                       (datasets.load_from_disk(PREFIX))
  --seed N             datatrove: the shuffle's seed (default 0)
  --no-shuffle         datatrove: keep the run's document order
  --out PREFIX         output path without extension; PREFIX.export.json records the lineage
  --quick              check shard sizes only instead of re-hashing every shard`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(
    argv,
    { format: { type: 'string' }, out: { type: 'string' }, quick: { type: 'boolean' }, seed: { type: 'string' }, 'no-shuffle': { type: 'boolean' } },
    EXPORT_HELP,
  );
  if (wantsHelp) {
    console.log(EXPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one run directory\n\n${EXPORT_HELP}`);
  const format = values.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got ${JSON.stringify(values.format ?? null)}`);
  }
  if (!values.out) throw new UsageError('--out PREFIX is required');
  if (format !== 'datatrove' && (values.seed !== undefined || values['no-shuffle'])) throw new UsageError('--seed and --no-shuffle apply to --format datatrove only');
  if (values.seed !== undefined && values['no-shuffle']) throw new UsageError('--seed and --no-shuffle exclude each other');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) throw new UsageError(`--seed must be a non-negative integer; got ${JSON.stringify(values.seed)}`);
  const t0 = performance.now();
  const record = await exportRun(positionals[0], format, values.out, values.quick ? 'size' : 'sha256', { shuffle: !values['no-shuffle'], seed });
  const s = (performance.now() - t0) / 1000;
  const dir = path.dirname(values.out);
  for (const f of record.files) console.log(`${path.join(dir, f.path)}  ${f.bytes} bytes  sha256 ${f.sha256.slice(0, 16)}…`);
  console.error(
    `exported ${record.documents.toLocaleString('en-US')} documents, ${record.tokens.toLocaleString('en-US')} tokens (${format}) in ${s.toFixed(1)} s → ${values.out}.export.json`,
  );
  return 0;
}
