// Tree cleaning before extraction, after trafilatura/htmlprocessing.py: drop elements that are never
// content (`tree_cleaning`, MANUALLY_CLEANED/STRIPPED from settings.py), rename tags to trafilatura's
// internal vocabulary (`convert_tags`: list/item/head/lb/quote/code/ref/del), prune boilerplate by
// class/id and by link density (`prune_unwanted_nodes`, `delete_by_link_density`,
// main_extractor.py `prune_unwanted_sections`).

import {
  type Clock, type El, deepCopy, deleteElement, descendants, findFirst, getNext, iter, TextLengths, rawTextLength, stripTags, textContent, trimmedLength,
} from './dom.js';
import { DISCARD_IMAGE, OVERALL_DISCARD, PRECISION_DISCARD, TEASER_DISCARD } from './selectors.js';
import { trim } from './text.js';

export type Focus = 'precision' | 'balanced' | 'recall';

export const MANUALLY_CLEANED = [
  'aside', 'embed', 'fencedframe', 'footer', 'head', 'iframe', 'menu', 'object', 'script', 'applet', 'audio', 'canvas', 'figure', 'map',
  'picture', 'svg', 'video', 'area', 'blink', 'button', 'datalist', 'dialog', 'frame', 'frameset', 'fieldset', 'link', 'input', 'ins',
  'label', 'legend', 'marquee', 'math', 'menuitem', 'nav', 'noindex', 'noscript', 'optgroup', 'option', 'output', 'param', 'progress',
  'rp', 'rt', 'rtc', 'select', 'source', 'style', 'track', 'textarea', 'time', 'use',
];
const MANUALLY_STRIPPED = new Set([
  'abbr', 'acronym', 'address', 'bdi', 'bdo', 'big', 'cite', 'data', 'dfn', 'font', 'hgroup', 'img', 'ins', 'mark', 'meta', 'nobr',
  'ruby', 'small', 'tbody', 'template', 'tfoot', 'thead',
]);
const CUT_EMPTY = new Set([
  'article', 'b', 'blockquote', 'dd', 'div', 'dt', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'i', 'li', 'main', 'p', 'pre', 'q', 'section', 'span', 'strong',
]);

function matchesAny(predicates: ((el: El) => boolean)[], el: El): boolean {
  for (let i = 0; i < predicates.length; i++) if (predicates[i](el)) return true;
  return false;
}

/**
 * Remove every element matched by one of the predicates (never the root), keeping tails
 * (`prune_unwanted_nodes`). All predicates are tested on the tree as it is, in one walk, and a match's
 * subtree is not searched: it goes with it, so the result is the same as trafilatura's expression after
 * expression. `withBackup` is its over-pruning guard: when the matches hold 6/7 of the text, the tree is
 * still pruned (trafilatura prunes it in place) but an unpruned copy is returned; the copy is made only then.
 */
