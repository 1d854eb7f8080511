// `biglm export-model`: a training checkpoint as a model folder another framework loads (Hugging Face transformers).

import { parseCommand, UsageError } from '../args.js';
import { initBackend } from '../../model/backend.js';
import { consoleLogger } from '../../lib/log.js';
import { exportHfModel, MODEL_EXPORT_FORMATS, type ModelExportFormat } from '../../model/export-hf/index.js';
import { hfTokenizerFilesOrReason } from '../../tokenizer/export/model-folder.js';

export const EXPORT_MODEL_HELP = `biglm export-model <run-or-checkpoint> --format hf --out DIR

Write a BiGLM checkpoint (a training run directory: its latest checkpoint; or one checkpoint directory) as
a Hugging Face model folder: config.json, model.safetensors, modeling_biglm.py (the PyTorch port of the
encoder, loaded with trust_remote_code) and tokenizer.json when the tokenizer can be exported.

  from transformers import AutoModelForMaskedLM
  model = AutoModelForMaskedLM.from_pretrained("DIR", trust_remote_code=True)

  --format hf    the only format so far
  --out DIR      the folder to write (replaced when it is an earlier export; any other folder is refused)`;

export async function exportModelCommand(argv: string[]): Promise<number> {
  const { values, positionals, wantsHelp } = parseCommand(argv, { format: { type: 'string' }, out: { type: 'string' } }, EXPORT_MODEL_HELP);
  if (wantsHelp) {
    console.log(EXPORT_MODEL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one run or checkpoint directory\n\n${EXPORT_MODEL_HELP}`);
  const format = values.format as ModelExportFormat | undefined;
  if (!format || !MODEL_EXPORT_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${MODEL_EXPORT_FORMATS.join(', ')}; got ${JSON.stringify(values.format ?? null)}`);
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  // The weights only pass through tfjs tensors; WASM holds them without tfjs' pure-JS backend banner.
  const log = consoleLogger();
  await initBackend('wasm', log);
  const record = await exportHfModel(positionals[0], values.out, async (dir, ref) => {
    const r = await hfTokenizerFilesOrReason(dir, ref);
    if (r.reason) log.warn(`no tokenizer in the export: ${r.reason}`);
    return r.files;
  });
  console.log(`${values.out}: ${record.files.join(', ')} (checkpoint step ${record.step})`);
  return 0;
}
