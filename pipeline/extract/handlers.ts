// Per-element handlers of trafilatura's main extractor (trafilatura/main_extractor.py: handle_textnode,
// process_node, handle_titles, handle_formatting, handle_lists, handle_quotes, handle_paragraphs,
// handle_table, handle_other_elements, handle_textelem). Each takes an element of the converted tree
// and returns the element to put in the output body, or null; handled source elements are renamed
// 'done' so the main loop does not take them twice. Images, links and formatting are off.

import {
  type El, append, deepCopy, deleteElement, descendants, iter, itertext, makeEl, stripTags, subElement,
} from './dom.js';
import type { Focus } from './cleaning.js';
import { hasText, textFilter, trim } from './text.js';

export interface HandlerOptions {
  focus: Focus;
}

export const TAG_CATALOG = ['blockquote', 'code', 'del', 'head', 'hi', 'lb', 'list', 'p', 'pre', 'quote'];
const P_FORMATTING = new Set(['hi', 'ref']);
const FORMATTING = new Set(['hi', 'ref', 'del', 'span']);
const FORMATTING_PROTECTED = new Set(['cell', 'head', 'hi', 'item', 'p', 'quote', 'ref', 'td']);
const INLINE_CARRIED = new Set(['hi', 'ref', 'del', 'code', 'graphic']);
const TABLE_ELEMS = new Set(['td', 'th']);
const KEEP_ATTRS = new Set(['rend', 'role', 'target', 'src', 'alt', 'title']);
const QUOTE_TAGS = new Set([...TAG_CATALOG, 'ref', 'graphic']);

/** `handle_textnode`. */
export function handleTextNode(el: El, commentsFix = true, preserveSpaces = false): El | null {
  if (el.tag === 'done' || (el.children.length === 0 && !el.text && !el.tail)) return null;
  if (!commentsFix && el.tag === 'lb') {
    if (!preserveSpaces) el.tail = trim(el.tail) || null;
    return el;
  }
  if (!el.text && el.children.length === 0) {
    el.text = el.tail;
    el.tail = '';
    if (commentsFix && el.tag === 'lb') el.tag = 'p';
  }
  if (!preserveSpaces) {
    el.text = trim(el.text) || null;
    if (el.tail) el.tail = trim(el.tail) || null;
  }
  if (!el.text && textFilter(el)) return null;
  return el;
}

/** `process_node`. */
export function processNode(el: El): El | null {
  if (el.tag === 'done' || (el.children.length === 0 && !el.text && !el.tail)) return null;
  el.text = trim(el.text) || null;
  el.tail = trim(el.tail) || null;
  if (el.tag !== 'lb' && !el.text && el.tail) {
    el.text = el.tail;
    el.tail = null;
  }
  if ((el.text || el.tail) && textFilter(el)) return null;
  return el;
}

const isTextElement = (el: El) => hasText(itertext(el).join(''));

function handleTitles(el: El): El | null {
  let title: El | null;
  if (el.children.length === 0) title = processNode(el);
  else {
    title = deepCopy(el);
    for (const child of [...el.children]) {
      const processed = handleTextNode(child, false);
      if (processed) append(title, processed);
      child.tag = 'done';
    }
  }
  return title && isTextElement(title) ? title : null;
}

function handleFormatting(el: El): El | null {
  const formatting = processNode(el);
  if (!formatting) return null;
  const parent = el.parent;
  if (!parent || !FORMATTING_PROTECTED.has(parent.tag)) {
    const p = makeEl('p');
    append(p, formatting);
    return p;
  }
  return formatting;
}

function defineNewElem(processed: El | null, orig: El, keepChildren = false): void {
  if (!processed) return;
  const child = subElement(orig, processed.tag);
  child.text = processed.text;
  child.tail = processed.tail;
  const attrs: Record<string, string> = {};
  for (const k in processed.attrs) if (KEEP_ATTRS.has(k)) attrs[k] = processed.attrs[k];
  child.attrs = attrs;
  if (keepChildren) {
    for (const sub of [...processed.children]) {
      if (INLINE_CARRIED.has(sub.tag) || sub.tag === 'lb') {
        defineNewElem(sub, child, true);
        for (const c of iter(sub)) c.tag = 'done';
      }
    }
  }
}

