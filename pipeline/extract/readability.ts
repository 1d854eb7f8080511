// Readability as trafilatura runs it for a second opinion: a port of its fork of readability-lxml
// (trafilatura/readability_lxml.py, `Document.summary`), working on our own tree so no second parse is
// needed. Paragraph-like elements score their parent and grandparent (commas, length), scores are
// scaled by link density, the best candidate and its good siblings form the article, and `sanitize`
// drops headers, tables, lists and divs that look like chrome.

import { type Clock, type El, deleteElement, descendants, findFirst, findFirstWhere, iter, TextLengths, makeEl, append, textContent, trimmedLength } from './dom.js';
import { trim } from './text.js';

const DIV_SCORES = new Set(['div', 'article']);
const BLOCK_SCORES = new Set(['pre', 'td', 'blockquote']);
const BAD_ELEM_SCORES = new Set(['address', 'ol', 'ul', 'dl', 'dd', 'dt', 'li', 'form', 'aside']);
const STRUCTURE_SCORES = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'th', 'header', 'footer', 'nav']);
const FRAME_TAGS = new Set(['body', 'html']);
const LIST_TAGS = new Set(['ol', 'ul']);
const UNLIKELY = /combx|comment|community|disqus|extra|foot|header|menu|remark|rss|shoutbox|sidebar|sponsor|ad-break|agegate|pagination|pager|popup|tweet|twitter/i;
const OK_MAYBE = /and|article|body|column|main|shadow/i;
const POSITIVE = /article|body|content|entry|hentry|main|page|pagination|post|text|blog|story/i;
const NEGATIVE = /button|combx|comment|com-|contact|figure|foot|footer|footnote|form|input|masthead|media|meta|outbrain|promo|related|scroll|shoutbox|sidebar|sponsor|shopping|tags|tool|widget/i;
// readability-lxml searches the serialized children for these opening tags (so `<a` also hits <aside>)
const DIV_TO_P = /^(a|blockquote|dl|div|img|ol|p|pre|table|ul)/;
const VIDEO = /https?:\/\/(?:www\.)?(?:youtube|vimeo)\.com/i;
const DOT_SPACE = /\.( |$)/;

const MIN_TEXT_LENGTH = 25;
const RETRY_LENGTH = 250;

const textLength = trimmedLength;

function linkDensity(el: El, lengths?: TextLengths): number {
  const len = (e: El) => (lengths ? lengths.get(e) : textLength(e));
  const total = len(el) || 1;
  let links = 0;
  for (const a of descendants(el, 'a')) links += len(a);
  return links / total;
}

function classWeight(el: El): number {
  let w = 0;
  for (const a of [el.attrs.class, el.attrs.id]) {
    if (!a) continue;
    if (NEGATIVE.test(a)) w -= 25;
    if (POSITIVE.test(a)) w += 25;
  }
  return w;
}

function scoreNode(el: El): number {
  let s = classWeight(el);
  if (DIV_SCORES.has(el.tag)) s += 5;
  else if (BLOCK_SCORES.has(el.tag)) s += 3;
  else if (BAD_ELEM_SCORES.has(el.tag)) s -= 3;
  else if (STRUCTURE_SCORES.has(el.tag)) s -= 5;
  return s;
}

/** Removed by the ruthless pass (`remove_unlikely_candidates`): its class and id name page chrome. */
export function isUnlikelyCandidate(el: El): boolean {
  const c = el.attrs.class;
  const id = el.attrs.id;
  const attrs = c && id ? `${c} ${id}` : c || id || '';
  return attrs.length >= 2 && !FRAME_TAGS.has(el.tag) && UNLIKELY.test(attrs) && !OK_MAYBE.test(attrs);
}

function removeUnlikelyCandidates(doc: El): void {
  for (const el of descendants(doc)) if (el.parent && isUnlikelyCandidate(el)) deleteElement(el);
}

function transformMisusedDivs(doc: El): void {
  for (const div of descendants(doc, 'div')) {
    if (!findFirstWhere(div, (d) => DIV_TO_P.test(d.tag))) div.tag = 'p';
  }
  for (const div of descendants(doc, 'div')) {
    if (div.text && div.text.trim()) {
      const p = makeEl('p');
      p.text = div.text;
      div.text = null;
      p.parent = div;
      div.children.unshift(p);
    }
    for (let pos = div.children.length - 1; pos >= 0; pos--) {
      const child = div.children[pos];
      if (child.tail && child.tail.trim()) {
        const p = makeEl('p');
        p.text = child.tail;
        child.tail = null;
        p.parent = div;
        div.children.splice(pos + 1, 0, p);
      }
      if (child.tag === 'br') deleteElement(child);
    }
  }
}

