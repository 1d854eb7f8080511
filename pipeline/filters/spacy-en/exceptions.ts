// The special cases ("tokenizer exceptions") of spaCy's English tokenizer and its URL pattern, ported from
// spaCy 3.8 `spacy/lang/tokenizer_exceptions.py` (BASE_EXCEPTIONS, URL_PATTERN) and
// `spacy/lang/en/tokenizer_exceptions.py` (MIT licence, Explosion AI). Only the token texts (ORTH) matter
// for word counts, so the NORM values are left out. The tables are built by the same loops as spaCy's,
// then `spacy.util.update_exc` adds a copy of every entry with ’ for ' (expand_exc).

import { ALPHA_LOWER } from './char-classes.js';

/** Special case → its tokens (their concatenation is the key). */
export type Exceptions = Map<string, readonly string[]>;

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function baseExceptions(exc: Exceptions): void {
  for (const orth of [' ', '\t', '\\t', '\n', '\\n', '\u2014', '\u00a0']) exc.set(orth, [orth]);
  for (const orth of ["'", '\\")', '<space>', "''", 'C++']) exc.set(orth, [orth]);
  for (const letter of 'abcdefghijklmnopqrstuvwxyzäöü') exc.set(`${letter}.`, [`${letter}.`]);
  for (const orth of EMOTICONS.trim().split(/\s+/)) exc.set(orth, [orth]);
  for (const u of 'cfkCFK') exc.set(`°${u}.`, ['°', u, '.']);
}

const EMOTICONS = String.raw`
:) :-) :)) :-)) :))) :-))) (: (-: =) (= :] :-] [: [-: [= =] :o) (o: :} :-} 8) 8-) (-8 ;) ;-) (; (-; :( :-(
:(( :-(( :((( :-((( ): )-: =( >:( :') :'-) :'( :'-( :/ :-/ =/ =| :| :-| ]= =[ :1 :P :-P :p :-p :O :-O :o :-o
:0 :-0 :() >:o :* :-* :3 :-3 =3 :> :-> :X :-X :x :-x :D :-D ;D ;-D =D xD XD xDD XDD 8D 8-D ^_^ ^__^ ^___^ >.<
>.> <.< ._. ;_; -_- -__- v.v V.V v_v V_V o_o o_O O_o O_O 0_o o_0 0_0 o.O O.o O.O o.o 0.0 o.0 0.o @_@ <3 <33
<333 </3 (^_^) (-_-) (._.) (>_<) (*_*) (¬_¬) ಠ_ಠ ಠ︵ಠ (ಠ_ಠ) ¯\(ツ)/¯ (╯°□°）╯︵┻━┻ ><(((*>
`;

/** Words that look like contractions but are words (spaCy's `_exclude`). */
const EXCLUDE = ['Ill', 'ill', 'Its', 'its', 'Hell', 'hell', 'Shell', 'shell', 'Shed', 'shed', 'were', 'Were', 'Well', 'well', 'Whore', 'whore'];

