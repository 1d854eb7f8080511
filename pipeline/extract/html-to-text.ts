// HTML → main-content text, in one streaming pass of htmlparser2 (no DOM is built).
//
// What it does, in order:
//  1. Drops whole subtrees that are never content: script/style/noscript/template/svg/iframe/…, forms and
//     their controls, page chrome (nav, header, footer, aside, menu), elements hidden with `hidden`,
//     aria-hidden or display:none, ARIA landmarks for chrome (navigation, banner, contentinfo, …), and
//     elements whose class/id names a well-known boilerplate part (nav, menu, sidebar, cookie, share, …).
//  2. Cuts the rest into blocks at block-level elements and <br>; whitespace inside a block collapses to one
//     space (except in <pre>), blocks are joined with '\n'. Entities are decoded by the parser.
//  3. Main content: when the page has <main>, role=main or <article> holding a fair share of the text,
//     only the blocks inside them are kept.
//  4. Link density: a block whose text is mostly link text (menus, tag clouds, "related posts") is dropped.
// It is a heuristic, much simpler than the html_extract stage's cascade (extractor.ts): it does not score
// candidate containers and drops every <header>. It stays as the one-pass reference that bench/extract
// measures the cascade's speed against, and as a plain all-text dump (mainContent false, maxLinkDensity 1).

import { Parser } from 'htmlparser2';
import { ExtractTimeout } from './dom.js';

export interface ExtractOptions {
  /** Keep only <main>/<article> content when the page has it. */
  mainContent: boolean;
  /** Drop blocks whose share of characters inside <a> is above this. 1 disables the rule. */
  maxLinkDensity: number;
  /** Give up when parsing runs past this time (Date.now() value); 0 = no limit. */
  deadline: number;
}

export interface Extracted {
  text: string;
  title: string;
  /** Which part of the page the text came from. */
  scope: 'main' | 'article' | 'body';
  /** Blocks dropped by the link-density rule. */
  linkDenseBlocks: number;
}

export { ExtractTimeout };

const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'canvas', 'video', 'audio', 'map', 'head', 'nav', 'header', 'footer', 'aside', 'menu', 'form', 'button', 'select',
  'option', 'textarea', 'input', 'label', 'dialog', 'fieldset',
]);

const BLOCK = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption',
  'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'html', 'li', 'main', 'ol', 'p', 'pre', 'section', 'summary',
  'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'br',
]);

const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'toolbar', 'dialog', 'alert']);

// Class/id words that name page chrome. Whole words only (split on -, _ and spaces), so `header` matches
// `site-header` but not `headerimage`; words that also name content (`comment`, `related`) are left out.
const CHROME_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'topmenu', 'submenu', 'sidebar', 'breadcrumb', 'breadcrumbs', 'footer',
  'cookie', 'cookies', 'consent', 'share', 'sharing', 'social', 'advert', 'advertisement', 'ads', 'sponsored',
  'pagination', 'pager', 'newsletter', 'subscribe', 'popup', 'modal', 'skip', 'masthead',
]);

// …unless the same names also say content (`<div id="content" class="has-sidebar">` is the page).
const CONTENT_WORDS = new Set(['content', 'main', 'article', 'post', 'entry', 'story', 'body', 'text']);
// Never judged by class/id: the document itself and the semantic content containers.
const NEVER_CHROME_BY_NAME = new Set(['html', 'body', 'main', 'article']);

// Pages repeat the same class strings thousands of times; remember each verdict (bounded).
const chromeCache = new Map<string, boolean>();

function isChromeByName(name: string, attribs: Record<string, string>): boolean {
  if (NEVER_CHROME_BY_NAME.has(name)) return false;
  const cls = attribs.class;
  const id = attribs.id;
  if (!cls && !id) return false;
  const key = id ? `${cls ?? ''} ${id}` : cls!;
  let chrome = chromeCache.get(key);
  if (chrome === undefined) {
    chrome = false;
    for (const w of key.toLowerCase().split(/[\s_-]+/)) {
      if (CONTENT_WORDS.has(w)) {
        chrome = false;
        break;
      }
      if (CHROME_WORDS.has(w)) chrome = true;
    }
    if (chromeCache.size > 50_000) chromeCache.clear();
    chromeCache.set(key, chrome);
  }
  return chrome;
}

