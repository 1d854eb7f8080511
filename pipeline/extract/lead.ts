// The article's lead (standfirst): pages name it in <meta name=description> / og:description, and most
// show it above the body, outside the container the main extractor picks, so it is lost. When the
// description is visible on the page and missing from the extraction, the visible block holding it is
// put first. Text that is only in the <meta> (invisible on the page) is never added.

import { type El, TextLengths, iter, makeEl, textContent } from './dom.js';
import { trim } from './text.js';

const MIN_LEAD = 50;

/** The description without a trailing ellipsis, whitespace collapsed; '' when too short to trust. */
function leadKey(description: string): string {
  const d = trim(description).replace(/(\.\.\.|…)\s*$/u, '').trim();
  return d.length >= MIN_LEAD ? d : '';
}

function longestWord(key: string): string {
  let best = '';
  for (const w of key.split(' ')) if (w.length > best.length) best = w;
  return best;
}

/**
 * The text of the smallest visible block holding the description, or '' when the page does not show it.
 * `visible` is the cleaned page (head, scripts, hidden parts removed); it is not modified.
 */
export function visibleLead(visible: El, description: string): string {
  const key = leadKey(description);
  if (!key) return '';
  // every run of non-space characters of the key stands as it is in the raw text: when the longest is
  // missing (half of the pages), the page does not show the key and collapsing its text is not needed
  const raw = textContent(visible);
  if (!raw.includes(longestWord(key)) || !trim(raw).includes(key)) return '';
  // only blocks of about the lead's size can be its block: test those, smallest first wins
  const lengths = new TextLengths(visible);
  const maxLen = 3 * key.length + 200;
  let best = '';
  for (const el of iter(visible)) {
    const n = lengths.get(el);
    if (n < key.length || n > maxLen || (best && n >= best.length)) continue;
    const t = trim(textContent(el));
    if (t.includes(key)) best = t;
  }
  return best || key;
}

/** A <p> for the lead when the extracted text lacks it. */
export function leadParagraph(lead: string, extracted: string): El | null {
  if (!lead || trim(extracted).includes(lead)) return null;
  const p = makeEl('p');
  p.text = lead;
  return p;
}
