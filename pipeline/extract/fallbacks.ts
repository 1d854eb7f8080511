// Second opinions for the main extractor, as trafilatura/external.py decides them
// (`compare_extraction`, `_prefer_readability`, `justext_rescue`, `sanitize_tree`): Readability's
// article replaces our text when ours is empty, much shorter, or structurally poor; jusText's
// paragraphs replace it when the result still looks unclean or short.

import { type Clock, type El, deepCopy, descendants, findFirst, iter, itertext, makeEl, stripTags, subElement, trimmedLengthWithout } from './dom.js';
import { type Focus, convertTags, pruneNodes, treeCleaning } from './cleaning.js';
import { basicCleaning } from './baseline.js';
import { justextParagraphs } from './justext.js';
import { MIN_EXTRACTED_SIZE, type Extraction } from './main-extractor.js';
import { isUnlikelyCandidate, readabilitySummary } from './readability.js';
import { OVERALL_DISCARD } from './selectors.js';
import { trim } from './text.js';

export type FallbackUse = 'own' | 'readability' | 'justext';

// adopt jusText only when the text it replaces is at most this much longer
const JUSTEXT_OVERRIDE_RATIO = 3;
const SANITIZED = new Set([
  'aside', 'audio', 'button', 'fencedframe', 'fieldset', 'figure', 'footer', 'iframe', 'input', 'label', 'link', 'nav', 'noindex', 'noscript',
  'object', 'option', 'select', 'source', 'svg', 'time',
]);
const TEI_VALID = new Set(['ab', 'body', 'cell', 'code', 'del', 'div', 'graphic', 'head', 'hi', 'item', 'lb', 'list', 'p', 'quote', 'ref', 'row', 'table']);

const spacedText = (el: El) => trim(itertext(el).join(' '));

function preferReadability(own: Extraction, algo: El, algoText: string, focus: Focus): boolean {
  const lenText = own.text.length;
  const lenAlgo = algoText.length;
  if (lenAlgo === 0 || lenAlgo === lenText) return false;
  if (lenText > 2 * lenAlgo) return false;
  const body = own.body;
  const hasParagraphText = descendants(body, 'p').some((p) => itertext(p).some((t) => t.length > 0));
  return (
    lenText === 0 ||
    (lenAlgo > 2 * lenText && !algoText.startsWith('{')) ||
    (lenAlgo > MIN_EXTRACTED_SIZE * 2 && (!hasParagraphText || descendants(body, 'table').length > descendants(body, 'p').length)) ||
    (focus === 'recall' && lenAlgo > 1.5 * lenText && !algoText.startsWith('{')) ||
    (focus === 'recall' && !findFirst(body, 'head') && !!findFirst(algo, new Set(['h2', 'h3', 'h4'])) && lenAlgo > lenText)
  );
}

/** `sanitize_tree`: Readability's HTML → the extractor's vocabulary (lists, heads, rows, cells). */
function sanitizeTree(tree: El, focus: Focus, clock?: Clock): Extraction {
  let cleaned = treeCleaning(tree, focus, clock);
  stripTags(cleaned, new Set(['a', 'span']));
  cleaned = convertTags(cleaned);
  const seen = new Set<El | null>();
  for (const tr of descendants(cleaned, 'tr')) {
    if (!seen.has(tr.parent) && tr.children.some((c) => c.tag === 'th')) {
      seen.add(tr.parent);
      for (const c of tr.children) if (c.tag === 'th') c.attrs = { ...c.attrs, role: 'head' };
    }
  }
  for (const el of descendants(cleaned, new Set(['td', 'th', 'tr']))) el.tag = el.tag === 'tr' ? 'row' : 'cell';
  const invalid = new Set(iter(cleaned).map((e) => e.tag).filter((t) => !TEI_VALID.has(t)));
  stripTags(cleaned, invalid);
  cleaned.tag = 'body';
  return { body: cleaned, text: spacedText(cleaned) };
}

/** `justext_rescue`: jusText on a cleaned (unconverted) tree, one <p> per kept paragraph. */
export function justextRescue(tree: El): Extraction {
  const body = makeEl('body');
  for (const t of justextParagraphs(basicCleaning(tree))) subElement(body, 'p').text = t;
  return { body, text: spacedText(body) };
}

const NOT_READ = new Set(['script', 'style', 'fencedframe']);

/**
 * More characters than Readability can return for the page: its article is part of the page's own text
 * with scripts and styles removed, and the elements its first (ruthless) pass removes removed too,
 * since every later pass works on what that one left; in page order, so its collapsed length is at
 * most that text's; each video iframe may add 'VIDEO'.
 */
export function readabilityBound(raw: El, enough: number): number {
  const notRead = (el: El) => NOT_READ.has(el.tag) || (el !== raw && isUnlikelyCandidate(el));
  // the raw length of the text is a looser bound that needs no character scan: try it first
  let n = 0;
  let iframes = 0;
  const stack: El[] = [raw];
  while (stack.length) {
    const el = stack.pop()!;
    n += el.tail?.length ?? 0;
    if (notRead(el)) continue;
    n += el.text?.length ?? 0;
    if (el.tag === 'iframe') iframes++;
    for (const c of el.children) stack.push(c);
  }
  if (n + 6 * iframes <= enough) return n + 6 * iframes;
  return trimmedLengthWithout(raw, notRead) + 6 * iframes;
}

/**
 * Readability can only replace a non-empty, well-formed extraction by being over twice as long
 * (`_prefer_readability`); when the page does not hold that much text, running it cannot change the
 * result, and it is skipped.
 */
function readabilityCannotWin(own: Extraction, raw: El, focus: Focus): boolean {
  if (focus === 'recall' || own.text.length === 0) return false;
  const body = own.body;
  const paragraphs = descendants(body, 'p');
  if (!paragraphs.some((p) => itertext(p).some((t) => t.length > 0)) || descendants(body, 'table').length > paragraphs.length) return false;
  return 2 * own.text.length >= readabilityBound(raw, 2 * own.text.length);
}

/**
 * `compare_extraction`: `cleaned` is the tree-cleaned page before tag conversion (consumed), `page` the
 * uncleaned page (copied before Readability changes it).
 */
export function compareExtraction(cleaned: El, page: El, own: Extraction, o: { focus: Focus; clock?: Clock }): { result: Extraction; used: FallbackUse } {
  if (o.focus === 'recall' && own.text.length > MIN_EXTRACTED_SIZE * 10) return { result: own, used: 'own' };
  let raw = page;
  if (o.focus === 'precision') raw = pruneNodes(deepCopy(page), OVERALL_DISCARD);
  const skip = readabilityCannotWin(own, raw, o.focus);
  const algo = skip ? makeEl('div') : readabilitySummary(raw === page ? deepCopy(page) : raw, o.clock);
  const algoText = skip ? '' : trim(itertext(algo).join(''));
  let result = own;
  let used: FallbackUse = 'own';
  const useReadability = preferReadability(own, algo, algoText, o.focus);
  if (useReadability) {
    result = { body: algo, text: algoText };
    used = 'readability';
  }
  let justextUsed = false;
  if (descendants(result.body, SANITIZED).length || result.text.length < MIN_EXTRACTED_SIZE) {
    const j = justextRescue(cleaned);
    if (j.text && result.text.length <= JUSTEXT_OVERRIDE_RATIO * j.text.length) {
      result = j;
      used = 'justext';
      justextUsed = true;
    }
  }
  if (useReadability && !justextUsed) result = sanitizeTree(result.body, o.focus, o.clock);
  return { result, used };
}
