// jusText paragraph classification (miso-belica/jusText, justext/core.py: ParagraphMaker,
// classify_paragraphs, revise_paragraph_classification) with the parameters trafilatura uses for its
// fallback (trafilatura/external.py `custom_justext`). Stopwords: the union of the stopwords-iso lists
// stands in for jusText's own stoplists, as trafilatura uses the union of all of them when the page
// language is not given.

import { createRequire } from 'node:module';
import type { El } from './dom.js';

const PARAGRAPH_TAGS = new Set([
  'body', 'blockquote', 'caption', 'center', 'col', 'colgroup', 'dd', 'div', 'dl', 'dt', 'fieldset', 'form', 'legend', 'optgroup', 'option',
  'p', 'pre', 'table', 'td', 'textarea', 'tfoot', 'th', 'thead', 'tr', 'ul', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);

// custom_justext(): classify_paragraphs(paragraphs, stoplist, 50, 150, 0.1, 0.2, 0.25, True); revise(…, 150)
const LENGTH_LOW = 50;
const LENGTH_HIGH = 150;
const STOPWORDS_LOW = 0.1;
const STOPWORDS_HIGH = 0.2;
const MAX_LINK_DENSITY = 0.25;

let stopwords: Set<string> | null = null;
function stoplist(): Set<string> {
  if (!stopwords) {
    const lists = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
    stopwords = new Set();
    for (const words of Object.values(lists)) for (const w of words) stopwords.add(w.toLowerCase());
  }
  return stopwords;
}

type Klass = 'short' | 'neargood' | 'good' | 'bad';

interface Paragraph {
  /** jusText tests `'select' in dom_path`: some element of the path has 'select' in its name. */
  inSelect: boolean;
  nodes: string[];
  linkChars: number;
  text: string;
  cf: Klass;
  cls: Klass;
}

/** justext/utils.py normalize_whitespace: a run with a newline becomes '\n', any other run one space. */
function normalizeWhitespace(s: string): string {
  return s.replace(/\s+/g, (m) => (m.includes('\n') || m.includes('\r') ? '\n' : ' '));
}

function makeParagraphs(root: El): Paragraph[] {
  const out: Paragraph[] = [];
  const path: string[] = [];
  let selects = 0; // elements of the path whose name holds 'select'
  let cur: Paragraph = { inSelect: false, nodes: [], linkChars: 0, text: '', cf: 'bad', cls: 'bad' };
  let link = false;
  let br = false;
  const start = () => {
    if (cur.nodes.length) out.push(cur);
    cur = { inSelect: selects > 0, nodes: [], linkChars: 0, text: '', cf: 'bad', cls: 'bad' };
  };
  const characters = (s: string | null) => {
    if (!s || !/\S/.test(s)) return;
    const t = normalizeWhitespace(s);
    cur.nodes.push(t);
    if (link) cur.linkChars += t.length;
    br = false;
  };
  // SAX order over the tree: open, text, children (each followed by its tail), close
  const stack: [El, boolean][] = [[root, false]];
  while (stack.length) {
    const [el, closing] = stack.pop()!;
    if (closing) {
      if (path.pop()!.includes('select')) selects--;
      if (PARAGRAPH_TAGS.has(el.tag)) start();
      if (el.tag === 'a') link = false;
      if (el !== root) characters(el.tail);
      continue;
    }
    path.push(el.tag);
    if (el.tag.includes('select')) selects++;
    if (PARAGRAPH_TAGS.has(el.tag) || (el.tag === 'br' && br)) start();
    else {
      br = el.tag === 'br';
      if (br) cur.nodes.push(' ');
      else if (el.tag === 'a') link = true;
    }
    characters(el.text);
    stack.push([el, true]);
    for (let i = el.children.length - 1; i >= 0; i--) stack.push([el.children[i], false]);
  }
  start();
  for (const p of out) p.text = normalizeWhitespace(p.nodes.join('').trim());
  return out;
}

function classify(paragraphs: Paragraph[]): void {
  const stop = stoplist();
  for (const p of paragraphs) {
    const words = p.text.split(/\s+/).filter((w) => w);
    let stops = 0;
    for (const w of words) if (stop.has(w.toLowerCase())) stops++;
    const stopDensity = words.length ? stops / words.length : 0;
    const linkDensity = p.text.length ? p.linkChars / p.text.length : 0;
    if (linkDensity > MAX_LINK_DENSITY) p.cf = 'bad';
    else if (p.text.includes('\u00a9') || p.text.includes('&copy')) p.cf = 'bad';
    else if (p.inSelect) p.cf = 'bad';
    else if (p.text.length < LENGTH_LOW) p.cf = p.linkChars > 0 ? 'bad' : 'short';
    else if (stopDensity >= STOPWORDS_HIGH) p.cf = p.text.length > LENGTH_HIGH ? 'good' : 'neargood';
    else if (stopDensity >= STOPWORDS_LOW) p.cf = 'neargood';
    else p.cf = 'bad';
  }
}

function neighbour(i: number, ps: Paragraph[], ignoreNeargood: boolean, inc: number): Klass {
  const boundary = inc < 0 ? -1 : ps.length;
  while (i + inc !== boundary) {
    i += inc;
    const c = ps[i].cls;
    if (c === 'good' || c === 'bad') return c;
    if (c === 'neargood' && !ignoreNeargood) return c;
  }
  return 'bad';
}

/** Context-sensitive revision (headings are off, as in trafilatura's call). */
function revise(ps: Paragraph[]): void {
  for (const p of ps) p.cls = p.cf;
  const changes = new Map<number, Klass>();
  ps.forEach((p, i) => {
    if (p.cls !== 'short') return;
    const prev = neighbour(i, ps, true, -1);
    const next = neighbour(i, ps, true, 1);
    if (prev === 'good' && next === 'good') changes.set(i, 'good');
    else if (prev === 'bad' && next === 'bad') changes.set(i, 'bad');
    else if ((prev === 'bad' && neighbour(i, ps, false, -1) === 'neargood') || (next === 'bad' && neighbour(i, ps, false, 1) === 'neargood')) changes.set(i, 'good');
    else changes.set(i, 'bad');
  });
  for (const [i, c] of changes) ps[i].cls = c;
  ps.forEach((p, i) => {
    if (p.cls !== 'neargood') return;
    p.cls = neighbour(i, ps, true, -1) === 'bad' && neighbour(i, ps, true, 1) === 'bad' ? 'bad' : 'good';
  });
}

/** The texts of the paragraphs jusText keeps, in page order. */
export function justextParagraphs(root: El): string[] {
  const ps = makeParagraphs(root);
  classify(ps);
  revise(ps);
  return ps.filter((p) => p.cls === 'good').map((p) => p.text);
}
