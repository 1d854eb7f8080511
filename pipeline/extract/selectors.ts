// trafilatura's XPath expressions (trafilatura/xpaths.py, trafilatura/settings.py BASIC_CLEAN_XPATH) as
// predicates on one element. Each predicate says which expression it is; token lists are copied as
// they are, because they were tuned on the same evaluation set we measure against.
// XPath's `re:test(@id|@class, …)` reads whichever of the two attributes comes first in the source,
// so `firstOf` keeps that quirk (htmlparser2 keeps attributes in source order).

import type { El } from './dom.js';

const alt = (tokens: readonly string[]) => tokens.join('|');

function firstOf(a: Record<string, string>, x: string, y: string): string {
  for (const k in a) if (k === x || k === y) return a[k];
  return '';
}
const attr = (el: El, name: string) => el.attrs[name] ?? '';
const has = (el: El, name: string) => el.attrs[name] !== undefined;

// ---- BODY_XPATH: candidate main-content containers, tried in order --------------------------------

const ARTICLE_CONTENT_ID = new RegExp(alt(['(?:entry|article|art)-content', 'article__content', 'article(?:-|__)?body', 'articleBody', 'body-text']));
const ARTICLE_CONTENT_CLASS = new RegExp(
  alt([
    'post[-_]text', 'post-body', 'post-?entry', 'post[-_]?content', 'postContent', 'post_inner_wrapper', 'article-?text', 'articleText',
    '(?:entry|page|text|article|art)-content', 'article__content', 'article(?:-|__)?body', 'articleBody', 'ArticleContent', 'body-text',
    'article__container',
  ]),
);
const STORY_ID = new RegExp(alt(['^primary', 'story-body']));
const STORY_CLASS = new RegExp(
  alt(['^article ', 'post-bodycopy', 'story-?content', '(?:theme|blog|section|single)-content', 'single-post', 'main-column', 'wpb_text_column', 'story-body', 'field-body']),
);
const MAIN_CONTENT_ID = new RegExp(alt(['content-main', 'content-body', 'contentBody']));
const MAIN_CONTENT_CLASS = new RegExp(alt(['content[-_]main', 'content(?:-|__)body']));

const ADMS = new Set(['article', 'div', 'main', 'section']);
const ADS = new Set(['article', 'div', 'section']);
const lowerCM = (s: string) => s.replace(/C/g, 'c').replace(/M/g, 'm');
const lowerCP = (s: string) => s.replace(/C/g, 'c').replace(/P/g, 'p');

/** Each entry: does this element match BODY_XPATH[i]? `(…)[1]` takes the first in document order. */
export const BODY_CANDIDATES: ((el: El) => boolean)[] = [
  (el) => {
    if (!ADMS.has(el.tag)) return false;
    const c = el.attrs.class;
    const id = el.attrs.id;
    return (
      c === 'post' || c === 'entry' || el.attrs.itemprop === 'articleBody' || id === 'articleContent' ||
      ARTICLE_CONTENT_ID.test(id ?? '') || ARTICLE_CONTENT_CLASS.test(c ?? '')
    );
  },
  (el) => el.tag === 'article',
  (el) => {
    if (!ADMS.has(el.tag)) return false;
    const c = el.attrs.class ?? '';
    const id = el.attrs.id ?? '';
    return (
      el.attrs.role === 'article' || id === 'article' || id === 'story' ||
      c === 'postarea' || c === 'art-postcontent' || c === 'text' || c === 'cell' || c === 'story' ||
      STORY_ID.test(id) || /fulltext/i.test(c) || STORY_CLASS.test(c)
    );
  },
  (el) => {
    if (!ADMS.has(el.tag)) return false;
    const c = el.attrs.class ?? '';
    const id = el.attrs.id ?? '';
    return (
      id === 'content' || c === 'content' || MAIN_CONTENT_ID.test(id) || MAIN_CONTENT_CLASS.test(c) ||
      lowerCM(id).includes('main-content') || lowerCM(c).includes('main-content') || lowerCP(c).includes('page-content')
    );
  },
  // `(…[starts-with(@class|@id|@role, 'main')])[1] | (.//main)[1]`: the earlier of the two is found first
  (el) =>
    el.tag === 'main' ||
    (ADS.has(el.tag) && (attr(el, 'class').startsWith('main') || attr(el, 'id').startsWith('main') || attr(el, 'role').startsWith('main'))),
];

// ---- OVERALL_DISCARD_XPATH: boilerplate sections ---------------------------------------------------

