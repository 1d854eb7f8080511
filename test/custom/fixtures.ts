// A user's module of stages, written into a temporary project folder as a user would write it: plain
// JavaScript importing biglm's helpers (from the compiled package in this checkout), next to a config that
// names its exports. Also the expected outcome of those stages, computed here from the same functions.

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../executor/fixtures.js';

export const distApiUrl = pathToFileURL(path.join(repoRoot, 'dist', 'api', 'index.js')).href;

/** Four kinds of stage: a filter function, a mapper, a whole stage, and a definition with an option. */
export const STAGES_MODULE = (biglm: string) => `
import { mapDocuments, documentStage, defineFilter, z } from ${JSON.stringify(biglm)};

// A filter: true keeps, a string is the drop reason.
export function hasLetters(doc) {
  const letters = doc.text.match(/\\p{L}/gu)?.length ?? 0;
  return letters >= 0.7 * doc.text.length || 'few_letters';
}

export const lowercase = mapDocuments((doc) => doc.text.toLowerCase());

// A whole stage: documents it does not pass on are counted with ctx.stats.drop.
export const evenLength = documentStage(async function* (docs, ctx) {
  for await (const doc of docs) {
    if (doc.text.length % 2 === 0) yield doc;
    else ctx.stats.drop(ctx.stageName, 'odd_length');
  }
});

export const minChars = defineFilter({
  type: 'min_chars',
  description: 'at least n characters',
  schema: z.object({ n: z.number().int().default(100), writeExcluded: z.boolean().default(false) }).strict(),
  build: (o) => (doc) => doc.text.length >= o.n || 'short',
});

// Bugs a user's stage may have: a filter that throws, a stage that loses documents without counting them.
export function throwsOnMoney(doc) {
  if (/money/i.test(doc.text)) throw new Error('no money here');
  return true;
}
export const forgetful = documentStage(async function* (docs) {
  for await (const doc of docs) if (!/free/i.test(doc.text)) yield doc;
});
export const notAStage = 42;
export default function defaultFilter(doc) {
  return doc.text.length > 0;
}
`;

export function writeStagesModule(dir: string, name = 'my-stages.js', biglm = distApiUrl): string {
  const file = path.join(dir, name);
  writeFileSync(file, STAGES_MODULE(biglm));
  return file;
}

/** What the main chain (hasLetters → lowercase → evenLength → minChars n) does to the texts that enter it. */
export function expectedOutcome(texts: string[], n: number): { kept: string[]; dropped: Record<string, number> } {
  const dropped: Record<string, number> = {};
  const kept: string[] = [];
  const drop = (r: string) => (dropped[r] = (dropped[r] ?? 0) + 1);
  for (const raw of texts) {
    const letters = raw.match(/\p{L}/gu)?.length ?? 0;
    if (!(letters >= 0.7 * raw.length)) {
      drop('hasLetters:few_letters');
      continue;
    }
    const text = raw.toLowerCase();
    if (text.length % 2 !== 0) {
      drop('evenLength:odd_length');
      continue;
    }
    if (text.length < n) {
      drop('min_chars:short');
      continue;
    }
    kept.push(text);
  }
  return { kept, dropped };
}
