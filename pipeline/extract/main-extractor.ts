// trafilatura's main extractor (trafilatura/main_extractor.py `_extract`, `extract_content`,
// `recover_wild_text`): find the main-content container with BODY_XPATH, prune boilerplate inside it,
// hand every element to its handler, and when that yields too little, recover "wild" paragraphs from
// the whole page.

import {
  type Clock, type El, append, deepCopy, deleteElement, descendants, findFirstWhere, itertext, makeEl, rootOf, stripElements, stripTags, textContent,
} from './dom.js';
import { type Focus, pruneUnwantedSections } from './cleaning.js';
import { TAG_CATALOG, handleTextElem } from './handlers.js';
import { BODY_CANDIDATES } from './selectors.js';
import { hasText, trim } from './text.js';

export const MIN_EXTRACTED_SIZE = 250;
const MIN_DUPLICATE_LENGTH = 50;
const DEDUPE_SCAN_CAP = 200_000;
const NOT_AT_THE_END = new Set(['head', 'ref']);
const SPACING_PROTECTED = new Set(['code', 'pre']);

export interface Extraction {
  body: El;
  /** Space-joined text of the body (trafilatura's temp_text); its length decides the fallbacks. */
  text: string;
}

export interface MainOptions {
  focus: Focus;
  /** trafilatura's `fast`: no external fallbacks, so recovery keeps teaser blocks. */
  fast: boolean;
  clock?: Clock;
}

export const bodyText = (body: El) => itertext(body).join(' ').trim();
const elemText = (el: El) => trim(itertext(el).join(''));

/** Text of every paragraph in the document (XPath `//p//text()`, absolute: the whole page, not the candidate). */
function paragraphTextLength(anyNode: El): number {
  let n = 0;
  for (const p of descendants(rootOf(anyNode), 'p')) {
    let nested = false;
    for (let a = p.parent; a; a = a.parent) if (a.tag === 'p') nested = true;
    if (!nested) n += textContent(p).length;
  }
  return n;
}

function extractFromCandidates(tree: El, o: MainOptions): { body: El; potential: Set<string> } {
  const potential = new Set([...TAG_CATALOG, 'table', 'td', 'th', 'tr']);
  const body = makeEl('body');
  for (const candidate of BODY_CANDIDATES) {
    let subtree = findFirstWhere(tree, candidate);
    if (!subtree) continue;
    subtree = pruneUnwantedSections(subtree, true, o.focus, false, o.clock);
    if (subtree.children.length === 0) continue;
    const factor = o.focus === 'precision' ? 1 : 3;
    if (paragraphTextLength(subtree) < MIN_EXTRACTED_SIZE * factor) potential.add('div');
    stripTags(subtree, new Set(['ref', 'span']));
    let elems = descendants(subtree);
    if (elems.length && elems.every((e) => e.tag === 'lb')) elems = [subtree];
    for (const el of elems) {
      o.clock?.tick();
      if (rootOf(el) === body) continue; // moved into the output with an ancestor already
      const out = handleTextElem(el, potential, o);
      if (out) append(body, out);
    }
    while (body.children.length && NOT_AT_THE_END.has(body.children[body.children.length - 1].tag)) {
      deleteElement(body.children[body.children.length - 1], false);
    }
    if (body.children.length > 1) break;
  }
  return { body, potential };
}

/** `recover_wild_text`: paragraphs, quotes, code and tables from anywhere on the page, deduplicated. */
function recoverWildText(tree: El, body: El, o: MainOptions, potentialIn: Set<string>): El {
  const potential = new Set(potentialIn);
  const search = new Set(['code', 'p', 'quote', 'table', 'head']);
  if (o.focus === 'recall') {
    potential.add('div');
    potential.add('lb');
    for (const t of ['div', 'lb', 'list']) search.add(t);
  }
  const searchTree = pruneUnwantedSections(tree, true, o.focus, o.fast, o.clock);
  stripTags(searchTree, new Set(['a', 'ref', 'span']));
  const elems = descendants(searchTree).filter((e) => search.has(e.tag) || (e.tag === 'div' && (e.attrs.class ?? '').includes('w3-code')));
  const texts = body.children.map(elemText);
  let existing = texts.filter((t) => t).join('\n');
  const seen = new Set(texts);
  // A heading is kept only when the block right after it is: headings of sidebars and footers
  // ("Related posts", "Categories") head link lists, which recovery does not take.
  let pendingHead: El | null = null;
  for (const el of elems) {
    o.clock?.tick();
    const out = handleTextElem(el, potential, o);
    if (!out) continue;
    const text = elemText(out);
    if (out.tag === 'head') {
      pendingHead = text && !seen.has(text) ? out : null;
      continue;
    }
    const underCap = existing.length <= DEDUPE_SCAN_CAP;
    if (text && (seen.has(text) || (text.length > MIN_DUPLICATE_LENGTH && underCap && existing.includes(text)))) {
      pendingHead = null;
      continue;
    }
    if (pendingHead) {
      append(body, pendingHead);
      seen.add(elemText(pendingHead));
      pendingHead = null;
    }
    append(body, out);
    if (underCap) existing += '\n' + text;
    seen.add(text);
  }
  return body;
}

/** `extract_content`: the main extractor on a cleaned, converted tree (which it consumes). */
export function extractContent(cleaned: El, o: MainOptions): Extraction {
  const backup = deepCopy(cleaned);
  const first = extractFromCandidates(cleaned, o);
  let body = first.body;
  let text = bodyText(body);
  if (body.children.length === 0 || text.length < MIN_EXTRACTED_SIZE) {
    body = recoverWildText(backup, body, o, first.potential);
    text = bodyText(body);
  }
  // overlapping candidates can emit the same long block twice in a row
  let previous: string | null = null;
  for (const el of [...body.children]) {
    const cur = elemText(el);
    if (cur && cur === previous && cur.length > MIN_DUPLICATE_LENGTH) deleteElement(el, false);
    else previous = cur;
  }
  stripElements(body, new Set(['done']));
  stripTags(body, new Set(['div']));
  for (const lb of descendants(body, 'lb')) {
    if (lb.tail && !hasText(lb.tail)) {
      let protectedSpace = false;
      for (let a = lb.parent; a; a = a.parent) if (SPACING_PROTECTED.has(a.tag)) protectedSpace = true;
      if (!protectedSpace) lb.tail = null;
    }
  }
  return { body, text };
}