const DISCARD_TAGS = new Set(['div', 'item', 'list', 'p', 'section', 'span']);
const BOTH = ['^shar', 'social', 'viral', 'newsletter', 'syndication', 'tags', 'sidebar', 'banner', 'bread-?crumb', 'button', 'author'];
const ID_ONLY = ['^(?:jp-|dpsp-content)', 'bmdh', 'footer', 'Footer', 'share', 'Share', 'nav', 'Nav', 'menu', 'related', 'message-container', 'premium'];
const CLASS_ONLY = [
  '^(?:nav|post-nav|ZendeskForm)', 'subnav', 'avigation', 'navbar', 'navbox', 'menu', 'bar',
  ' ad ', '-ad-', 'outbrain', 'taboola', 'criteo', 'paid-?content', 'widget',
  'footer', 'Footer', 'byline', 'Byline', 'share-', 'sociable', 'embedded', 'embed', 'tag-list',
  'consent', 'modal-content', 'permission', 'elated', 'next-', '-stories', 'most-popular',
  'meta', 'rating', 'attachment', 'timestamp', 'user-info', 'user-profile', '-icon', 'article-infos', 'message-container', 'slide', 'viewport', 'overlay',
  'options', 'expand', 'obfuscated', 'blurred', 'mol-factbox', 'yin', 'zlylin', 'nfoline',
];
const DISCARD_ID = new RegExp(alt([...BOTH, ...ID_ONLY]));
const DISCARD_CLASS = new RegExp(alt([...BOTH, ...CLASS_ONLY]));
const HIDDEN_CLASS = /^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide|noprint|notloaded/;

export const OVERALL_DISCARD: ((el: El) => boolean)[] = [
  (el) =>
    DISCARD_TAGS.has(el.tag) &&
    (has(el, 'data-lp-replacement-content') ||
      attr(el, 'role').replace(/N/g, 'n').includes('nav') ||
      attr(el, 'data-component').includes('MostPopularStories') ||
      firstOf(el.attrs, 'id', 'class').includes('cookie') ||
      DISCARD_ID.test(attr(el, 'id')) ||
      DISCARD_CLASS.test(attr(el, 'class'))),
  (el) => {
    const style = attr(el, 'style');
    return (
      el.attrs.class === 'comments-title' ||
      firstOf(el.attrs, 'id', 'class').startsWith('reply-') ||
      firstOf(el.attrs, 'id', 'style').includes('hidden') ||
      style.includes('display:none') || style.includes('display: none') ||
      /reader-comments|akismet/.test(attr(el, 'id')) ||
      HIDDEN_CLASS.test(attr(el, 'class')) ||
      el.attrs['aria-hidden'] === 'true'
    );
  },
];

/** TEASER_DISCARD_XPATH (favor precision and balanced). */
export const TEASER_DISCARD = (el: El) =>
  DISCARD_TAGS.has(el.tag) && (attr(el, 'id').replace(/T/g, 't').includes('teaser') || attr(el, 'class').replace(/T/g, 't').includes('teaser'));

const BOTTOM = /(^|\s)bottom|bottom(\s|$)/;
const LINK_TOKEN = /(^|\s)link(\s|$)/;
/** PRECISION_DISCARD_XPATH. */
export const PRECISION_DISCARD: ((el: El) => boolean)[] = [
  (el) => el.tag === 'header',
  (el) => {
    if (!DISCARD_TAGS.has(el.tag)) return false;
    const first = firstOf(el.attrs, 'id', 'class');
    return BOTTOM.test(first) || LINK_TOKEN.test(first) || attr(el, 'style').includes('border');
  },
];

/** DISCARD_IMAGE_ELEMENTS (images are not kept, so captions go). */
export const DISCARD_IMAGE = (el: El) => DISCARD_TAGS.has(el.tag) && (attr(el, 'id').includes('caption') || attr(el, 'class').includes('caption'));

const COMMENTS_TAGS = new Set(['div', 'list', 'section', 'details']);
/** REMOVE_COMMENTS_XPATH: comment sections, pruned when comments are not extracted. */
export const REMOVE_COMMENTS = (el: El) =>
  COMMENTS_TAGS.has(el.tag) && (/^(?:[Cc]omment|comol|disqus_thread|dsq-comments)/.test(attr(el, 'id')) || /^[Cc]omment|(?:article|post)-comments/.test(attr(el, 'class')));

const APPENDED_TAGS = new Set(['div', 'section', 'aside']);
const APPENDED = /mvp-post-add-(?:box|wrap)|infinite-?scroll/;
/** REMOVE_APPENDED_ARTICLES_XPATH: infinite-scroll containers of follow-up articles. */
export const REMOVE_APPENDED_ARTICLES = (el: El) => APPENDED_TAGS.has(el.tag) && (APPENDED.test(attr(el, 'id')) || APPENDED.test(attr(el, 'class')));

const COOKIE_CONSENT = new RegExp(
  'cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr',
  'i',
);
const BASIC_CLEAN_TAGS = new Set(['aside', 'fencedframe', 'footer', 'script', 'style', 'svg', 'template']);
/** settings.py BASIC_CLEAN_XPATH: what baseline(), html2txt() and the jusText fallback remove first. */
export const BASIC_CLEAN = (el: El) =>
  BASIC_CLEAN_TAGS.has(el.tag) ||
  (el.tag === 'div' && firstOf(el.attrs, 'class', 'id').includes('footer')) ||
  COOKIE_CONSENT.test(attr(el, 'class')) ||
  COOKIE_CONSENT.test(attr(el, 'id'));
