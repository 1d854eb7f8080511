// The extracted body (trafilatura's internal tags: p, head, list/item, table/row/cell, quote, code, lb)
// as plain text a person would keep: one block per paragraph or heading, blank lines between blocks,
// list items and table rows on their own lines, line breaks kept, whitespace collapsed except in code,
// never two blank lines in a row.

import type { El } from './dom.js';

// Runs of spaces other than a newline that are not already one plain space (a replace that matches
// nothing keeps the string it was given: most runs in text are single spaces).
const SPACES = /[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff][ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]*| [ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]+/g;
// \s runs that are not one plain space, for the same reason.
const WHITESPACE = /[^\S ]\s*| \s+/g;

// Python's str.isprintable() is false for these; trafilatura's sanitize() drops them (soft hyphens,
// zero-width spaces, control characters), and so do we: they are invisible on the page. Tab and
// newline are control characters too: a tab becomes a space, a newline stays.
const INVISIBLE = /[\0-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\p{Co}\u2028\u2029]/gu;

function collapse(s: string): string {
  return s
    .replace(INVISIBLE, '')
    .replaceAll('\t', ' ')
    .split('\n')
    .map((line) => line.replace(SPACES, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

// Marks a line break we mean (<lb>, list items): source newlines are only whitespace in HTML.
const BREAK = '\u0001';

/** Inline text of an element: its text, its children's, their tails; <lb> is a line break. */
function inline(el: El, out: string[]): void {
  const stack: (El | string)[] = [el];
  while (stack.length) {
    const x = stack.pop()!;
    if (typeof x === 'string') {
      out.push(x);
      continue;
    }
    if (x !== el && (x.tag === 'lb' || x.tag === 'item' || x.tag === 'row' || x.tag === 'list' || x.tag === 'p' || x.tag === 'head')) out.push(BREAK);
    else if (x !== el && x.tag === 'cell') out.push(' | ');
    if (x.text) out.push(x.text);
    for (let i = x.children.length - 1; i >= 0; i--) {
      const c = x.children[i];
      if (c.tail) stack.push(c.tail);
      stack.push(c);
    }
  }
}

function inlineText(el: El, keepSpaces: boolean): string {
  const parts: string[] = [];
  inline(el, parts);
  const s = parts.join('');
  if (keepSpaces) return s.replaceAll(BREAK, '\n').replace(/^\n+|\s+$/g, '');
  return collapse(s.replace(WHITESPACE, ' ').replaceAll(BREAK, '\n'));
}

function rowText(row: El): string {
  const cells: string[] = [];
  for (const c of row.children) {
    const t = inlineText(c, false).replace(/\n/g, ' ');
    if (t) cells.push(t);
  }
  return cells.join(' | ');
}

function block(el: El, blocks: string[]): void {
  switch (el.tag) {
    case 'list': {
      const lines: string[] = [];
      for (const item of el.children) {
        const nested = item.children.filter((c) => c.tag === 'list');
        if (nested.length === 0) {
          const t = inlineText(item, false);
          if (t) lines.push(t);
          continue;
        }
        // an item holding a sub-list: its own text, then each sub-item on its line
        const own = { ...item, children: item.children.filter((c) => c.tag !== 'list') };
        const t = inlineText(own, false);
        if (t) lines.push(t);
        for (const n of nested) {
          const sub: string[] = [];
          block(n, sub);
          if (sub.length) lines.push(sub.join('\n'));
        }
      }
      if (lines.length) blocks.push(lines.join('\n'));
      break;
    }
    case 'table': {
      const rows = el.children.map(rowText).filter((r) => r);
      if (rows.length) blocks.push(rows.join('\n'));
      break;
    }
    case 'code': {
      const t = inlineText(el, true);
      if (t.trim()) blocks.push(t);
      break;
    }
    default: {
      const t = inlineText(el, false);
      if (t) blocks.push(t);
    }
  }
  if (el.tail) {
    const t = collapse(el.tail.replace(WHITESPACE, ' '));
    if (t) blocks.push(t);
  }
}

/** Render a body: blocks joined by one blank line. */
export function renderBody(body: El): string {
  const blocks: string[] = [];
  if (body.text) {
    const t = collapse(body.text.replace(WHITESPACE, ' '));
    if (t) blocks.push(t);
  }
  for (const c of body.children) block(c, blocks);
  return blocks.join('\n\n');
}
