// URL filter (datatrove's URLFilter): drop documents whose `meta.url` is on a blocklist (domain or full
// URL, read from a file named in the config), holds a banned word, at least `softWordThreshold` soft
// banned words, or a banned sub-word anywhere in its letters. datatrove ships curated adult-site lists;
// we ship none — the lists are the user's, given in the config.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { defineFilter, commonOptions } from './define-filter.js';

export const urlFilterSchema = z
  .object({
    blocklistFiles: z
      .array(z.string())
      .default([])
      .describe('Files (relative to the config) with one domain or URL per line; # starts a comment. A domain also blocks its subdomains'),
    domains: z.array(z.string()).default([]).describe('Blocked domains given inline'),
    urls: z.array(z.string()).default([]).describe('Blocked URLs given inline'),
    bannedWords: z.array(z.string()).default([]).describe('Drop when one is a word of the URL (URL split on non-alphanumerics)'),
    softBannedWords: z.array(z.string()).default([]).describe('Drop when softWordThreshold or more are words of the URL'),
    softWordThreshold: z.number().int().min(1).default(2).describe('How many soft banned words drop a URL'),
    bannedSubwords: z.array(z.string()).default([]).describe('Drop when one occurs anywhere in the URL with non-alphanumerics removed'),
    missingUrl: z.enum(['keep', 'drop']).default('keep').describe('What to do with documents without meta.url (counted as no_url either way)'),
    ...commonOptions,
  })
  .strict();

export type UrlFilterOptions = z.output<typeof urlFilterSchema>;

/** Parse a blocklist file: domains and URLs, one per line, # comments, blank lines ignored. */
export function parseBlocklist(text: string): { domains: string[]; urls: string[] } {
  const domains: string[] = [];
  const urls: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line) || line.includes('/')) urls.push(normalizeUrl(line));
    else domains.push(line.toLowerCase().replace(/^\*\./, '').replace(/\.$/, ''));
  }
  return { domains, urls };
}

/** Lowercase scheme and host, drop the fragment and a trailing slash; what blocklisted URLs are compared as. */
export function normalizeUrl(url: string): string {
  const s = url.trim().replace(/#.*$/, '');
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?]*)(.*)$/i.exec(s)!;
  const rest = m[3] === '/' ? '' : m[3];
  return `${(m[1] ?? '').toLowerCase()}${m[2].toLowerCase()}${rest}`;
}

export function hostOf(url: string): string | undefined {
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url.trim());
  return m && m[1] ? m[1].toLowerCase().replace(/\.$/, '') : undefined;
}

export interface UrlChecker {
  check(url: string): true | string;
}

export function urlChecker(o: UrlFilterOptions, configDir = '.'): UrlChecker {
  const domains = new Set(o.domains.map((d) => d.toLowerCase()));
  const urls = new Set(o.urls.map(normalizeUrl));
  for (const f of o.blocklistFiles) {
    const file = path.resolve(configDir, f);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`url_filter.blocklistFiles: cannot read '${file}': ${(err as Error).message}; fix the path (relative to the config file)`);
    }
    const b = parseBlocklist(text);
    for (const d of b.domains) domains.add(d);
    for (const u of b.urls) urls.add(u);
  }
  const banned = new Set(o.bannedWords.map((w) => w.toLowerCase()));
  const soft = new Set(o.softBannedWords.map((w) => w.toLowerCase()));
  const subwords = o.bannedSubwords.map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')).filter(Boolean);
  return {
    check(url) {
      const host = hostOf(url);
      if (host && domains.size) {
        // The host and every parent domain: blocking example.com blocks www.example.com.
        for (let h = host; ; ) {
          if (domains.has(h)) return 'domain';
          const dot = h.indexOf('.');
          if (dot === -1) break;
          h = h.slice(dot + 1);
        }
      }
      if (urls.size && (urls.has(normalizeUrl(url)) || urls.has(normalizeUrl(url).replace(/^[a-z]+:\/\//, '')))) return 'url';
      const lower = url.toLowerCase();
      if (banned.size || soft.size) {
        const words = new Set(lower.split(/[^\p{L}\p{N}]+/u));
        for (const w of banned) if (words.has(w)) return 'banned_word';
        let n = 0;
        for (const w of soft) if (words.has(w)) n++;
        if (soft.size && n >= o.softWordThreshold) return 'soft_banned_words';
      }
      if (subwords.length) {
        const squashed = lower.replace(/[^\p{L}\p{N}]+/gu, '');
        for (const w of subwords) if (squashed.includes(w)) return 'banned_subword';
      }
      return true;
    },
  };
}

export const urlFilter = defineFilter({
  type: 'url_filter',
  description: 'Drop documents whose URL is blocklisted (domain or URL) or holds banned words / sub-words',
  schema: urlFilterSchema,
  build(o, setup) {
    const checker = urlChecker(o, setup.configDir);
    return (doc, tools) => {
      const url = doc.meta.url;
      if (typeof url !== 'string' || url === '') {
        tools.count('no_url');
        return o.missingUrl === 'drop' ? 'no_url' : true;
      }
      return checker.check(url);
    };
  },
});
