// PII redaction (datatrove's PIIFormatter): e-mail addresses and public IPv4/IPv6 addresses are
// replaced by placeholders; private, loopback, link-local, documentation, multicast and other reserved
// addresses are left alone (they identify nobody). Optionally drops documents with too many hits (dolma).

import { isIP } from 'node:net';
import { z } from 'zod';
import { defineTransform, commonOptions, drop } from './define-filter.js';

export const piiSchema = z
  .object({
    emails: z.boolean().default(true).describe('Replace e-mail addresses'),
    ips: z.boolean().default(true).describe('Replace public IPv4 and IPv6 addresses'),
    emailReplacements: z
      .array(z.string())
      .min(1)
      .default(['email@example.com', 'firstname.lastname@example.org'])
      .describe('Placeholders used in turn for e-mail addresses (datatrove defaults)'),
    ipReplacements: z
      .array(z.string())
      .min(1)
      .default(['22.214.171.124', '126.96.36.199', '188.8.131.52', '172.16.58.3', '192.168.127.12', '172.16.31.10'])
      .describe('Placeholders used in turn for IP addresses (datatrove defaults)'),
    maxHits: z.number().int().min(0).nullable().default(null).describe('Drop documents with more PII hits than this (dolma uses 5; null: never drop)'),
    ...commonOptions,
  })
  .strict();

export type PiiOptions = z.output<typeof piiSchema>;

// datatrove's e-mail pattern (RFC 5322-ish local part, dotted domain or bracketed IP literal).
const EMAIL =
  /\b[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)\])/g;
// Not inside a longer dotted number (a version string like 1.2.3.4.5 is not an address).
const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)(?!\d|\.\d)/g;
// Candidates only; node:net decides whether it is a valid IPv6 address.
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;

function v4(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Is this IPv4 address public (Python's `is_global`, with multicast and reserved space also excluded)? */
export function isPublicIPv4(ip: string): boolean {
  const [a, b, c] = v4(ip);
  if (a === 0 || a === 10 || a === 127) return false;
  if (a === 100 && b >= 64 && b <= 127) return false; // shared address space (CGNAT)
  if (a === 169 && b === 254) return false; // link-local
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false; // IETF protocol assignments, TEST-NET-1
  if (a === 192 && b === 88 && c === 99) return false; // 6to4 relay anycast (deprecated)
  if (a === 192 && b === 168) return false;
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  if (a === 198 && b === 51 && c === 100) return false; // TEST-NET-2
  if (a === 203 && b === 0 && c === 113) return false; // TEST-NET-3
  if (a >= 224) return false; // multicast, reserved, broadcast
  return true;
}

/** Expand an IPv6 address to 8 16-bit groups (embedded IPv4 included); the input must be valid. */
function groups6(ip: string): number[] {
  let s = ip.toLowerCase();
  const tail: number[] = [];
  const m = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (m) {
    const [a, b, c, d] = v4(m[1]);
    tail.push((a << 8) | b, (c << 8) | d);
    s = s.slice(0, -m[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':').filter(Boolean).map((x) => parseInt(x, 16)) : [];
  const r = rest !== undefined && rest ? rest.split(':').filter(Boolean).map((x) => parseInt(x, 16)) : [];
  const fill = 8 - h.length - r.length - tail.length;
  return [...h, ...new Array(Math.max(0, fill)).fill(0), ...r, ...tail];
}

/** Is this IPv6 address public: global unicast 2000::/3 outside documentation and special-purpose blocks? */
export function isPublicIPv6(ip: string): boolean {
  const g = groups6(ip);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return isPublicIPv4(`${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`); // IPv4-mapped
  }
  if ((g[0] & 0xe000) !== 0x2000) return false; // not 2000::/3: loopback, ULA fc00::/7, link-local, multicast, …
  if (g[0] === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (g[0] === 0x2001 && g[1] < 0x0200) return false; // 2001::/23 IETF protocol assignments (Teredo, ORCHID, …)
  if (g[0] === 0x2002) return false; // 6to4
  if (g[0] === 0x3fff && g[1] < 0x1000) return false; // 3fff::/20 documentation
  return true;
}

export interface PiiResult {
  text: string;
  emails: number;
  ips: number;
}

/** Redact one text. Placeholders are used in turn, restarting for every document, so output never depends on order. */
export function redactPii(text: string, o: PiiOptions): PiiResult {
  let emails = 0;
  let ips = 0;
  let out = text;
  if (o.emails && out.includes('@')) {
    out = out.replace(EMAIL, () => o.emailReplacements[emails++ % o.emailReplacements.length]);
  }
  if (o.ips) {
    if (out.includes('.')) {
      out = out.replace(IPV4, (m) => (isPublicIPv4(m) ? o.ipReplacements[ips++ % o.ipReplacements.length] : m));
    }
    if (out.includes(':')) {
      out = out.replace(IPV6, (m) => (m.length > 2 && isIP(m) === 6 && isPublicIPv6(m) ? o.ipReplacements[ips++ % o.ipReplacements.length] : m));
    }
  }
  return { text: out, emails, ips };
}

export const pii = defineTransform({
  type: 'pii',
  description: 'Replace e-mail addresses and public IP addresses with placeholders (private/reserved ranges untouched)',
  schema: piiSchema,
  build(o) {
    return (doc, tools) => {
      const r = redactPii(doc.text, o);
      if (r.emails) tools.count('emails', r.emails);
      if (r.ips) tools.count('ips', r.ips);
      if (o.maxHits !== null && r.emails + r.ips > o.maxHits) return drop('too_many_hits');
      if (r.emails + r.ips) tools.count('documents_redacted');
      return r.text;
    };
  },
});
