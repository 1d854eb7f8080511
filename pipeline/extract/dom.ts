// A small element tree in lxml's shape (text before the first child, `tail` after an element), built
// from one htmlparser2 pass. The extractor follows trafilatura, whose rules are written against lxml's
// text/tail model; keeping that model lets each rule be ported as it is instead of re-derived.
// Comments and processing instructions are dropped as lxml's HTMLParser(remove_comments, remove_pis)
// does. Depth is capped (libxml2 caps it too): deeper elements melt into their ancestor, so 100k nested
// <div>s cost a flat tree, not a stack overflow in the recursive steps that follow.

import { Parser } from 'htmlparser2';

export interface El {
  tag: string;
  /** Shared between copies (deepCopy): replace it, never change it in place. */
  attrs: Readonly<Record<string, string>>;
  text: string | null;
  tail: string | null;
  children: El[];
  parent: El | null;
}

// libxml2 stops at 256; real pages stay far below (the deepest of trafilatura's 949 evaluation pages is 41).
export const MAX_DEPTH = 128;

export class ExtractTimeout extends Error {
  constructor() {
    super('HTML extraction ran past its time limit');
  }
}

/** Throws ExtractTimeout once Date.now() passes the deadline; checks the clock every 64 calls. */
export class Clock {
  private n = 0;
  constructor(readonly deadline: number) {}
  tick(): void {
    if (this.deadline > 0 && (++this.n & 63) === 0 && Date.now() > this.deadline) throw new ExtractTimeout();
  }
}

// The clock of the extraction running now. Every tree walk ticks it, so no rule, however it loops,
// can run past the page's time limit; extraction is synchronous, so one at a time is all there is.
let running: Clock | null = null;

// Spans (below) of the page's longer strings, by string, for the extraction running now: the same text
// pieces are measured by several rules (link density, the Readability bound, the lead, the escalation
// test), on the tree and its copies, which share the strings. V8 keeps a string's hash once computed,
// so a lookup is cheap.
let spans: Map<string, Span> | null = null;
const CACHED_FROM = 24;

/** Run `fn` with `clock` ticked by every tree walk. */
export function withClock<T>(clock: Clock | undefined, fn: () => T): T {
  const outer = running;
  const outerSpans = spans;
  running = clock ?? null;
  spans = new Map();
  try {
    return fn();
  } finally {
    running = outer;
    spans = outerSpans;
  }
}

export function makeEl(tag: string, attrs: Readonly<Record<string, string>> = {}): El {
  return { tag, attrs, text: null, tail: null, children: [], parent: null };
}