function processNestedElements(child: El, newChild: El, o: HandlerOptions): void {
  newChild.text = child.text;
  for (const sub of descendants(child)) {
    if (sub.tag === 'list') {
      const p = handleLists(sub, o);
      if (p) append(newChild, p);
    } else if (INLINE_CARRIED.has(sub.tag)) defineNewElem(sub, newChild, true);
    else {
      const p = handleTextNode(sub, false);
      if (p) defineNewElem(p, newChild);
    }
    sub.tag = 'done';
  }
}

function copyRend(from: El, to: El): void {
  if (from.attrs.rend) to.attrs = { ...to.attrs, rend: from.attrs.rend };
}

/** `handle_lists`. */
export function handleLists(el: El, o: HandlerOptions): El | null {
  const out = makeEl(el.tag);
  if (el.text && el.text.trim()) subElement(out, 'item').text = el.text;
  for (const child of descendants(el, 'item')) {
    if (child.tag !== 'item') continue; // taken by a nested list already
    const item = makeEl('item');
    if (child.children.length === 0) {
      const p = processNode(child);
      if (p) {
        item.text = p.text ?? '';
        if (p.tail && p.tail.trim()) item.text += ' ' + p.tail;
        append(out, item);
      }
    } else {
      processNestedElements(child, item, o);
      if (child.tail && child.tail.trim()) {
        const kids = item.children.filter((c) => c.tag !== 'done');
        if (kids.length) {
          const last = kids[kids.length - 1];
          if (!last.tail || !last.tail.trim()) last.tail = child.tail;
          else last.tail += ' ' + child.tail;
        }
      }
    }
    if (item.text || item.children.length) {
      copyRend(child, item);
      append(out, item);
    }
    child.tag = 'done';
  }
  el.tag = 'done';
  if (isTextElement(out)) {
    copyRend(el, out);
    return out;
  }
  return null;
}

function isCodeBlockElement(el: El): boolean {
  if (el.attrs.lang || el.tag === 'code') return true;
  if (el.parent && (el.parent.attrs.class ?? '').includes('highlight')) return true;
  const code = el.children.find((c) => c.tag === 'code');
  return !!code && el.children.length === 1 && !(el.text ?? '').trim() && !(code.tail ?? '').trim();
}

function handleCodeBlocks(el: El): El {
  const out = deepCopy(el);
  for (const c of iter(el)) c.tag = 'done';
  out.tag = 'code';
  return out;
}

function handleQuotes(el: El): El | null {
  if (isCodeBlockElement(el)) return handleCodeBlocks(el);
  const out = makeEl(el.tag);
  out.text = el.text;
  for (const child of descendants(el)) {
    if (child.tag === 'p' && child.children.length) {
      const p = handleParagraphs(child, QUOTE_TAGS);
      if (p) append(out, p);
    } else if (INLINE_CARRIED.has(child.tag)) defineNewElem(child, out, true);
    else defineNewElem(processNode(child), out);
    child.tag = 'done';
  }
  if (isTextElement(out)) {
    stripTags(out, new Set(['quote']));
    return out;
  }
  return null;
}

function handleOtherElements(el: El, potential: ReadonlySet<string>): El | null {
  if (el.tag === 'div' && (el.attrs.class ?? '').includes('w3-code')) return handleCodeBlocks(el);
  if (!potential.has(el.tag)) return null;
  if (el.tag === 'div') {
    const p = handleTextNode(el, false, true);
    if (p && hasText(p.text)) {
      p.attrs = {};
      if (p.tag === 'div') p.tag = 'p';
      return p;
    }
  }
  return null;
}

