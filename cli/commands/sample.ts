// `biglm sample`: write the bundled sample corpus (real e-mails and the Brown corpus) as JSONL inputs.

import { parseCommand } from '../args.js';
import { buildSample } from '../../pipeline/sample/index.js';

export const SAMPLE_HELP = `biglm sample [--out DIR]

Write the sample corpus used by \`make train\` and configs/sample.json: about 6,000 real e-mails from
the SpamAssassin public corpus (mail/ham.jsonl, mail/spam.jsonl) and the Brown corpus by genre
(brown/news.jsonl, brown/fiction.jsonl, brown/nonfiction.jsonl). Default DIR: data/sample.`;

export async function sampleCommand(argv: string[]): Promise<number> {
  const { values, wantsHelp } = parseCommand(argv, { out: { type: 'string' } }, SAMPLE_HELP);
  if (wantsHelp) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  const out = values.out ?? 'data/sample';
  const summary = await buildSample(out);
  for (const f of summary.files) console.log(`${out}/${f.path}: ${f.documents} documents, ${(f.bytes / 1e6).toFixed(1)} MB`);
  return 0;
}
