// The length shortcuts the extraction rules use instead of building strings: each must equal (or, for a
// bound, never be below) what the string it stands for would give, on random trees with every kind of
// whitespace trafilatura's `trim` collapses, with and without the per-page cache of measured pieces.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import {
  type El, TextLengths, deepCopy, deleteElement, descendants, itertext, makeEl, parseHtml, rawLengthWithout, textContent, trimmedLength,
  trimmedLengthWithout, withClock,
} from '../../pipeline/extract/dom.js';
import { trim } from '../../pipeline/extract/text.js';
import { pageTextLength, pageTextLengthBound } from '../../pipeline/extract/baseline.js';
import { readabilityBound } from '../../pipeline/extract/fallbacks.js';
import { readabilitySummary } from '../../pipeline/extract/readability.js';
import { evalDir, loadEvalSet } from '../../pipeline/extract/evaluate.js';
import { decodeHtml } from '../../pipeline/readers/charset.js';

// a seeded generator (mulberry32): the same trees on every run
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// plain spaces most often (the shortcut for them is what trim and rendering rely on), then every other kind
const PIECES = [' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '\x0b', '\x0c', '\x1c', '\x1f', '\x85', '\u00a0', '\u2003', '\u2028', '\u3000', '\ufeff', 'a', 'word', 'é', '\u200b', 'x y'];
const TAGS = ['div', 'p', 'span', 'li', 'script', 'td'];

function randomText(r: () => number): string | null {
  if (r() < 0.3) return null;
  let s = '';
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s || null;
}

function randomTree(r: () => number, depth = 0): El {
  const el = makeEl(TAGS[Math.floor(r() * TAGS.length)]);
  el.text = randomText(r);
  const kids = depth > 3 ? 0 : Math.floor(r() * 4);
  for (let i = 0; i < kids; i++) {
    const c = randomTree(r, depth + 1);
    c.tail = randomText(r);
    c.parent = el;
    el.children.push(c);
  }
  return el;
}

// the definition: split on whitespace runs, join with one space
const splitJoin = (s: string) => s.split(/[\s\x1c-\x1f\x85]+/).filter((w) => w !== '').join(' ');

describe('trim', () => {
  it("collapses every whitespace run (JavaScript's whitespace, the separators U+001C-U+001F, NEL) to one space and strips the ends", () => {
    const r = rng(7);
    for (let k = 0; k < 20_000; k++) {
      const s = randomText(r) ?? '';
      expect(trim(s)).toBe(splitJoin(s));
    }
    expect(trim('  one  two\u3000three\x1c ')).toBe('one two three');
    expect(trim(null)).toBe('');
  });
});

describe('text lengths without building the text', () => {
  it('trimmedLength, TextLengths and trimmedLengthWithout equal the length of the trimmed text, cached or not', () => {
    const r = rng(11);
    for (let k = 0; k < 500; k++) {
      const tree = randomTree(r);
      const expected = (el: El) => trim(textContent(el)).length;
      const withoutScripts = () => {
        const copy = deepCopy(tree);
        for (const s of descendants(copy, 'script')) deleteElement(s);
        return trim(itertext(copy).join('')).length;
      };
      const skipScripts = (el: El) => el.tag === 'script';
      for (const cached of [false, true]) {
        const check = () => {
          const lengths = new TextLengths(tree);
          for (const el of [tree, ...descendants(tree)]) {
            expect(trimmedLength(el)).toBe(expected(el));
            expect(lengths.get(el)).toBe(expected(el));
          }
          expect(trimmedLengthWithout(tree, skipScripts)).toBe(withoutScripts());
          expect(rawLengthWithout(tree, skipScripts)).toBeGreaterThanOrEqual(withoutScripts());
        };
        if (cached) withClock(undefined, check);
        else check();
      }
    }
  });

  it('keeps TextLengths right as elements are removed', () => {
    const r = rng(13);
    for (let k = 0; k < 200; k++) {
      const tree = randomTree(r);
      const lengths = new TextLengths(tree);
      for (const el of descendants(tree)) {
        if (r() < 0.3 && el.parent) {
          const parent = el.parent;
          deleteElement(el);
          lengths.removed(parent);
        }
      }
      for (const el of [tree, ...descendants(tree)]) expect(lengths.get(el)).toBe(trim(textContent(el)).length);
    }
  });
});

const dir = evalDir(new URL('../../../shared/data', import.meta.url).pathname);

describe.skipIf(!existsSync(dir))("the bounds the cascade reads first, on trafilatura's evaluation pages", () => {
  it("are never below the lengths they stand for (the escalation's page text, Readability's article)", () => {
    const { pages } = loadEvalSet(dir);
    for (const p of pages.filter((_, i) => i % 8 === 0)) {
      withClock(undefined, () => {
        const tree = parseHtml(decodeHtml(readFileSync(p.path)).text);
        expect(pageTextLengthBound(tree)).toBeGreaterThanOrEqual(pageTextLength(tree));
        const article = trim(itertext(readabilitySummary(deepCopy(tree))).join('')).length;
        expect(readabilityBound(tree, 0), p.path).toBeGreaterThanOrEqual(article);
      });
    }
  });
});
