import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { urlFilter, parseBlocklist, hostOf } from '../../pipeline/filters/url-filter.js';
import { runStage, doc } from './run-stage.js';
import { ARTICLE } from './texts.js';

const dir = mkdtempSync(path.join(tmpdir(), 'biglm-url-'));
const list = path.join(dir, 'blocklist.txt');
writeFileSync(list, '# adult and spam hosts\nbad-casino.example\n*.spam.test\nhttps://news.example.org/hidden/page.html\n\n');

async function verdict(url: string | undefined, options: Record<string, unknown> = {}): Promise<true | string> {
  const r = await runStage(urlFilter, { blocklistFiles: [list], ...options }, [doc(ARTICLE, url === undefined ? {} : { url })]);
  return r.kept.length ? true : Object.keys(r.dropped)[0];
}

describe('url_filter', () => {
  it('parses a blocklist file into domains and URLs', () => {
    expect(parseBlocklist('a.com\n# c\nhttp://b.com/x\n*.c.org\n')).toEqual({ domains: ['a.com', 'c.org'], urls: ['http://b.com/x'] });
    expect(hostOf('https://user@WWW.Example.com:8080/path?q')).toBe('www.example.com');
  });

  it('keeps ordinary URLs', async () => {
    expect(await verdict('https://www.citycouncil.example/news/library-hours')).toBe(true);
  });

  it('drops a blocked domain and its subdomains, but not a longer name ending the same way', async () => {
    expect(await verdict('http://bad-casino.example/')).toBe('url_filter:domain');
    expect(await verdict('https://www.bad-casino.example/promo')).toBe('url_filter:domain');
    expect(await verdict('https://deep.sub.spam.test/')).toBe('url_filter:domain');
    expect(await verdict('https://notbad-casino.example/')).toBe(true);
  });

  it('drops a blocked URL, whatever the case of its host or a trailing fragment', async () => {
    expect(await verdict('https://NEWS.example.org/hidden/page.html#top')).toBe('url_filter:url');
    expect(await verdict('https://news.example.org/other/page.html')).toBe(true);
  });

  it('drops banned words, soft-banned words from the threshold on, and banned sub-words', async () => {
    const o = { bannedWords: ['casino'], softBannedWords: ['free', 'bonus', 'win'], bannedSubwords: ['jackpot'] };
    expect(await verdict('https://example.com/casino-night', o)).toBe('url_filter:banned_word');
    expect(await verdict('https://example.com/casinos', o)).toBe(true); // a word, not a sub-word
    expect(await verdict('https://example.com/free-lunch', o)).toBe(true);
    expect(await verdict('https://example.com/free-bonus', o)).toBe('url_filter:soft_banned_words');
    expect(await verdict('https://example.com/megajackpotwins', o)).toBe('url_filter:banned_subword');
  });

  it('keeps (and counts) documents without a URL unless told to drop them', async () => {
    const r = await runStage(urlFilter, {}, [doc(ARTICLE)]);
    expect(r.kept).toHaveLength(1);
    expect(r.stats.stats.stages.url_filter.counters.no_url).toBe(1);
    expect(await verdict(undefined, { missingUrl: 'drop' })).toBe('url_filter:no_url');
  });

  it('names the missing blocklist file at configuration time', () => {
    expect(() =>
      urlFilter.create(urlFilter.schema.parse({ blocklistFiles: ['nope.txt'] }), { runDir: dir, stageName: 'url_filter', configDir: dir, seed: 1 }),
    ).toThrow(/nope\.txt/);
  });
});