function englishExceptions(exc: Exceptions): void {
  const add = (...parts: string[]) => exc.set(parts.join(''), parts);
  const cased = (w: string) => [w, title(w)];
  for (const orth of cased('i')) {
    add(orth, "'m"); add(orth, 'm'); add(orth, "'m", 'a'); add(orth, 'm', 'a');
  }
  for (const pron of ['i', 'you', 'he', 'she', 'it', 'we', 'they']) {
    for (const orth of cased(pron)) {
      add(orth, "'ll"); add(orth, 'll'); add(orth, "'ll", "'ve"); add(orth, 'll', 've');
      add(orth, "'d"); add(orth, 'd'); add(orth, "'d", "'ve"); add(orth, 'd', 've');
    }
  }
  for (const pron of ['i', 'you', 'we', 'they']) for (const orth of cased(pron)) { add(orth, "'ve"); add(orth, 've'); }
  for (const pron of ['you', 'we', 'they']) for (const orth of cased(pron)) { add(orth, "'re"); add(orth, 're'); }
  for (const pron of ['he', 'she', 'it']) for (const orth of cased(pron)) { add(orth, "'s"); add(orth, 's'); }
  // W-words, relative pronouns, prepositions: singular ones take 's, plural ones 're and 've.
  const wWords: [string, 'sing' | 'plur' | null][] = [
    ['who', null], ['what', null], ['when', null], ['where', null], ['why', null], ['how', null], ['there', null],
    ['that', 'sing'], ['this', 'sing'], ['these', 'plur'], ['those', 'plur'],
  ];
  for (const [word, number] of wWords) {
    for (const orth of cased(word)) {
      if (number !== 'plur') { add(orth, "'s"); add(orth, 's'); }
      add(orth, "'ll"); add(orth, 'll'); add(orth, "'ll", "'ve"); add(orth, 'll', 've');
      if (number !== 'sing') { add(orth, "'re"); add(orth, 're'); add(orth, "'ve"); add(orth, 've'); }
      add(orth, "'d"); add(orth, 'd'); add(orth, "'d", "'ve"); add(orth, 'd', 've');
    }
  }
  for (const verb of ['ca', 'could', 'do', 'does', 'did', 'had', 'may', 'might', 'must', 'need', 'ought', 'sha', 'should', 'wo', 'would']) {
    for (const orth of cased(verb)) { add(orth, "n't"); add(orth, 'nt'); add(orth, "n't", "'ve"); add(orth, 'nt', 've'); }
  }
  for (const verb of ['could', 'might', 'must', 'should', 'would']) for (const orth of cased(verb)) { add(orth, "'ve"); add(orth, 've'); }
  for (const verb of ['ai', 'are', 'is', 'was', 'were', 'have', 'has', 'dare']) for (const orth of cased(verb)) { add(orth, "n't"); add(orth, 'nt'); }
  // Contractions with a trailing apostrophe, and with a leading one.
  for (const word of ['doin', 'goin', 'nothin', 'nuthin', 'ol', 'somethin']) for (const orth of cased(word)) { add(orth); add(`${orth}'`); }
  for (const word of ['em', 'll', 'nuff']) { add(word); add(`'${word}`); }
  for (let h = 1; h <= 12; h++) for (const period of ['a.m.', 'am', 'p.m.', 'pm']) add(`${h}`, period);
  const other: string[][] = [
    ["y'", 'all'], ['y', 'all'], ['how', "'d", "'y"], ['How', "'d", "'y"], ['not', "'ve"], ['not', 've'], ['Not', "'ve"], ['Not', 've'],
    ['can', 'not'], ['Can', 'not'], ['gon', 'na'], ['Gon', 'na'], ['got', 'ta'], ['Got', 'ta'], ['let', "'s"], ['Let', "'s"],
    ["c'm", 'on'], ["C'm", 'on'],
  ];
  for (const parts of other) add(...parts);
  for (const orth of WHOLE) add(orth);
  for (const orth of EXCLUDE) exc.delete(orth);
}

/** Entries that stay one token: contractions, abbreviations, US state abbreviations, months, titles. */
const WHOLE = [
  "'S", "'s", '\u2018S', '\u2018s', 'and/or', 'w/o', "'re", "'Cause", "'cause", "'cos", "'Cos", "'coz", "'Coz", "'cuz", "'Cuz",
  "'bout", "ma'am", "Ma'am", "o'clock", "O'clock", "lovin'", "Lovin'", 'lovin', 'Lovin', "havin'", "Havin'", 'havin', 'Havin',
  "doin'", "Doin'", 'doin', 'Doin', "goin'", "Goin'", 'goin', 'Goin', 'Mt.', 'Ak.', 'Ala.', 'Apr.', 'Ariz.', 'Ark.', 'Aug.',
  'Calif.', 'Colo.', 'Conn.', 'Dec.', 'Del.', 'Feb.', 'Fla.', 'Ga.', 'Ia.', 'Id.', 'Ill.', 'Ind.', 'Jan.', 'Jul.', 'Jun.',
  'Kan.', 'Kans.', 'Ky.', 'La.', 'Mar.', 'Mass.', 'Mich.', 'Minn.', 'Miss.', 'N.C.', 'N.D.', 'N.H.', 'N.J.', 'N.M.', 'N.Y.',
  'Neb.', 'Nebr.', 'Nev.', 'Nov.', 'Oct.', 'Okla.', 'Ore.', 'Pa.', 'S.C.', 'Sep.', 'Sept.', 'Tenn.', 'Va.', 'Wash.', 'Wis.',
  "'d", 'a.m.', 'Adm.', 'Bros.', 'co.', 'Co.', 'Corp.', 'D.C.', 'Dr.', 'e.g.', 'E.g.', 'E.G.', 'Gen.', 'Gov.', 'i.e.', 'I.e.',
  'I.E.', 'Inc.', 'Jr.', 'Ltd.', 'Md.', 'Messrs.', 'Mo.', 'Mont.', 'Mr.', 'Mrs.', 'Ms.', 'p.m.', 'Ph.D.', 'Prof.', 'Rep.', 'Rev.',
  'Sen.', 'St.', 'vs.', 'v.s.',
];