export function pruneNodes(tree: El, predicates: ((el: El) => boolean)[], withBackup = false, clock?: Clock): El {
  clock?.tick();
  const hits: El[] = [];
  const stack: El[] = [];
  for (let i = tree.children.length - 1; i >= 0; i--) stack.push(tree.children[i]);
  while (stack.length) {
    const el = stack.pop()!;
    if (matchesAny(predicates, el)) {
      hits.push(el);
      continue;
    }
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  let result = tree;
  if (withBackup && hits.length) {
    const oldLen = rawTextLength(tree);
    let removed = 0;
    for (const el of hits) removed += rawTextLength(el);
    if (!(oldLen - removed > oldLen / 7)) result = deepCopy(tree);
  }
  for (const el of hits) deleteElement(el);
  return result;
}

/** MathML → its LaTeX source in the tail, so formulas survive the deletion of <math> (`recover_math`). */
function recoverMath(tree: El): void {
  for (const m of iter(tree, 'math')) {
    const ann = descendants(m, 'annotation').find((a) => a.attrs.encoding === 'application/x-tex');
    const latex = ann ? trim(ann.text ?? '') : trim(m.attrs.alttext ?? '');
    if (!latex) continue;
    const [open, close] = m.attrs.display === 'block' ? ['\\[', '\\]'] : ['\\(', '\\)'];
    m.tail = `${open}${latex}${close}${m.tail ?? ''}`;
  }
}

/** Forms go, unless one holds most of the page (ASP.NET wraps the whole page in a <form>). */
function handleForms(tree: El): void {
  const forms = descendants(tree, 'form');
  if (!forms.length) return;
  const total = rawTextLength(tree);
  for (const f of forms) {
    if (total && rawTextLength(f) > total / 2) f.tag = 'div';
    else deleteElement(f);
  }
}

/** `tree_cleaning`: delete non-content elements, strip inline wrappers, prune empty elements. */
export function treeCleaning(tree: El, focus: Focus, clock?: Clock): El {
  recoverMath(tree);
  for (const f of descendants(tree, 'figure')) if (findFirst(f, 'table')) f.tag = 'div';
  for (const t of descendants(tree, 'table')) if (t.attrs.role === 'presentation' || t.attrs.role === 'none') t.tag = 'div';
  stripTags(tree, MANUALLY_STRIPPED);
  const cleaned = new Set(MANUALLY_CLEANED);
  const deleteCleaned = (t: El) => {
    for (const el of descendants(t, cleaned)) deleteElement(el);
  };
  if (focus === 'recall' && findFirst(tree, 'p')) {
    // recall: never let the cleaning remove every paragraph
    const copy = deepCopy(tree);
    deleteCleaned(tree);
    if (!findFirst(tree, 'p')) tree = copy;
  } else deleteCleaned(tree);
  clock?.tick();
  handleForms(tree);
  return pruneHtml(tree, focus);
}

/** `prune_html`: delete elements of CUT_EMPTY_ELEMS that have no child nodes at all. */
function pruneHtml(tree: El, focus: Focus): El {
  const keepTail = focus !== 'precision';
  for (const el of descendants(tree)) {
    if (el.children.length === 0 && !el.text && CUT_EMPTY.has(el.tag)) deleteElement(el, keepTail);
  }
  return tree;
}

const FORMATTING_TAGS = new Set(['em', 'i', 'b', 'strong', 'u', 'kbd', 'samp', 'tt', 'var', 'sub', 'sup']);
const LINK_CONTEXT = new Set(['div', 'li', 'p', 'table']);
const CODE_INDICATORS = ['{', '("', "('", '\n    '];

function convertLists(el: El): void {
  el.attrs = { ...el.attrs, rend: el.tag };
  el.tag = 'list';
  let i = 1;
  for (const sub of descendants(el, new Set(['dd', 'dt', 'li']))) {
    if (sub.tag === 'dd' || sub.tag === 'dt') {
      sub.attrs = { ...sub.attrs, rend: `${sub.tag}-${i}` };
      if (sub.tag === 'dd') i++;
    }
    sub.tag = 'item';
  }
}

function convertQuotes(el: El): void {
  let code = false;
  if (el.tag === 'pre') {
    if (el.children.length === 1 && el.children[0].tag === 'span') code = true;
    const hljs = descendants(el, 'span').filter((s) => (s.attrs.class ?? '').startsWith('hljs'));
    if (hljs.length) {
      code = true;
      for (const s of hljs) s.attrs = {};
    }
    if (el.text && CODE_INDICATORS.some((c) => el.text!.includes(c))) code = true;
  }
  el.tag = code ? 'code' : 'quote';
}

const CONVERSIONS: Record<string, (el: El) => void> = {
  dl: convertLists, ol: convertLists, ul: convertLists,
  h1: heading, h2: heading, h3: heading, h4: heading, h5: heading, h6: heading,
  br: (el) => void (el.tag = 'lb'), hr: (el) => void (el.tag = 'lb'),
  blockquote: convertQuotes, pre: convertQuotes, q: convertQuotes,
  del: deletion, s: deletion, strike: deletion,
  details: (el) => {
    el.tag = 'div';
    for (const s of descendants(el, 'summary')) s.tag = 'head';
  },
};
function heading(el: El): void {
  el.attrs = { rend: el.tag };
  el.tag = 'head';
}
function deletion(el: El): void {
  el.tag = 'del';
  el.attrs = { ...el.attrs, rend: 'overstrike' };
}

/** `convert_tags` with links, images and formatting off (what text output needs). */
export function convertTags(tree: El): El {
  // links inside text containers become <ref> (link density needs them); other <a> are unwrapped
  for (const a of descendants(tree, 'a')) {
    for (let p = a.parent; p && p !== tree; p = p.parent) {
      if (LINK_CONTEXT.has(p.tag)) {
        a.tag = 'ref';
        break;
      }
    }
  }
  stripTags(tree, new Set(['a']));
  for (const s of descendants(tree, 'strong')) {
    if ((s.attrs.class ?? '').includes('schema-faq-question')) {
      s.attrs = { rend: 'h3' };
      s.tag = 'head';
    }
  }
  for (const s of descendants(tree, new Set(['sub', 'sup']))) if (!s.text && s.children.length === 0) deleteElement(s);
  stripTags(tree, FORMATTING_TAGS);
  for (const el of iter(tree)) {
    const convert = CONVERSIONS[el.tag];
    if (convert) convert(el);
  }
  return tree;
}

// ---- link density (htmlprocessing.py) ---------------------------------------------------------------

const LINK_FARM_RATIO = 0.9;

type Lengths = TextLengths | undefined;
const lengthOf = (el: El, lengths: Lengths) => (lengths ? lengths.get(el) : trimmedLength(el));

function collectLinkInfo(links: El[], lengths: Lengths): { linkLen: number; count: number; short: number } {
  let linkLen = 0;
  let short = 0;
  let count = 0;
  for (const l of links) {
    const n = lengthOf(l, lengths);
    if (n === 0) continue;
    count++;
    linkLen += n;
    if (n < 10) short++;
  }
  return { linkLen, count, short };
}

function isParagraphListing(links: El[]): boolean {
  for (const l of links) {
    const p = l.parent;
    if (!p || p.tag !== 'p' || descendants(p, 'ref').length > 1) return false;
  }
  return true;
}

/**
 * `link_density_test`: is this element (of `textLength` trimmed characters) mostly links? The second
 * value is how many links have text (trafilatura returns their texts; its callers only test emptiness).
 */
export function linkDensityTest(el: El, textLength: number, favorPrecision: boolean, lengths?: Lengths): [boolean, number] {
  const links = descendants(el, 'ref');
  if (!links.length) return [false, 0];
  let withText = 0;
  if (links.length === 1) {
    const threshold = favorPrecision ? 10 : 100;
    const linkLen = lengthOf(links[0], lengths);
    if (linkLen > threshold && linkLen > textLength * 0.9) return [true, 0];
  }
  const next = getNext(el);
  const limit = el.tag === 'p' ? (next === null ? 60 : 30) : next === null ? 300 : 100;
  if (textLength < limit) {
    const info = collectLinkInfo(links, lengths);
    withText = info.count;
    if (info.count === 0) return [true, 0];
    if (info.linkLen > textLength * 0.8 || (info.count > 1 && info.short / info.count > 0.8)) return [true, withText];
  } else if (links.length > 4) {
    const info = collectLinkInfo(links, lengths);
    if (info.linkLen > textLength * LINK_FARM_RATIO && info.linkLen < 100 * info.count && !isParagraphListing(links)) return [true, info.count];
  }
  return [false, withText];
}

/** `link_density_test_tables`. */
function linkDenseTable(el: El, lengths: Lengths): boolean {
  const links = descendants(el, 'ref');
  if (!links.length) return false;
  const len = lengthOf(el, lengths);
  if (len < 200) return false;
  const { linkLen } = collectLinkInfo(links, lengths);
  return len < 1000 ? linkLen > 0.8 * len : linkLen > 0.5 * len;
}

/** `delete_by_link_density`; `lengths` covers `tree` and is kept right through the deletions. */
function deleteByLinkDensity(tree: El, tag: string, backtracking: boolean, favorPrecision: boolean, lengths: TextLengths): void {
  const lenThreshold = favorPrecision ? 200 : 100;
  const depthThreshold = favorPrecision ? 1 : 3;
  const deletions: El[] = [];
  for (const el of iter(tree, tag)) {
    const len = lengths.get(el);
    const [dense, linksWithText] = linkDensityTest(el, len, favorPrecision, lengths);
    if (dense || (backtracking && linksWithText > 0 && len > 0 && len < lenThreshold && el.children.length >= depthThreshold)) {
      // a paragraph holding a list item's or a cell's content stays: the list/table is judged as a whole
      if (tag === 'p' && el.parent && (el.parent.tag === 'item' || el.parent.tag === 'td' || el.parent.tag === 'th')) continue;
      deletions.push(el);
    }
  }
  for (const el of new Set(deletions)) {
    const parent = el.parent;
    deleteElement(el);
    lengths.removed(parent);
  }
}

// "Read more: <a>Other story</a>", "Lea también: <a>…</a>", "MIRA: <a>…</a>": a paragraph or heading that
// is one link to another article behind a short label. trafilatura keeps them (too long for its
// short-paragraph link test, too short for its one-link shortcut); they are the commonest boilerplate
// left inside article bodies on the development pages.
const TEASER_LABEL = /^[^.!?]{0,40}[:»›>|]$/u;
const LINK_TEASER_TAGS = new Set(['p', 'head']);

export function isLinkTeaser(el: El): boolean {
  if (!LINK_TEASER_TAGS.has(el.tag)) return false;
  const links = descendants(el, 'ref');
  if (links.length !== 1) return false;
  const linkText = trim(textContent(links[0]));
  if (linkText.length < 15) return false;
  const all = trim(textContent(el));
  const at = all.indexOf(linkText);
  if (at < 0) return false;
  const before = all.slice(0, at).trim();
  const after = all.slice(at + linkText.length).trim();
  return before !== '' && TEASER_LABEL.test(before) && /^[\p{P}\s]*$/u.test(after);
}

/** main_extractor.py `prune_unwanted_sections`. */
export function pruneUnwantedSections(tree: El, tables: boolean, focus: Focus, keepTeasers: boolean, clock?: Clock): El {
  const precision = focus === 'precision';
  tree = pruneNodes(tree, OVERALL_DISCARD, true, clock);
  tree = pruneNodes(tree, [DISCARD_IMAGE]);
  if (focus !== 'recall') {
    if (!keepTeasers) tree = pruneNodes(tree, [TEASER_DISCARD]);
    if (precision) tree = pruneNodes(tree, PRECISION_DISCARD);
  }
  const lengths = new TextLengths(tree);
  for (let pass = 0; pass < 2; pass++) {
    deleteByLinkDensity(tree, 'div', true, precision, lengths);
    deleteByLinkDensity(tree, 'list', false, precision, lengths);
    deleteByLinkDensity(tree, 'p', false, precision, lengths);
    clock?.tick();
  }
  if (focus !== 'recall') {
    for (const el of iter(tree).filter(isLinkTeaser)) {
      const parent = el.parent;
      deleteElement(el);
      lengths.removed(parent);
    }
  }
  if (tables || precision) {
    for (const t of iter(tree, 'table').filter((t) => linkDenseTable(t, lengths))) {
      const parent = t.parent;
      deleteElement(t, false);
      lengths.removed(parent);
    }
  }
  if (precision) {
    while (tree.children.length && tree.children[tree.children.length - 1].tag === 'head') {
      deleteElement(tree.children[tree.children.length - 1], false);
      lengths.removed(tree);
    }
    deleteByLinkDensity(tree, 'head', false, true, lengths);
    deleteByLinkDensity(tree, 'quote', false, true, lengths);
  }
  return tree;
}
