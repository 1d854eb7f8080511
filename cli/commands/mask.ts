// `biglm mask <run> --out DIR …`: command-line front of runMask. Flags override the --config file, which
// holds only what differs from the defaults (pipeline/mask/config.ts).

import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { consoleLogger } from '../../lib/log.js';
import { intOption, parseCommand } from '../args.js';
import { OBJECTIVES, resolveMaskConfig } from '../../pipeline/mask/config.js';
import { runMask } from '../../pipeline/mask/run.js';

export const MASK_HELP = `biglm mask <run> --out DIR [--seq-len N] [--objective biglm|bert|diffusion] [--seed S]
                 [--config mask.json] [--workers N]

Pack a prepared run's token shards into rows of exactly seq-len tokens and mask them for training.
Writes DIR/examples/part-<k>.arrow (one per source shard), DIR/valid/part-<k>.arrow (the held-out
validation rows) and DIR/manifest.json. Columns: input_ids, labels (-100 = no loss), segment_ids,
roles (0 pad, 1 source, 2 target), loss_weights, target_lengths. See docs/masking.md.

  --out DIR          output directory (must not already hold a manifest.json)
  --seq-len N        tokens per row (default 128)
  --objective O      biglm (default): prefix split, span masking of source and target
                     bert: 15 % of tokens, 80/10/10 replacement; diffusion: i.i.d. with t ~ U(0,1), weight 1/t
  --seed S           random seed (default 0); same seed → byte-identical output
  --config FILE      JSON with mask options (e.g. {"biglm": {"sourceRatio": "fixed"}, "validFraction": 0.02})
  --workers N        worker threads (default: number of cores); output does not depend on it
  -h, --help         this help`;

export async function maskCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommand(
      argv,
      { out: { type: 'string' }, 'seq-len': { type: 'string' }, objective: { type: 'string' }, seed: { type: 'string' }, config: { type: 'string' }, workers: { type: 'string' } },
      MASK_HELP,
    );
  } catch (e) {
    // the message already ends with the help
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const { values, positionals, wantsHelp } = parsed;
  if (wantsHelp) {
    process.stdout.write(MASK_HELP + '\n');
    return 0;
  }
  const usage = (msg: string) => {
    process.stderr.write(`${msg}\n\n${MASK_HELP}\n`);
    return 2;
  };
  if (positionals.length !== 1) return usage(`expected exactly one run directory, got ${positionals.length}`);
  if (!values.out) return usage('--out DIR is required');

  try {
    const fromFile = values.config ? readConfigFile(values.config) : {};
    const overrides: Record<string, unknown> = {};
    const seqLen = intOption(values['seq-len'], 'seq-len', 1);
    const seed = intOption(values.seed, 'seed', 0);
    if (seqLen !== undefined) overrides.seqLen = seqLen;
    if (seed !== undefined) overrides.seed = seed;
    if (values.objective !== undefined) {
      if (!(OBJECTIVES as readonly string[]).includes(values.objective)) {
        return usage(`--objective must be one of ${OBJECTIVES.join(', ')}; got '${values.objective}'`);
      }
      overrides.objective = values.objective;
    }
    const config = resolveMaskConfig({ ...fromFile, ...overrides });
    const workers = intOption(values.workers, 'workers', 1) ?? os.availableParallelism();
    const log = consoleLogger('mask: ');
    const started = performance.now();
    const manifest = await runMask({ run: positionals[0], out: values.out, config, workers, log });
    const s = (performance.now() - started) / 1000;
    const t = manifest.totals;
    log.info(
      `${manifest.objective}: ${t.rows} rows of ${manifest.seqLen} (${manifest.split.validRows} valid), ${t.segments} segments, ` +
        `${t.maskedTokens} masked of ${t.tokens} tokens; ${t.keptDocs}/${t.documents} documents kept ` +
        `(${t.droppedShortDocs} too short) in ${s.toFixed(1)} s → ${values.out}`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`biglm mask: ${(e as Error).message}\n`);
    return 1;
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read --config ${file}: ${(e as Error).message}`);
  }
  try {
    const value = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
    return value;
  } catch (e) {
    throw new Error(`--config ${file}: ${(e as Error).message}`);
  }
}
