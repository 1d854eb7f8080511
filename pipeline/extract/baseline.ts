// trafilatura's last-resort extraction (trafilatura/baseline.py `baseline`, `html2txt`): text embedded
// as schema.org JSON-LD, then <article> elements, then every paragraph, then the whole body. Used when
// the main extractor keeps under MIN_EXTRACTED_SIZE characters.

import { type El, deepCopy, deleteElement, descendants, findFirst, itertext, makeEl, parseHtml, subElement, textContent, rawLengthWithout, trimmedLengthWithout } from './dom.js';
import { BASIC_CLEAN } from './selectors.js';
import { trim } from './text.js';

const MIN_CONTENT_LENGTH = 100;
const MIN_DUPLICATE_LENGTH = 50;
const DEDUPE_SCAN_CAP = 200_000;
const JSON_TEXT_KEYS = ['articleBody', 'reviewBody'];
const DESCRIPTION_TYPES = ['Product', 'VideoObject'];
const JSON_HOOKS = /articleBody|reviewBody|recipeInstructions|acceptedAnswer|"Product"|"VideoObject"|"HowTo"/;
const HTML_MARKUP =
  /<\/(a|abbr|address|article|aside|b|blockquote|body|br|caption|cite|code|dd|del|div|dl|dt|em|figcaption|figure|footer|h[1-6]|head|header|hr|html|i|img|ins|kbd|li|main|mark|nav|ol|p|pre|q|quote|s|section|small|span|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|time|title|tr|u|ul)>|<(a|abbr|address|article|aside|b|blockquote|body|br|caption|cite|code|dd|del|div|dl|dt|em|figcaption|figure|footer|h[1-6]|head|header|hr|html|i|img|ins|kbd|li|main|mark|nav|ol|p|pre|q|quote|s|section|small|span|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|time|title|tr|u|ul)(\s[^<>]*=[^<>]*)?\/?>/i;

export interface BaselineResult {
  body: El;
  text: string;
}

/** `basic_cleaning`: asides, footers, scripts, styles, cookie banners. */
export function basicCleaning(tree: El): El {
  for (const el of descendants(tree).filter(BASIC_CLEAN)) deleteElement(el);
  return tree;
}

const asList = (v: unknown): unknown[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);

function walkJson(node: unknown, bodies: string[], teasers: string[], depth = 0): void {
  if (depth > 20) return;
  for (const item of asList(node)) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const o = item as Record<string, unknown>;
    for (const k of JSON_TEXT_KEYS) if (typeof o[k] === 'string' && o[k]) bodies.push(o[k] as string);
    for (const key of ['recipeInstructions', 'step']) {
      for (const step of asList(o[key])) {
        if (typeof step === 'string') bodies.push(step);
        else if (step && typeof step === 'object') {
          const s = step as Record<string, unknown>;
          for (const sub of [s, ...asList(s.itemListElement)]) {
            if (sub && typeof sub === 'object' && typeof (sub as Record<string, unknown>).text === 'string') bodies.push((sub as Record<string, string>).text);
          }
        }
      }
    }
    const answer = o.acceptedAnswer as Record<string, unknown> | undefined;
    if (answer && typeof answer === 'object' && typeof answer.text === 'string') bodies.push(answer.text);
    const type = String(o['@type'] ?? '');
    if (DESCRIPTION_TYPES.some((t) => type.includes(t)) && typeof o.description === 'string') teasers.push(o.description);
    for (const c of ['@graph', 'mainEntity']) walkJson(o[c], bodies, teasers, depth + 1);
  }
}

function parseJsonLenient(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    // Python's json.loads(strict=False) takes raw control characters inside strings; so do pages
    try {
      return JSON.parse(s.replace(/[\u0000-\u001f]+/g, ' '));
    } catch {
      return undefined; // not JSON after all: this source simply yields nothing
    }
  }
}