/** spaCy's English special cases: base, English, then every entry again with ’ in place of ' (update_exc). */
export function englishSpecialCases(): Exceptions {
  const exc: Exceptions = new Map();
  baseExceptions(exc);
  englishExceptions(exc);
  for (const [key, parts] of [...exc]) {
    if (key.includes("'")) exc.set(key.replaceAll("'", '’'), parts.map((p) => p.replaceAll("'", '’')));
  }
  return exc;
}

// URL_PATTERN of spacy/lang/tokenizer_exceptions.py (after Diego Perini's, MIT), in JavaScript syntax:
// Python's Unicode \d, \w and \S spelled out (\p{Nd}, [\p{L}\p{N}_], not one of str.isspace's characters).
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const NOT_SPACE = `[^${PY_SPACE}]`;
const D = '\\p{Nd}';
const urlPattern = (withUserInfo: boolean) =>
  '^' +
  '(?:(?:[\\p{L}\\p{N}_\\+\\-\\.]{2,})://)?' +
  (withUserInfo ? `(?:${NOT_SPACE}+(?::${NOT_SPACE}*)?@)?` : '') +
  '(?:' +
  `(?!(?:10|127)(?:\\.${D}{1,3}){3})` +
  `(?!(?:169\\.254|192\\.168)(?:\\.${D}{1,3}){2})` +
  `(?!172\\.(?:1[6-9]|2${D}|3[0-1])(?:\\.${D}{1,3}){2})` +
  `(?:[1-9]${D}?|1${D}${D}|2[01]${D}|22[0-3])` +
  `(?:\\.(?:1?${D}{1,2}|2[0-4]${D}|25[0-5])){2}` +
  `(?:\\.(?:[1-9]${D}?|1${D}${D}|2[0-4]${D}|25[0-4]))` +
  '|' +
  '(?:(?:[A-Za-z0-9\\u00a1-\\uffff][A-Za-z0-9\\u00a1-\\uffff_-]{0,62})?[A-Za-z0-9\\u00a1-\\uffff]\\.)+' +
  `(?:[${ALPHA_LOWER}]{2,63})` +
  ')' +
  `(?::${D}{2,5})?` +
  `(?:[/?#]${NOT_SPACE}*)?` +
  '$';

/** The URL pattern as spaCy writes it. */
export const URL_SOURCE = urlPattern(true);
/**
 * Without the optional `user:pass@` part, for strings holding no '@': the same matches (that part needs an
 * '@'), without its backtracking, which is quadratic on a long string.
 */
const URL = new RegExp(URL_SOURCE, 'u');
const URL_NO_AT = new RegExp(urlPattern(false), 'u');

/** spaCy's url_match: does the whole string look like a URL (or a domain, an e-mail address)? */
export function isUrl(s: string): boolean {
  // Both alternatives (an IPv4 address, host names with a TLD) need a '.'.
  if (!s.includes('.')) return false;
  return (s.includes('@') ? URL : URL_NO_AT).test(s);
}