function countOf(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

function scoreParagraphs(doc: El): Map<El, number> {
  const scores = new Map<El, number>();
  for (const el of iter(doc, new Set(['p', 'pre', 'td']))) {
    const parent = el.parent;
    if (!parent) continue;
    const grand = parent.parent;
    const text = trim(textContent(el));
    if (text.length < MIN_TEXT_LENGTH) continue;
    for (const n of [parent, grand]) if (n && !scores.has(n)) scores.set(n, scoreNode(n));
    const score = 2 + countOf(text, ',') + Math.min(text.length / 100, 3); // 1 + len(text.split(','))
    scores.set(parent, scores.get(parent)! + score);
    if (grand) scores.set(grand, scores.get(grand)! + score / 2);
  }
  const lengths = new TextLengths(doc); // nothing changes while the candidates are scaled
  for (const [el, s] of scores) scores.set(el, s * (1 - linkDensity(el, lengths)));
  return scores;
}

function getArticle(scores: Map<El, number>, best: El, bestScore: number): El {
  const threshold = Math.max(10, bestScore * 0.2);
  const output = makeEl('div');
  const siblings = best.parent ? [...best.parent.children] : [best];
  for (const s of siblings) {
    let keep = false;
    if (s === best || (scores.has(s) && scores.get(s)! >= threshold)) keep = true;
    else if (s.tag === 'p') {
      const density = linkDensity(s);
      const content = s.text ?? '';
      if ((content.length > 80 && density < 0.25) || (content.length <= 80 && density === 0 && DOT_SPACE.test(content))) keep = true;
    }
    if (keep) append(output, s);
  }
  return output;
}

function countTag(el: El, tag: string): number {
  return descendants(el, tag).length;
}

function sanitize(node: El, scores: Map<El, number>): El {
  for (const h of descendants(node, new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']))) {
    if (classWeight(h) < 0 || linkDensity(h) > 0.33) deleteElement(h);
  }
  for (const el of descendants(node, new Set(['form', 'textarea']))) deleteElement(el);
  for (const el of descendants(node, 'iframe')) {
    if (el.attrs.src && VIDEO.test(el.attrs.src)) el.text = 'VIDEO';
    else deleteElement(el);
  }
  const allowed = new Set<El>();
  const conditional = descendants(node, new Set(['table', 'ul', 'div', 'aside', 'header', 'footer', 'section']));
  for (let k = conditional.length - 1; k >= 0; k--) {
    const el = conditional[k];
    if (allowed.has(el)) continue;
    const weight = classWeight(el);
    const score = scores.get(el) ?? 0;
    if (weight + score < 0) {
      deleteElement(el);
      continue;
    }
    if (countOf(textContent(el), ',') >= 10) continue;
    let remove = true;
    const p = countTag(el, 'p');
    const img = countTag(el, 'img');
    const li = countTag(el, 'li') - 100;
    const input = countTag(el, 'input') - descendants(el, 'input').filter((i) => i.attrs.type === 'hidden').length;
    const embed = countTag(el, 'embed');
    const length = textLength(el);
    const density = linkDensity(el);
    if (p && img > 1 + p * 1.3) remove = true;
    else if (li > p && !LIST_TAGS.has(el.tag)) remove = true;
    else if (input > p / 3) remove = true;
    else if (length < MIN_TEXT_LENGTH && img === 0) remove = true;
    else if (length < MIN_TEXT_LENGTH && img > 2) remove = true;
    else if (weight < 25 && density > 0.2) remove = true;
    else if (weight >= 25 && density > 0.5) remove = true;
    else if ((embed === 1 && length < 75) || embed > 1) remove = true;
    else if (!length) {
      // an empty block between long siblings is layout, not chrome: keep it and what it holds
      const sibs: number[] = [];
      const parent = el.parent;
      const idx = parent ? parent.children.indexOf(el) : -1;
      if (parent) {
        for (let i = idx + 1; i < parent.children.length; i++) {
          const n = textLength(parent.children[i]);
          if (n) {
            sibs.push(n);
            break;
          }
        }
        const limit = sibs.length + 1;
        for (let i = idx - 1; i >= 0; i--) {
          const n = textLength(parent.children[i]);
          if (n) {
            sibs.push(n);
            if (sibs.length >= limit) break;
          }
        }
      }
      if (sibs.length && sibs.reduce((a, b) => a + b, 0) > 1000) {
        remove = false;
        for (const e of iter(el, new Set(['table', 'ul', 'div', 'section']))) allowed.add(e);
      }
    } else remove = false;
    if (remove) deleteElement(el);
  }
  return node;
}

/** About the length of the element as serialized HTML: readability-lxml retries on that, not on its text. */
function serializedLength(root: El): number {
  let n = 0;
  for (const el of iter(root)) {
    n += 2 * el.tag.length + 5 + (el.text?.length ?? 0) + (el !== root ? el.tail?.length ?? 0 : 0);
    for (const k in el.attrs) n += k.length + el.attrs[k].length + 4;
  }
  return n;
}

/** `Document.summary`: the article element, or the body when nothing scores. Consumes the tree. */
export function readabilitySummary(doc: El, clock?: Clock): El {
  for (const el of descendants(doc, new Set(['script', 'style', 'fencedframe']))) deleteElement(el);
  let ruthless = true;
  // readability-lxml retries without the ruthless pass on the same (already pruned) tree
  for (;;) {
    clock?.tick();
    if (ruthless) removeUnlikelyCandidates(doc);
    transformMisusedDivs(doc);
    const scores = scoreParagraphs(doc);
    let best: El | null = null;
    let bestScore = -Infinity;
    for (const [el, s] of scores) {
      if (s > bestScore) {
        best = el;
        bestScore = s;
      }
    }
    let article: El;
    if (best) article = getArticle(scores, best, bestScore);
    else {
      if (ruthless) {
        ruthless = false;
        continue;
      }
      article = findFirst(doc, 'body') ?? doc;
    }
    const cleaned = sanitize(article, scores);
    if (ruthless && serializedLength(cleaned) < RETRY_LENGTH) {
      ruthless = false;
      continue;
    }
    return cleaned;
  }
}