/** Text of a JSON value that may carry (escaped) HTML. */
function renderText(raw: string): string {
  let s = raw;
  if (s.includes('&')) s = textContent(parseHtml(s.replace(/</g, '&lt;')));
  if (HTML_MARKUP.test(s)) s = textContent(parseHtml(s));
  return trim(s);
}

function buildBody(texts: Iterable<string>, dedupe: boolean): BaselineResult {
  const body = makeEl('body');
  let text = '';
  for (const t of texts) {
    if (t && (!dedupe || t.length <= MIN_DUPLICATE_LENGTH || text.length > DEDUPE_SCAN_CAP || !text.includes(t))) {
      subElement(body, 'p').text = t;
      text = text ? text + '\n' + t : t;
    }
  }
  return { body, text };
}

function attempt(texts: Iterable<string>, dedupe = false): BaselineResult | null {
  const r = buildBody(texts, dedupe);
  return r.text.length > MIN_CONTENT_LENGTH ? r : null;
}

function collectJsonContent(tree: El): { bodies: string[]; teasers: string[] } {
  const bodies: string[] = [];
  const teasers: string[] = [];
  for (const s of descendants(tree, 'script')) {
    if (s.attrs.type !== 'application/ld+json' || !s.text || !JSON_HOOKS.test(s.text)) continue;
    walkJson(parseJsonLenient(s.text), bodies, teasers);
  }
  return { bodies, teasers };
}

const SCRAPED = new Set(['blockquote', 'code', 'p', 'pre', 'q', 'quote']);

/** `baseline` on a raw (uncleaned) tree; the tree is not modified. */
export function baseline(raw: El): BaselineResult {
  const json = collectJsonContent(raw);
  const fromJson = attempt(json.bodies.map(renderText), true);
  if (fromJson) return fromJson;
  const tree = basicCleaning(deepCopy(raw));
  const articles = descendants(tree, 'article')
    .filter((a) => {
      for (let p = a.parent; p; p = p.parent) if (p.tag === 'article') return false;
      return true;
    })
    .map((a) => trim(textContent(a)))
    .filter((t) => t.length > MIN_CONTENT_LENGTH);
  if (articles.length) {
    const cutoff = Math.max(...articles.map((t) => t.length)) / 5;
    const r = attempt(articles.filter((t) => t.length >= cutoff));
    if (r) return r;
  }
  const paragraphs: string[] = [];
  for (const el of descendants(tree, SCRAPED)) {
    let inside = false;
    for (let p = el.parent; p; p = p.parent) if (SCRAPED.has(p.tag)) inside = true;
    if (!inside) paragraphs.push(trim(textContent(el)));
  }
  const fromParagraphs = attempt(paragraphs, true);
  if (fromParagraphs) return fromParagraphs;
  const teaser = attempt(json.teasers.map(renderText), true);
  const bodyEl = findFirst(tree, 'body') ?? tree;
  const all = itertext(bodyEl).map(trim).filter((t) => t).join('\n');
  if (!teaser || all.length >= teaser.text.length) {
    const body = makeEl('body');
    subElement(body, 'p').text = all;
    return { body, text: all };
  }
  return teaser;
}

const BLOCK_ELEMS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'td', 'th', 'tr', 'ul',
]);

/**
 * Length of `html2txt(tree)`: the body's text once basic_cleaning removed its asides, footers and
 * scripts, a space at every block boundary, whitespace collapsed; counted without copying the page.
 */
export function pageTextLength(raw: El): number {
  const body = findFirst(raw, 'body');
  if (!body) return 0;
  return trimmedLengthWithout(body, BASIC_CLEAN, BLOCK_ELEMS);
}

/**
 * At least `pageTextLength(raw)`, from string lengths alone (no character is read): raw text plus one
 * space either side of each block. The escalation test reads it first and needs the exact length only
 * when the bound does not already decide.
 */
export function pageTextLengthBound(raw: El): number {
  const body = findFirst(raw, 'body');
  if (!body) return 0;
  return rawLengthWithout(body, BASIC_CLEAN, BLOCK_ELEMS);
}