/** Parse an HTML string into a tree rooted at <html> (created when the page has none). */
export function parseHtml(html: string, clock?: Clock): El {
  const root = makeEl('html');
  const stack: El[] = [root];
  let sawHtml = false;
  let melted = 0; // open elements past MAX_DEPTH that were not created
  const meltedStack: boolean[] = [];
  const addText = (data: string) => {
    const cur = stack[stack.length - 1];
    const n = cur.children.length;
    if (n === 0) cur.text = cur.text === null ? data : cur.text + data;
    else {
      const last = cur.children[n - 1];
      last.tail = last.tail === null ? data : last.tail + data;
    }
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        clock?.tick();
        if (name === 'html' && !sawHtml && stack.length === 1) {
          sawHtml = true;
          Object.assign(root.attrs, attribs);
          meltedStack.push(true); // the root stands for it
          return;
        }
        if (stack.length > MAX_DEPTH) {
          melted++;
          meltedStack.push(true);
          return;
        }
        const el = makeEl(name, attribs);
        const parent = stack[stack.length - 1];
        el.parent = parent;
        parent.children.push(el);
        meltedStack.push(false);
        // htmlparser2 closes every element it opens, a void one right away, so the stack needs no
        // list of void elements
        stack.push(el);
      },
      ontext(data) {
        clock?.tick();
        addText(data);
      },
      onclosetag() {
        clock?.tick();
        const wasMelted = meltedStack.pop();
        if (wasMelted === undefined) return;
        if (wasMelted) {
          if (melted > 0) melted--;
          return;
        }
        if (stack.length > 1) stack.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.write(html);
  parser.end();
  return root;
}

// ---- navigation (lxml's ElementTree API, as the ported rules use it) -----------------------------

/** The element and its descendants in document order (lxml `iter`), as a snapshot safe to mutate. */
export function iter(root: El, tags?: ReadonlySet<string> | string): El[] {
  running?.tick();
  const out: El[] = [];
  const want = typeof tags === 'string' ? new Set([tags]) : tags;
  const stack: El[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    if (!want || want.has(el.tag)) out.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return out;
}

/** Descendants only (lxml `iterdescendants`). */
export function descendants(root: El, tags?: ReadonlySet<string> | string): El[] {
  running?.tick();
  const out: El[] = [];
  const want = typeof tags === 'string' ? new Set([tags]) : tags;
  const stack: El[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]);
  while (stack.length) {
    const el = stack.pop()!;
    if (!want || want.has(el.tag)) out.push(el);
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return out;
}

/** First descendant with one of the tags, in document order (lxml `find('.//tag')`). */
export function findFirst(root: El, tags: ReadonlySet<string> | string): El | null {
  running?.tick();
  const want = typeof tags === 'string' ? new Set([tags]) : tags;
  const stack: El[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]);
  while (stack.length) {
    const el = stack.pop()!;
    if (want.has(el.tag)) return el;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return null;
}

/** First descendant the predicate accepts, in document order, found without listing the others. */
export function findFirstWhere(root: El, match: (el: El) => boolean): El | null {
  running?.tick();
  const stack: El[] = [];
  for (let i = root.children.length - 1; i >= 0; i--) stack.push(root.children[i]);
  while (stack.length) {
    const el = stack.pop()!;
    if (match(el)) return el;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return null;
}

/** The text of the element and all its descendants, tails of descendants included (lxml `text_content`). */
export function textContent(el: El): string {
  const parts: string[] = [];
  collectText(el, parts);
  return parts.join('');
}

/** Text pieces in document order, own tail excluded (lxml `itertext`). */
export function itertext(el: El): string[] {
  const parts: string[] = [];
  collectText(el, parts);
  return parts;
}

function collectText(el: El, parts: string[]): void {
  running?.tick();
  // iterative: trees are depth-capped, but long sibling chains and recursion both cost; a stack is cheap
  const stack: (El | string)[] = [el];
  while (stack.length) {
    const x = stack.pop()!;
    if (typeof x === 'string') {
      parts.push(x);
      continue;
    }
    if (x.text) parts.push(x.text);
    for (let i = x.children.length - 1; i >= 0; i--) {
      const c = x.children[i];
      if (c.tail) stack.push(c.tail);
      stack.push(c);
    }
  }
}

// Python's str.split() whitespace, as `trim` (text.ts) collapses it.
// Letters and digits come first: almost every character is tested here, so they take one comparison.
function isWs(c: number): boolean {
  if (c > 32 && c < 0x85) return false;
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || c >= 0x1c;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * `trim(textContent(el)).length` without building the string: the link-density and Readability rules
 * only need lengths, and on a deep page building those strings for every ancestor was most of the time.
 */
export function trimmedLength(el: El): number {
  running?.tick();
  let n = 0;
  let pendingSpace = false;
  const count = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      if (isWs(s.charCodeAt(i))) {
        if (n > 0) pendingSpace = true;
      } else {
        if (pendingSpace) n++;
        pendingSpace = false;
        n++;
      }
    }
  };
  const stack: (El | string)[] = [el];
  while (stack.length) {
    const x = stack.pop()!;
    if (typeof x === 'string') {
      count(x);
      continue;
    }
    if (x.text) count(x.text);
    for (let i = x.children.length - 1; i >= 0; i--) {
      const c = x.children[i];
      if (c.tail) stack.push(c.tail);
      stack.push(c);
    }
  }
  return n;
}

// Whitespace-collapsed length of a string, and whether it starts/ends with (or, when empty, holds) whitespace:
// enough to combine the lengths of pieces without joining them. Packed in one small integer,
// n * 4 + (starts with whitespace ? 2 : 0) + (ends with whitespace ? 1 : 0), n === 0 meaning empty:
// these are combined for every text piece of every element, and as objects they were most of the
// garbage the extraction made.
type Span = number;
const NO_TEXT: Span = 0;
const ALL_SPACE: Span = 3;
const LEAD = 2;
const TRAIL = 1;
const spanLength = (s: Span) => s >>> 2;


function spanOf(s: string | null): Span {
  if (!s) return NO_TEXT;
  if (spans === null || s.length < CACHED_FROM) return measureSpan(s);
  let span = spans.get(s);
  if (span === undefined) {
    span = measureSpan(s);
    spans.set(s, span);
  }
  return span;
}

function measureSpan(s: string): Span {
  let n = 0;
  let pending = false;
  let first = -1;
  let lastNonWs = -1;
  for (let i = 0; i < s.length; i++) {
    if (isWs(s.charCodeAt(i))) {
      if (n > 0) pending = true;
    } else {
      if (first < 0) first = i;
      if (pending) n++;
      pending = false;
      n++;
      lastNonWs = i;
    }
  }
  if (first < 0) return ALL_SPACE;
  return n * 4 + (first > 0 ? LEAD : 0) + (lastNonWs < s.length - 1 ? TRAIL : 0);
}

function concat(a: Span, b: Span): Span {
  const an = a >>> 2;
  const bn = b >>> 2;
  if (an === 0 && bn === 0) return (a | b) & 3;
  if (an === 0) return bn * 4 + ((a | b) & LEAD) + (b & TRAIL);
  if (bn === 0) return an * 4 + (a & LEAD) + ((a | b) & TRAIL);
  return (an + bn + ((a & TRAIL) !== 0 || (b & LEAD) !== 0 ? 1 : 0)) * 4 + (a & LEAD) + (b & TRAIL);
}

/**
 * `trimmedLength` of the root as if the subtrees matched by `skip` (not their tails) were removed and,
 * when `spaced` is given, a space stood at both ends of every element with one of those tags.
 */
export function trimmedLengthWithout(root: El, skip: (el: El) => boolean, spaced?: ReadonlySet<string>): number {
  running?.tick();
  const SPACE = ALL_SPACE;
  let acc = NO_TEXT;
  const stack: (El | string | Span)[] = [root];
  while (stack.length) {
    const x = stack.pop()!;
    if (typeof x === 'string') {
      acc = concat(acc, spanOf(x));
      continue;
    }
    if (typeof x === 'number') {
      acc = concat(acc, x);
      continue;
    }
    if (x !== root && skip(x)) continue;
    const block = spaced?.has(x.tag) ?? false;
    if (block) acc = concat(acc, SPACE);
    acc = concat(acc, spanOf(x.text));
    for (let i = x.children.length - 1; i >= 0; i--) {
      const c = x.children[i];
      if (c.tail) stack.push(c.tail);
      if (spaced?.has(c.tag) && !skip(c)) stack.push(SPACE);
      stack.push(c);
    }
  }
  return spanLength(acc);
}

/** An upper bound of `trimmedLengthWithout(root, skip, spaced)`: the raw lengths, plus 2 per spaced element. */
export function rawLengthWithout(root: El, skip: (el: El) => boolean, spaced?: ReadonlySet<string>): number {
  running?.tick();
  let n = 0;
  const stack: El[] = [root];
  while (stack.length) {
    const el = stack.pop()!;
    if (el !== root) {
      n += el.tail?.length ?? 0;
      if (skip(el)) continue;
    }
    if (spaced?.has(el.tag)) n += 2;
    n += el.text?.length ?? 0;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  }
  return n;
}

/**
 * `trimmedLength` of every element under `root` (root included), built in one bottom-up pass and kept
 * right as elements are removed (`removed`): the link-density rules test every div, list and paragraph
 * of a tree they prune as they go, and walking every subtree again for each was most of their time.
 */
export class TextLengths {
  private readonly spans = new Map<El, Span>();
  constructor(root: El) {
    running?.tick();
    const order = iter(root);
    for (let k = order.length - 1; k >= 0; k--) this.spans.set(order[k], this.compute(order[k]));
  }
  private compute(el: El): Span {
    let acc = spanOf(el.text);
    for (const c of el.children) acc = concat(concat(acc, this.spans.get(c) ?? NO_TEXT), spanOf(c.tail));
    return acc;
  }
  get(el: El): number {
    const span = this.spans.get(el);
    return span === undefined ? trimmedLength(el) : spanLength(span);
  }
  /** Call after removing a child of `parent` (its tail may have moved): refreshes the ancestors. */
  removed(parent: El | null): void {
    for (let a = parent; a && this.spans.has(a); a = a.parent) this.spans.set(a, this.compute(a));
  }
}

/** `textContent(el).length` without building the string. */
export function rawTextLength(el: El): number {
  running?.tick();
  let n = el.text?.length ?? 0;
  const stack: El[] = [...el.children];
  while (stack.length) {
    const c = stack.pop()!;
    n += (c.text?.length ?? 0) + (c.tail?.length ?? 0);
    for (const g of c.children) stack.push(g);
  }
  return n;
}

export function getNext(el: El): El | null {
  const p = el.parent;
  if (!p) return null;
  const i = p.children.indexOf(el);
  return i >= 0 && i + 1 < p.children.length ? p.children[i + 1] : null;
}

export function rootOf(el: El): El {
  let r = el;
  while (r.parent) r = r.parent;
  return r;
}

// ---- mutation ---------------------------------------------------------------------------------------

export function append(parent: El, child: El): void {
  if (child.parent) detach(child);
  child.parent = parent;
  parent.children.push(child);
}

export function subElement(parent: El, tag: string): El {
  const el = makeEl(tag);
  append(parent, el);
  return el;
}

function detach(el: El): void {
  const p = el.parent;
  if (!p) return;
  const i = p.children.indexOf(el);
  if (i >= 0) p.children.splice(i, 1);
  el.parent = null;
}

/** Remove the element and its subtree; its tail joins the previous sibling or the parent (trafilatura `delete_element`). */
export function deleteElement(el: El, keepTail = true): void {
  const p = el.parent;
  if (!p) return;
  const i = p.children.indexOf(el);
  if (keepTail && el.tail) {
    if (i > 0) {
      const prev = p.children[i - 1];
      prev.tail = (prev.tail ?? '') + el.tail;
    } else p.text = (p.text ?? '') + el.tail;
  }
  if (i >= 0) p.children.splice(i, 1);
  el.parent = null;
}

/** lxml `parent.remove(el)`: the tail goes with the element. */
export function removeChild(el: El): void {
  detach(el);
}

/** Replace each descendant with the given tags by its content (lxml `strip_tags`). */
export function stripTags(root: El, tags: ReadonlySet<string>): void {
  // bottom-up so nested stripped elements are resolved before their ancestors
  const targets = descendants(root, tags);
  for (let k = targets.length - 1; k >= 0; k--) unwrap(targets[k]);
}

function unwrap(el: El): void {
  const p = el.parent;
  if (!p) return;
  const i = p.children.indexOf(el);
  if (i < 0) return;
  const before = el.text ?? '';
  if (before) {
    if (i > 0) {
      const prev = p.children[i - 1];
      prev.tail = (prev.tail ?? '') + before;
    } else p.text = (p.text ?? '') + before;
  }
  const kids = el.children;
  for (const k of kids) k.parent = p;
  p.children.splice(i, 1, ...kids);
  if (el.tail) {
    if (kids.length) {
      const last = kids[kids.length - 1];
      last.tail = (last.tail ?? '') + el.tail;
    } else if (i > 0) {
      const prev = p.children[i - 1];
      prev.tail = (prev.tail ?? '') + el.tail;
    } else p.text = (p.text ?? '') + el.tail;
  }
  el.children = [];
  el.parent = null;
}

/** Remove every descendant with the given tags, tails included (lxml `strip_elements`). */
export function stripElements(root: El, tags: ReadonlySet<string>): void {
  for (const el of descendants(root, tags)) if (el.parent) removeChild(el);
}

/** A deep copy with no parent; the copy keeps the tail (lxml `deepcopy`). Attribute maps are shared. */
export function deepCopy(el: El): El {
  const copy = makeEl(el.tag, el.attrs);
  copy.text = el.text;
  copy.tail = el.tail;
  // iterative to stay off the call stack on wide/deep trees
  const work: [El, El][] = [[el, copy]];
  while (work.length) {
    const [src, dst] = work.pop()!;
    for (const c of src.children) {
      const cc = makeEl(c.tag, c.attrs);
      cc.text = c.text;
      cc.tail = c.tail;
      cc.parent = dst;
      dst.children.push(cc);
      if (c.children.length) work.push([c, cc]);
    }
  }
  return copy;
}
