// The writing system of a text as an ISO 15924 code (Latn, Cyrl, Arab, Hani, Jpan, …): the script of
// most of its letters, by Unicode's Script property. Stored in `meta.language_script` (datatrove's key
// for GlotLID, whose labels carry it: `srp_Cyrl`); for detectors whose labels do not, it comes from here.
//
// Japanese is `Jpan` (kana with or without kanji) and Korean `Hang` (hangul, with or without hanja), as
// GlotLID labels them; Chinese is `Hani`. Text without letters is `Zyyy` (Unicode's "Common").
//
// Each code point's script is found once per process by testing the `\p{Script=…}` regexes of the
// engine's Unicode tables (most frequent scripts first) and cached in a typed array, so a document
// costs one array read per character.

// Frequent scripts first: the first lookup of a code point stops at its script.
const FREQUENT = 'Latn Cyrl Arab Hani Hira Kana Hang Deva Beng Grek Hebr Thai Taml Telu Knda Mlym Gujr Guru Orya Sinh Mymr Khmr Laoo Tibt Geor Armn Ethi Thaa Syrc Mong Tfng Cher Cans Nkoo Yiii Vaii Copt Goth Xsux';
const REST =
  'Adlm Aghb Ahom Armi Avst Bali Bamu Bass Batk Bhks Bopo Brah Brai Bugi Buhd Cakm Cari Cham Chrs Cpmn Cprt Diak Dogr ' +
  'Dsrt Dupl Egyp Elba Elym Glag Gong Gonm Gran Hano Hatr Hluw Hmng Hmnp Hung Ital Java Kali Kawi Khar Khoj Kits Kthi ' +
  'Lana Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Modi Mroo Mtei Mult Nagm Nand ' +
  'Narb Nbat Newa Nshu Ogam Olck Orkh Osge Osma Ougr Palm Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr ' +
  'Sarb Saur Sgnw Shaw Shrd Sidd Sind Sogd Sogo Sora Sund Sylo Tagb Takr Tale Talu Tang Tavt Tglg Tirh Toto Ugar Vith ' +
  'Wara Wcho Xpeo Yezi Zanb';

/** Scripts this engine's Unicode tables know, in lookup order. */
export const SCRIPTS: readonly string[] = `${FREQUENT} ${REST}`.split(' ').filter((code) => {
  try {
    new RegExp(`\\p{Script=${code}}`, 'u');
    return true;
  } catch {
    return false; // a script newer than this engine's Unicode version: its letters count as no script
  }
});

const PATTERNS = SCRIPTS.map((code) => new RegExp(`^\\p{Script=${code}}$`, 'u'));
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const CACHED_UP_TO = 0x32400; // through CJK extension H; rarer planes are looked up every time
const UNKNOWN = 0;
const NONE = 1; // not a letter or mark, or Common / Inherited
const cache = new Uint8Array(CACHED_UP_TO);

function lookup(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (!LETTER_OR_MARK.test(ch)) return NONE;
  for (let i = 0; i < PATTERNS.length; i++) if (PATTERNS[i].test(ch)) return i + 2;
  return NONE;
}

/** Index into SCRIPTS of a code point's script, or -1 (no letter, or Common / Inherited). */
export function scriptIndexOf(cp: number): number {
  if (cp >= CACHED_UP_TO) return lookup(cp) - 2;
  let s = cache[cp];
  if (s === UNKNOWN) cache[cp] = s = lookup(cp);
  return s - 2;
}

const HANI = SCRIPTS.indexOf('Hani');
const HIRA = SCRIPTS.indexOf('Hira');
const KANA = SCRIPTS.indexOf('Kana');
const HANG = SCRIPTS.indexOf('Hang');

/** The ISO 15924 code of the script most letters of `text` are written in (`Zyyy` when none is). */
export function dominantScript(text: string): string {
  const counts = new Int32Array(SCRIPTS.length);
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80 && !((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a)) continue; // ASCII that is no letter
    const s = scriptIndexOf(cp);
    if (s >= 0) {
      counts[s]++;
      letters++;
    }
  }
  if (letters === 0) return 'Zyyy';
  // Japanese mixes kanji and kana, Korean may mix hanja into hangul: they count as one writing system.
  // A stray kana or hangul letter in Chinese text (の in a Taiwanese shop name) does not make it so:
  // kana, or hangul, must be at least a tenth of the group.
  const kana = counts[HIRA] + counts[KANA];
  const japanese = kana * 10 >= kana + counts[HANI] ? kana + counts[HANI] : 0;
  const korean = counts[HANG] * 10 >= counts[HANG] + counts[HANI] ? counts[HANG] + counts[HANI] : 0;
  let best = 0;
  for (let s = 1; s < counts.length; s++) if (counts[s] > counts[best]) best = s;
  const top = counts[best];
  if (japanese > 0 && japanese >= top && japanese >= korean) return 'Jpan';
  if (korean > 0 && korean >= top) return 'Hang';
  return SCRIPTS[best];
}