function isHidden(attribs: Record<string, string>): boolean {
  if ('hidden' in attribs || attribs['aria-hidden'] === 'true') return true;
  const style = attribs.style;
  return style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

interface Block {
  text: string;
  /** Raw (uncollapsed) characters, and how many of them were inside <a>. */
  rawChars: number;
  linkChars: number;
  /** Characters that were inside <main>/role=main, and inside <article>. */
  mainChars: number;
  articleChars: number;
}

interface Open {
  name: string;
  skip: boolean;
  main: boolean;
  article: boolean;
  link: boolean;
  pre: boolean;
}

const WS = /\s+/g;

export function htmlToText(html: string, opts: ExtractOptions): Extracted {
  const stack: Open[] = [];
  let skip = 0;
  let main = 0;
  let article = 0;
  let link = 0;
  let pre = 0;
  let inTitle = false;
  let title = '';
  const blocks: Block[] = [];
  let pieces: string[] = [];
  let cur: Block = { text: '', rawChars: 0, linkChars: 0, mainChars: 0, articleChars: 0 };
  let events = 0;

  const flush = () => {
    if (pieces.length === 0) return;
    let text = pieces.join('');
    text = pre > 0 ? text.replace(/^\n+|\s+$/g, '') : text.replace(WS, ' ').trim();
    if (text) {
      cur.text = text;
      blocks.push(cur);
    }
    pieces = [];
    cur = { text: '', rawChars: 0, linkChars: 0, mainChars: 0, articleChars: 0 };
  };
  const tick = () => {
    // Date.now() is cheap but not free: look at the clock every 512 parser events.
    if (opts.deadline > 0 && (++events & 511) === 0 && Date.now() > opts.deadline) throw new ExtractTimeout();
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        tick();
        if (name === 'title' && !inTitle && title === '') inTitle = true;
        const role = attribs.role?.toLowerCase();
        const entry: Open = {
          name,
          skip: SKIP.has(name) || isHidden(attribs) || (role !== undefined && CHROME_ROLES.has(role)) || (skip === 0 && isChromeByName(name, attribs)),
          main: name === 'main' || role === 'main',
          article: name === 'article' || role === 'article',
          link: name === 'a',
          pre: name === 'pre' || name === 'textarea',
        };
        if (skip === 0 && (BLOCK.has(name) || entry.skip)) flush();
        stack.push(entry);
        if (entry.skip) skip++;
        if (entry.main) main++;
        if (entry.article) article++;
        if (entry.link) link++;
        if (entry.pre) pre++;
      },
      ontext(data) {
        tick();
        if (inTitle) {
          title += data;
          return;
        }
        if (skip > 0) return;
        pieces.push(data);
        const n = data.length;
        cur.rawChars += n;
        if (link > 0) cur.linkChars += n;
        if (main > 0) cur.mainChars += n;
        if (article > 0) cur.articleChars += n;
      },
      onclosetag(name) {
        tick();
        if (name === 'title') inTitle = false;
        const entry = stack.pop();
        if (!entry) return;
        if (skip === 0 && BLOCK.has(entry.name)) flush();
        else if (skip === 0 && (entry.name === 'td' || entry.name === 'th')) pieces.push(' ');
        if (entry.skip) skip--;
        if (entry.main) main--;
        if (entry.article) article--;
        if (entry.link) link--;
        if (entry.pre) pre--;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  flush();

  let total = 0;
  let mainTotal = 0;
  let articleTotal = 0;
  for (const b of blocks) {
    total += b.text.length;
    if (b.mainChars > 0) mainTotal += b.text.length;
    if (b.articleChars > 0) articleTotal += b.text.length;
  }
  // Semantic containers are trusted only when they hold a fair share of the page: a <main> around a
  // cookie banner, or one <article> teaser in a sidebar, must not throw the real text away.
  const fair = (n: number) => n >= 200 || n >= 0.25 * total;
  let scope: Extracted['scope'] = 'body';
  let keep: (b: Block) => boolean = () => true;
  if (opts.mainContent && mainTotal > 0 && fair(mainTotal)) {
    scope = 'main';
    keep = (b) => b.mainChars > 0;
  } else if (opts.mainContent && articleTotal > 0 && fair(articleTotal)) {
    scope = 'article';
    keep = (b) => b.articleChars > 0;
  }
  const out: string[] = [];
  let linkDenseBlocks = 0;
  for (const b of blocks) {
    if (!keep(b)) continue;
    if (opts.maxLinkDensity < 1 && b.linkChars > 0 && b.linkChars / b.rawChars > opts.maxLinkDensity) {
      linkDenseBlocks++;
      continue;
    }
    out.push(b.text);
  }
  return { text: out.join('\n'), title: title.replace(WS, ' ').trim(), scope, linkDenseBlocks };
}
