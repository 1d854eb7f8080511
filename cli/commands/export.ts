// `biglm export`: write a run's token shards in the formats other trainers read (Megatron-LM, datatrove).

import * as path from 'node:path';
import * as os from 'node:os';
import { createReadStream, promises as fs } from 'node:fs';
import { isRemote, joinLocation, writeObject } from '../../storage/index.js';
import { openMirror } from '../../pipeline/runner/remote-run.js';
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
  // A run in a bucket is read through a local mirror of its manifest and shards; an s3:// PREFIX is written
  // to a temporary folder and uploaded, the .export.json record last (it says the export is complete).
  const runDir = isRemote(positionals[0]) ? await openMirror(positionals[0], { skip: (rel) => !/^(manifest\.json|shards\/)/.test(rel) }) : positionals[0];
  const remoteOut = isRemote(values.out) ? values.out : undefined;
  const scratch = remoteOut ? await fs.mkdtemp(path.join(os.tmpdir(), 'biglm-export-')) : undefined;
  const localOut = scratch ? path.join(scratch, path.basename(values.out)) : values.out;
  const record = await exportRun(runDir, format, localOut, values.quick ? 'size' : 'sha256', { shuffle: !values['no-shuffle'], seed });
  if (scratch && remoteOut) {
    const recordFile = `${localOut}.export.json`;
    if (runDir !== positionals[0]) await fs.writeFile(recordFile, JSON.stringify({ ...JSON.parse(await fs.readFile(recordFile, 'utf8')), run: positionals[0] }, null, 2) + '\n');
    const base = remoteOut.slice(0, remoteOut.lastIndexOf('/'));
    for (const f of [...record.files.map((x) => x.path), path.basename(recordFile)]) {
      await writeObject(joinLocation(base, f), createReadStream(path.join(scratch, f), { highWaterMark: 1 << 20 }));
    }
    await fs.rm(scratch, { recursive: true, force: true });
  }
  const s = (performance.now() - t0) / 1000;
  const dir = remoteOut ? remoteOut.slice(0, remoteOut.lastIndexOf('/')) : path.dirname(values.out);
  for (const f of record.files) console.log(`${remoteOut ? joinLocation(dir, f.path) : path.join(dir, f.path)}  ${f.bytes} bytes  sha256 ${f.sha256.slice(0, 16)}…`);
  console.error(
    `exported ${record.documents.toLocaleString('en-US')} documents, ${record.tokens.toLocaleString('en-US')} tokens (${format}) in ${s.toFixed(1)} s → ${values.out}.export.json`,
  );
  return 0;
}
