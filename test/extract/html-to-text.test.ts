import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { htmlToText, type ExtractOptions } from '../../pipeline/extract/html-to-text.js';
import { readWarc, warcSchema } from '../../pipeline/readers/warc.js';
import { collect, makeTestContext } from '../helpers/context.js';

const opts: ExtractOptions = { mainContent: true, maxLinkDensity: 0.5, deadline: 0 };
const text = (html: string, o: Partial<ExtractOptions> = {}) => htmlToText(html, { ...opts, ...o }).text;

describe('htmlToText', () => {
  it('drops scripts, styles, forms and page chrome, keeps the prose', () => {
    const html = `<html><head><title> A  Title </title><style>p{color:red}</style><script>var x = "not text";</script></head>
      <body><header><h1>Site name</h1></header><nav><a href="/">Home</a> <a href="/b">Blog</a></nav>
      <p>The first paragraph.</p><noscript>Enable JavaScript</noscript><form><label>Search</label><input></form>
      <aside>Sidebar text</aside><div class="cookie-banner">We use cookies</div><p>The second paragraph.</p>
      <footer>© 2024 Someone</footer><svg><text>svg text</text></svg></body></html>`;
    const out = htmlToText(html, opts);
    expect(out.text).toBe('The first paragraph.\nThe second paragraph.');
    expect(out.title).toBe('A Title');
    expect(out.scope).toBe('body');
  });

  it('puts block elements on their own lines, collapses whitespace and decodes entities', () => {
    expect(text('<body><h2>Head&amp;line</h2><div>one\n   two&nbsp;three</div>in<b>line</b> text<br>after &lt;br&gt; &#8212; &eacute;t&eacute;<ul><li>a</li><li>b</li></ul></body>')).toBe(
      'Head&line\none two three\ninline text\nafter <br> — été\na\nb',
    );
  });

  it('keeps whitespace inside <pre>', () => {
    expect(text('<body><p>code:</p><pre>  if (x) {\n    y();\n  }</pre></body>')).toBe('code:\n  if (x) {\n    y();\n  }');
  });

  it('puts table cells of a row on one line', () => {
    expect(text('<table><tr><th>Name</th><th>Year</th></tr><tr><td>Ada</td><td>1843</td></tr></table>')).toBe('Name Year\nAda 1843');
  });

  it('prefers <main> or <article> when they hold a fair share of the text', () => {
    const body = 'This is the real article text, long enough to count as the main content of the page. '.repeat(4);
    const html = `<body><div>Teaser one from the side of the page</div><article><h1>Story</h1><p>${body}</p></article><div>Unrelated trailing block of text</div></body>`;
    const out = htmlToText(html, opts);
    expect(out.scope).toBe('article');
    expect(out.text).toBe(`Story\n${body.trim()}`);
    expect(htmlToText(html, { ...opts, mainContent: false }).text).toContain('Teaser one');
  });

  it('ignores a <main> that holds only a sliver of the page', () => {
    const prose = 'Plain prose outside any semantic container, which is where the content is. '.repeat(20);
    const out = htmlToText(`<body><main>Hi</main><div>${prose}</div></body>`, opts);
    expect(out.scope).toBe('body');
    expect(out.text).toContain('Plain prose outside');
  });

  it('drops link-dense blocks but keeps paragraphs with a few links', () => {
    const html = `<body><ul><li><a href="/1">Related post one</a></li><li><a href="/2">Related post two</a></li></ul>
      <p>A paragraph that mentions <a href="/x">one link</a> among many other words of ordinary prose.</p>
      <div><a href="/a">Tag</a>, <a href="/b">Another tag</a>, <a href="/c">Third</a></div></body>`;
    const out = htmlToText(html, opts);
    expect(out.text).toBe('A paragraph that mentions one link among many other words of ordinary prose.');
    expect(out.linkDenseBlocks).toBe(3);
    expect(htmlToText(html, { ...opts, maxLinkDensity: 1 }).text).toContain('Related post one');
  });

  it('drops hidden elements and chrome named by class or id, but not a content wrapper that mentions a sidebar', () => {
    const html = `<body><div id="content" class="has-sidebar"><p>Kept body text.</p><div class="share-buttons">Share this</div>
      <div hidden>hidden</div><p style="display: none">invisible</p><div aria-hidden="true">aria hidden</div>
      <div role="navigation">role nav</div></div><div class="site-footer">footer by class</div></body>`;
    expect(text(html)).toBe('Kept body text.');
  });

  it('survives unclosed tags and stray closing tags', () => {
    expect(text('<body><p>one<p>two</div></span><li>three')).toBe('one\ntwo\nthree');
  });

  it('gives up past its deadline', () => {
    const html = '<div><p>text</p></div>'.repeat(200_000);
    expect(() => htmlToText(html, { ...opts, deadline: Date.now() - 1 })).toThrow(/time limit/);
  });
});

const data = (rel: string) => new URL(`../../../shared/data/${rel}`, import.meta.url).pathname;

// Expectations in the spirit of trafilatura's evaluation: phrases of the main text that must be kept,
// and navigation/boilerplate phrases (read off each page's HTML) that must go.
describe.skipIf(!existsSync(data('warc')))('htmlToText on real crawled pages', () => {
  const pages: [string, string, string[], string[]][] = [
    [
      'warc/whirlwind.warc.gz',
      'https://an.wikipedia.org/wiki/Escopete',
      ["A suya población ye de 84 habitants (2007)", "Ilesia parroquial de l'Asunción"],
      ['Ir al contenido', 'Menú principal', '32 idiomas', 'Asturianu', 'Creyar cuenta'],
    ],
    [
      'warc/sample-0000.warc.gz',
      'https://maria-antoniak.github.io/2023/07/04/notes-on-mastodon.html',
      ['Some things to know about Mastodon', 'Since writing this post'],
      ['Publications', 'Resources', 'Contact'],
    ],
    [
      'warc/sample-0000.warc.gz',
      'https://www.cs.washington.edu/people/faculty/weld',
      ['Daniel S. Weld is Professor Emeritus'],
      ['Skip to main content', 'Privacy'],
    ],
  ];
  it.each(pages)('%s %s', async (file, url, keep, drop) => {
    const docs = await collect(readWarc({ path: data(file), fileIndex: 0 }, warcSchema.parse({}), makeTestContext()));
    const doc = docs.find((d) => d.meta.url === url)!;
    const out = htmlToText(doc.text, opts);
    for (const k of keep) expect(out.text.includes(k), `keeps "${k}"`).toBe(true);
    for (const d of drop) {
      expect(doc.text.includes(d), `"${d}" is on the page`).toBe(true);
      expect(out.text.includes(d), `drops "${d}"`).toBe(false);
    }
  });
});
