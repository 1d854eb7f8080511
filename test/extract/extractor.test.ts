import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { extractPage, type PageOptions } from '../../pipeline/extract/extractor.js';
import { readWarc, warcSchema } from '../../pipeline/readers/warc.js';
import { collect, makeTestContext } from '../helpers/context.js';

const balanced: PageOptions = { focus: 'balanced', fast: false, lead: true };
const extract = (html: string, o: Partial<PageOptions> = {}) => extractPage(html, { ...balanced, ...o });

const P1 =
  'The river rose three metres overnight, and by morning the lower town was under water. Volunteers moved furniture to upper floors while the fire brigade pumped out the cellars of the old hospital, which had flooded first.';
const P2 =
  'Officials said the dams upstream had held, but warned that more rain was expected on Thursday. Schools stayed closed, and the regional train line was suspended between the two bridges until engineers could inspect the embankments.';
const P3 =
  'Residents who lived through the flood of 1954 said this one came faster. "We had a day to prepare back then," one farmer said, standing in his yard. "This time the water was in the barn before the radio said anything."';

function article(body: string, extraHead = '', around = { before: '', after: '' }): string {
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Flood in the lower town</title>
    <meta name="description" content="The river rose three metres overnight, and by morning the lower town was under water.">${extraHead}</head>
    <body><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
    ${around.before}<article class="post">${body}</article>${around.after}
    <footer><p>© 2024 Lower Town Gazette. All rights reserved.</p></footer></body></html>`;
}

describe('extractPage', () => {
  it('keeps the article, drops menus and footers, and gives title, language and description as metadata', () => {
    const page = extract(article(`<h1>Flood in the lower town</h1><p>${P1}</p><p>${P2}</p><p>${P3}</p>`));
    expect(page.text).toBe(`Flood in the lower town\n\n${P1}\n\n${P2}\n\n${P3}`);
    expect(page).toMatchObject({ title: 'Flood in the lower town', lang: 'en-GB', description: expect.stringMatching(/^The river rose/), path: 'main' });
  });

  it('puts list items and table rows on their own lines, keeps <pre> as it is, never leaves two blank lines', () => {
    const page = extract(
      article(
        `<p>${P1}</p><ul><li>sandbags at the town hall</li><li>drinking water at the school</li></ul><p>${P2}</p>` +
          `<table><tr><th>Gauge</th><th>Level</th></tr><tr><td>Old bridge</td><td>6.1 m</td></tr><tr><td>Mill</td><td>5.4 m</td></tr></table>` +
          `<pre>level = read(gauge)\n  if level &gt; 6:\n    alarm()</pre><p></p><p>   </p><p>${P3}</p>`,
      ),
    );
    expect(page.text).toContain(`${P1}\n\nsandbags at the town hall\ndrinking water at the school\n\n${P2}`);
    expect(page.text).toContain('Gauge | Level\nOld bridge | 6.1 m\nMill | 5.4 m');
    expect(page.text).toContain('level = read(gauge)\n  if level > 6:\n    alarm()');
    expect(page.text).not.toMatch(/\n\n\n/);
  });

  it('keeps a sentence whole where a link follows a line break', () => {
    const page = extract(article(`<p>${P1}</p><p>The council published the evacuation plan<br><a href="/plan">on its website</a> late on Tuesday evening.</p><p>${P2}</p><p>${P3}</p>`));
    expect(page.text).toContain('The council published the evacuation plan\non its website late on Tuesday evening.');
  });

  it('keeps posts that a site wraps in <header> elements', () => {
    // the commoncrawl.org blog template: each post sits in <header class="section">
    const html = `<html><head><title>Blog</title></head><body><header class="site"><a href="/">Logo</a></header>
      <header class="section"><div class="container"><h2>Flood in the lower town</h2><p>${P1}</p><p>${P2}</p><p>${P3}</p></div></header>
      <footer>Footer</footer></body></html>`;
    const page = extract(html);
    expect(page.text).toContain(P1);
    expect(page.text).toContain(P3);
  });

  it('drops text that is invisible on the page', () => {
    const page = extract(
      article(
        `<p>${P1}</p><p hidden>hidden attribute</p><div style="display: none"><p>inline display none</p></div>` +
          `<p aria-hidden="true">aria hidden</p><template><p>template content</p></template><noscript><p>Please enable JavaScript</p></noscript>` +
          `<p>${P2}</p><p>${P3}</p>`,
      ),
    );
    for (const gone of ['hidden attribute', 'inline display none', 'aria hidden', 'template content', 'enable JavaScript']) expect(page.text).not.toContain(gone);
    expect(page.text).toContain(P2);
  });

  it('drops "Read more: <link>" teasers of other stories inside the article', () => {
    const page = extract(article(`<p>${P1}</p><p><em>Read more</em>: <a href="/x">Storm damage in the hills: the full list of closed roads</a></p><p>${P2}</p><p>${P3}</p>`));
    expect(page.text).not.toContain('Storm damage in the hills');
    expect(page.text).toContain(P2);
  });

  it('puts the lead first when it is visible on the page but outside the article container', () => {
    const lead = '<div class="standfirst">The river rose three metres overnight, and by morning the lower town was under water.</div>';
    const html = article(`<p>${P2}</p><p>${P3}</p><p>${P2.replace('Thursday', 'Friday')}</p>`, '', { before: lead, after: '' });
    expect(extract(html).text.startsWith('The river rose three metres overnight')).toBe(true);
    expect(extract(html, { lead: false }).text).not.toContain('three metres');
    // a description that is not on the page is never added
    const invisible = article(`<p>${P2}</p><p>${P3}</p>`).replace('The river rose three metres overnight, and by morning the lower town was under water.', 'A summary that only search engines ever see, nowhere on the page itself.');
    expect(extract(invisible).text).not.toContain('only search engines');
  });

  it('keeps more in recall mode and less in precision mode', () => {
    const html = article(
      `<header><p>${P1}</p></header><div class="text">${P2}</div><p>${P3}</p><div class="bottom-links"><p>Other stories from the lower town you may have missed this week, with pictures</p></div>`,
    );
    const precision = extract(html, { focus: 'precision', lead: false }).text;
    const recall = extract(html, { focus: 'recall', lead: false }).text;
    expect(precision).toContain(P3);
    expect(precision).not.toContain(P1); // <header> goes in precision mode
    expect(recall.length).toBeGreaterThan(precision.length);
    expect(recall).toContain(P1);
  });

  it('falls back to the whole page text when nothing looks like an article', () => {
    const page = extract('<html><body><div>Short note.</div><div>Another short note on the same page.</div></body></html>');
    expect(page.path).toBe('baseline');
    expect(page.text).toContain('Another short note');
  });

  it('keeps the posts of a forum thread (schema.org DiscussionForumPosting) that it drops as comments elsewhere', () => {
    const reply = 'Same here with the older model. The dealer swapped the whole assembly under warranty, which took three weeks, but it has been quiet ever since.';
    const ld = '<script type="application/ld+json">{"@context":"https://schema.org","@type":"DiscussionForumPosting","headline":"Noisy bearing"}</script>';
    const thread = (head: string) =>
      `<html><head><title>Noisy bearing</title>${head}</head><body><article><h1>Noisy bearing</h1><p>${P1}</p></article>` +
      `<div id="comments"><div class="post"><p>${reply}</p></div></div></body></html>`;
    expect(extract(thread(ld)).text).toContain(reply);
    expect(extract(thread('')).text).not.toContain(reply);
    // the type counts in JSON-LD only, not as a word anywhere else on the page
    expect(extract(thread('<meta name="keywords" content="DiscussionForumPosting">')).text).not.toContain(reply);
  });
});

const data = (rel: string) => new URL(`../../../shared/data/${rel}`, import.meta.url).pathname;

describe.skipIf(!existsSync(data('warc')))('extractPage on real crawled pages', () => {
  // Phrases of the main text that must be kept and navigation phrases (read off each page) that must go.
  const pages: [string, string, string[], string[]][] = [
    [
      'warc/whirlwind.warc.gz',
      'https://an.wikipedia.org/wiki/Escopete',
      ['A suya población ye de 84 habitants (2007)'],
      ['Ir al contenido', 'Menú principal', 'Asturianu', 'Creyar cuenta'],
    ],
    [
      'warc/sample-0000.warc.gz',
      'https://maria-antoniak.github.io/2023/07/04/notes-on-mastodon.html',
      ['Some things to know about Mastodon', 'Since writing this post'],
      ['Publications', 'Resources'],
    ],
    ['warc/sample-0000.warc.gz', 'https://www.cs.washington.edu/people/faculty/weld', ['Dan is an active entrepreneur', 'Dan has taught many courses'], ['Skip to main content', 'Publications']],
  ];
  it.each(pages)('%s %s', async (file, url, keep, drop) => {
    const docs = await collect(readWarc({ path: data(file), fileIndex: 0 }, warcSchema.parse({}), makeTestContext()));
    const doc = docs.find((d) => d.meta.url === url)!;
    const page = extract(doc.text);
    for (const k of keep) expect(page.text.includes(k), `keeps "${k}"`).toBe(true);
    for (const d of drop) {
      expect(doc.text.includes(d), `"${d}" is on the page`).toBe(true);
      expect(page.text.includes(d), `drops "${d}"`).toBe(false);
    }
  });

  it('finds text on every HTML page of the wget WARC', async () => {
    const docs = await collect(readWarc({ path: data('warc/sample-0000.warc.gz'), fileIndex: 0 }, warcSchema.parse({}), makeTestContext()));
    const html = docs.filter((d) => d.meta.content_format === 'html');
    expect(html.length).toBe(22);
    for (const d of html) expect(extract(d.text).text.length, String(d.meta.url)).toBeGreaterThan(300);
  });
});
