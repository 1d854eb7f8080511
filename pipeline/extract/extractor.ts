// One page of HTML → main text and metadata. The cascade follows trafilatura/core.py
// `trafilatura_sequence`: the main extractor on a cleaned tree; then (unless `fast`) a second opinion
// from Readability and jusText (fallbacks.ts); the baseline when the text is still short; and a retry in
// recall mode when the result covers little of the page.

import { type Clock, type El, deepCopy, descendants, findFirst, parseHtml, textContent, withClock } from './dom.js';
import { type Focus, convertTags, pruneNodes, treeCleaning } from './cleaning.js';
import { MIN_EXTRACTED_SIZE, extractContent, type Extraction } from './main-extractor.js';
import { baseline, pageTextLength, pageTextLengthBound } from './baseline.js';
import { compareExtraction, justextRescue, type FallbackUse } from './fallbacks.js';
import { leadParagraph, visibleLead } from './lead.js';
import { renderBody } from './render.js';
import { REMOVE_APPENDED_ARTICLES, REMOVE_COMMENTS } from './selectors.js';
import { trim } from './text.js';

export interface PageOptions {
  focus: Focus;
  /** Skip the Readability / jusText second opinion (trafilatura's `fast`). */
  fast: boolean;
  /** Put the page's lead (its visible meta description) first when the extraction missed it. */
  lead?: boolean;
  clock?: Clock;
}

/** Which step of the cascade produced the text. */
export type ExtractionPath = 'main' | 'readability' | 'justext' | 'baseline' | 'recall' | 'recall_justext';

export interface PageResult {
  /** The main text, rendered (render.ts); '' when nothing was found. */
  text: string;
  title: string;
  /** `<html lang>` as written (e.g. 'de-DE'), '' when absent. */
  lang: string;
  /** `<meta name=description>` or `og:description`, '' when absent. */
  description: string;
  path: ExtractionPath;
}

// recall escalation (core.py): retry a short balanced extraction in recall mode
const ESCALATION_MAX_LENGTH = 3000;
const ESCALATION_PAGE_SHARE = 0.2;
const ESCALATION_ACCEPT_RATIO = 1.5;
const ESCALATION_JUSTEXT_RATIO = 2.0;

// Invisible on the page whatever the stylesheet says: the `hidden` attribute, inline display:none or
// visibility:hidden, <template>, aria-hidden. trafilatura catches some of these only inside the article
// container (OVERALL_DISCARD_XPATH), so its fallbacks and baseline could bring them back.
const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)/i;
const INVISIBLE = (el: El) =>
  el.tag === 'template' || (el.attrs.hidden !== undefined && el.tag !== 'input') || (el.attrs.style !== undefined && HIDDEN_STYLE.test(el.attrs.style)) || el.attrs['aria-hidden'] === 'true';

const FORUM_POSTING = /"@type"\s*:\s*"DiscussionForumPosting"|"@type"\s*:\s*\[[^\]]*"DiscussionForumPosting"/;

function isForumThread(tree: El): boolean {
  return descendants(tree, 'script').some((s) => s.attrs.type === 'application/ld+json' && !!s.text && FORUM_POSTING.test(s.text));
}

function prepare(tree: El, focus: Focus, clock?: Clock): { cleaned: El; backup: El } {
  const cleaned = treeCleaning(deepCopy(tree), focus, clock);
  const backup = deepCopy(cleaned);
  return { cleaned: convertTags(cleaned), backup };
}

export function pageMetadata(tree: El): { title: string; lang: string; description: string } {
  let title = '';
  let ogTitle = '';
  let description = '';
  let ogDescription = '';
  const head = findFirst(tree, 'head') ?? tree;
  for (const el of descendants(head, new Set(['title', 'meta']))) {
    if (el.tag === 'title') {
      if (!title) title = trim(textContent(el));
      continue;
    }
    const key = (el.attrs.property ?? el.attrs.name ?? '').toLowerCase();
    const content = trim(el.attrs.content);
    if (!content) continue;
    if (key === 'og:title' && !ogTitle) ogTitle = content;
    else if (key === 'description' && !description) description = content;
    else if (key === 'og:description' && !ogDescription) ogDescription = content;
  }
  return { title: ogTitle || title, lang: trim(tree.attrs.lang ?? tree.attrs['xml:lang']), description: description || ogDescription };
}

function recallRetry(escTree: El, o: PageOptions): Extraction {
  const { cleaned, backup } = prepare(escTree, 'recall', o.clock);
  let r = extractContent(cleaned, { focus: 'recall', fast: o.fast, clock: o.clock });
  if (!o.fast) r = compareExtraction(backup, escTree, r, { focus: 'recall', clock: o.clock }).result;
  return r;
}

/** Extract the main text of a page given as an HTML string; throws ExtractTimeout past `o.clock`'s deadline. */
export function extractPage(html: string, o: PageOptions): PageResult {
  return withClock(o.clock, () => extractWithClock(html, o));
}

function extractWithClock(html: string, o: PageOptions): PageResult {
  let tree = parseHtml(html, o.clock);
  const meta = pageMetadata(tree);
  // the JSON-LD type is in a <script>, whose text the parser leaves as written: a page without the
  // word anywhere cannot be a forum thread, and most pages are spared the walk over every element
  const forum = html.includes('DiscussionForumPosting') && isForumThread(tree);
  // comments are pruned on the raw page unless it is a forum thread, where the posts are the content
  tree = pruneNodes(tree, o.focus === 'precision' || !forum ? [INVISIBLE, REMOVE_APPENDED_ARTICLES, REMOVE_COMMENTS] : [INVISIBLE, REMOVE_APPENDED_ARTICLES]);
  let { cleaned, backup } = prepare(tree, o.focus, o.clock);
  const leadText = o.lead ? visibleLead(backup, meta.description) : '';
  if (o.focus === 'precision' && !forum) cleaned = pruneNodes(cleaned, [REMOVE_COMMENTS]);

  let result = extractContent(cleaned, { focus: o.focus, fast: o.fast, clock: o.clock });
  let path: ExtractionPath = 'main';
  if (!o.fast) {
    const compared = compareExtraction(backup, tree, result, { focus: o.focus, clock: o.clock });
    result = compared.result;
    if (compared.used !== 'own') path = compared.used as FallbackUse as ExtractionPath;
  }
  if (result.text.length < MIN_EXTRACTED_SIZE && o.focus !== 'precision') {
    const b = baseline(tree);
    result = { body: b.body, text: b.text };
    path = 'baseline';
  }
  const len = result.text.length;
  if (o.focus === 'balanced' && len > 0 && len < ESCALATION_MAX_LENGTH && len < ESCALATION_PAGE_SHARE * pageTextLengthBound(tree) && len < ESCALATION_PAGE_SHARE * pageTextLength(tree)) {
    const esc = forum ? tree : pruneNodes(deepCopy(tree), [REMOVE_COMMENTS]);
    const r = recallRetry(esc, o);
    const j = o.fast ? null : justextRescue(deepCopy(esc));
    const rLen = r.text.length;
    if (j && j.text.length > rLen && j.text.length > ESCALATION_JUSTEXT_RATIO * len) {
      result = j;
      path = 'recall_justext';
    } else if (rLen >= MIN_EXTRACTED_SIZE && rLen > ESCALATION_ACCEPT_RATIO * len) {
      result = r;
      path = 'recall';
    }
  }
  if (o.lead) {
    const lead = leadParagraph(leadText, result.text);
    if (lead) {
      lead.parent = result.body;
      result.body.children.unshift(lead);
    }
  }
  return { text: renderBody(result.body), ...meta, path };
}