function isInside(el: El, ancestor: El): boolean {
  for (let p: El | null = el; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

/** `handle_paragraphs`. */
export function handleParagraphs(el: El, potential: ReadonlySet<string>): El | null {
  if (el.children.length === 0) return processNode(el);
  const out = makeEl(el.tag);
  for (const child of iter(el)) {
    if (!isInside(child, el)) continue; // stripped away by an earlier child's cleanup
    if (!potential.has(child.tag) && child.tag !== 'done') continue;
    const processed = handleTextNode(child, false, true);
    if (processed) {
      if (processed.tag === 'p') {
        if (out.text) out.text += ' ' + (processed.text ?? '');
        else out.text = processed.text;
        child.tag = 'done';
        continue;
      }
      const sub = makeEl(child.tag);
      if (P_FORMATTING.has(processed.tag)) {
        if (processed.children.length && (processed.tag === 'ref' || processed.children.some((c) => INLINE_CARRIED.has(c.tag)))) {
          defineNewElem(processed, out, true);
          child.tag = 'done';
          continue;
        }
        if (processed.children.length) {
          for (const item of [...processed.children]) {
            if (item.tag === 'lb' && item.tail) item.tail = ' ' + item.tail.trimStart();
            else if (item.text && hasText(item.text)) item.text = ' ' + item.text;
            stripTags(processed, new Set([item.tag]));
          }
        }
      }
      sub.text = processed.text;
      sub.tail = processed.tail;
      append(out, sub);
    }
    child.tag = 'done';
  }
  if (out.children.length) {
    const last = out.children[out.children.length - 1];
    if (last.tag === 'lb' && last.tail === null) deleteElement(last);
    return out;
  }
  return hasText(out.text) ? out : null;
}

// ---- tables -----------------------------------------------------------------------------------------

const MAX_SPAN = 100;
const span = (cell: El, a: string) => {
  const v = cell.attrs[a] ?? '1';
  return /^[0-9]+$/.test(v) ? Math.min(parseInt(v, 10), MAX_SPAN) : 1;
};
const cellEl = (head: boolean) => makeEl('cell', head ? { role: 'head' } : {});

function flushRowspan(map: Map<number, number>, row: El): void {
  for (let col = row.children.length; map.has(col); col = row.children.length) {
    append(row, cellEl(false));
    const left = map.get(col)! - 1;
    if (left === 0) map.delete(col);
    else map.set(col, left);
  }
}

function finalizeRow(table: El, row: El, map: Map<number, number>, maxCols: number): void {
  flushRowspan(map, row);
  while (row.children.length < maxCols) append(row, cellEl(false));
  if (row.children.some((c) => c.text || c.children.length)) append(table, row);
}

function fillCell(out: El, cell: El, nested: Set<El>, ptagsWithDiv: ReadonlySet<string>, o: HandlerOptions): void {
  if (cell.children.length === 0) {
    const p = processNode(cell);
    if (p) {
      out.text = p.text;
      out.tail = p.tail;
    }
    return;
  }
  out.text = cell.text;
  out.tail = cell.tail;
  cell.tag = 'done';
  for (const child of descendants(cell)) {
    if (child.tag === 'done') continue;
    if (nested.has(child)) {
      if (child.tag === 'table' && child.tail) {
        if (out.children.length) {
          const last = out.children[out.children.length - 1];
          last.tail = (last.tail ?? '') + child.tail;
        } else out.text = (out.text ?? '') + child.tail;
      }
      continue;
    }
    let processed: El | null;
    if (TABLE_ELEMS.has(child.tag)) {
      child.tag = 'cell';
      processed = handleTextNode(child, true, true);
    } else if (child.tag === 'hi' || child.tag === 'ref' || child.tag === 'del') {
      processed = handleTextNode(child, true, true);
      if (!processed && child.children.length) {
        defineNewElem(child, out, true);
        for (const e of iter(child)) e.tag = 'done';
        continue;
      }
    } else if (child.tag === 'list' && o.focus === 'recall') {
      const l = handleLists(child, o);
      if (l) append(out, l);
      child.tag = 'done';
      continue;
    } else processed = handleTextElem(child, ptagsWithDiv, o);
    defineNewElem(processed, out, true);
    child.tag = 'done';
  }
}

/** `handle_table`: rows of cells, colspans and rowspans padded so columns stay aligned. */
function handleTable(table: El, potential: ReadonlySet<string>, o: HandlerOptions): El | null {
  const out = makeEl('table');
  const ptagsWithDiv = new Set([...potential, 'div']);
  stripTags(table, new Set(['thead', 'tbody', 'tfoot']));
  const nested = new Set<El>();
  for (const t of descendants(table, 'table')) for (const e of iter(t)) nested.add(e);
  const rows = table.children.filter((c) => c.tag === 'tr');
  let maxCols = 0;
  for (const tr of rows) {
    let n = 0;
    for (const td of tr.children) if (TABLE_ELEMS.has(td.tag)) n += span(td, 'colspan');
    if (n > maxCols) maxCols = n;
  }
  maxCols = Math.min(maxCols, MAX_SPAN);
  for (const cap of table.children.filter((c) => c.tag === 'caption')) {
    const text = itertext(cap).join(' ').trim();
    if (text) {
      const row = makeEl('row');
      const c = cellEl(true);
      c.text = text;
      append(row, c);
      while (row.children.length < maxCols) append(row, cellEl(false));
      append(out, row);
    }
    cap.tag = 'done';
  }
  let headerEmitted = false;
  let rowHasTh = false;
  let row = makeEl('row');
  const rowspan = new Map<number, number>();
  for (const el of [...table.children]) {
    let cells: El[];
    if (el.tag === 'tr') {
      if (row.children.length) {
        finalizeRow(out, row, rowspan, maxCols);
        headerEmitted ||= rowHasTh;
      }
      row = makeEl('row');
      rowHasTh = false;
      flushRowspan(rowspan, row);
      cells = [...el.children];
    } else if (TABLE_ELEMS.has(el.tag)) cells = [el];
    else {
      if (el.tag !== 'table') el.tag = 'done';
      continue;
    }
    for (const cell of cells) {
      if (!TABLE_ELEMS.has(cell.tag)) continue;
      const isHeader: boolean = cell.tag === 'th' && !headerEmitted;
      rowHasTh ||= isHeader;
      flushRowspan(rowspan, row);
      const c = cellEl(isHeader);
      const colspan = span(cell, 'colspan');
      const rs = span(cell, 'rowspan');
      if (rs > 1) for (let k = row.children.length; k < row.children.length + colspan; k++) rowspan.set(k, rs - 1);
      fillCell(c, cell, nested, ptagsWithDiv, o);
      append(row, c);
      for (let k = 1; k < colspan; k++) append(row, cellEl(isHeader));
      cell.tag = 'done';
    }
    el.tag = 'done';
  }
  finalizeRow(out, row, rowspan, maxCols);
  return out.children.length ? out : null;
}

/** `handle_textelem`: dispatch on the (converted) tag. */
export function handleTextElem(el: El, potential: ReadonlySet<string>, o: HandlerOptions): El | null {
  switch (el.tag) {
    case 'list':
      return handleLists(el, o);
    case 'code':
    case 'quote':
      return handleQuotes(el);
    case 'head':
      return handleTitles(el);
    case 'p':
      return handleParagraphs(el, potential);
    case 'lb': {
      if (!hasText(el.tail)) return null;
      const n = processNode(el);
      if (!n) return null;
      const p = makeEl('p');
      p.text = n.tail;
      return p;
    }
  }
  if (FORMATTING.has(el.tag)) return handleFormatting(el);
  if (el.tag === 'table' && potential.has('table')) return handleTable(el, potential, o);
  return handleOtherElements(el, potential);
}

