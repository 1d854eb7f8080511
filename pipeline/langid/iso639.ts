// ISO 639 language codes: 639-3 (and the common individual languages of macrolanguages, e.g. cmn → zh,
// arb → ar, nob → nb) to 639-1 where one exists. Generated from Debian's iso-codes (iso_639-3.json),
// macrolanguage members added by hand. Used to store `meta.language` as 639-1 where possible, else 639-3,
// and to accept either form in configs.

export const ISO639_3_TO_1: Readonly<Record<string, string>> = {
  aar: 'aa', abk: 'ab', afr: 'af', aka: 'ak', als: 'sq', amh: 'am', ara: 'ar', arb: 'ar', arg: 'an', ary: 'ar',
  arz: 'ar', asm: 'as', ava: 'av', ave: 'ae', aym: 'ay', azb: 'az', aze: 'az', azj: 'az', bak: 'ba', bam: 'bm',
  bel: 'be', ben: 'bn', bis: 'bi', bod: 'bo', bos: 'bs', bre: 'br', bul: 'bg', cat: 'ca', ces: 'cs', cha: 'ch',
  che: 'ce', chu: 'cu', chv: 'cv', ckb: 'ku', cmn: 'zh', cor: 'kw', cos: 'co', cre: 'cr', cym: 'cy', dan: 'da',
  deu: 'de', div: 'dv', dzo: 'dz', ekk: 'et', ell: 'el', eng: 'en', epo: 'eo', est: 'et', eus: 'eu', ewe: 'ee',
  fao: 'fo', fas: 'fa', fij: 'fj', fil: 'tl', fin: 'fi', fra: 'fr', fry: 'fy', ful: 'ff', gaz: 'om', gla: 'gd',
  gle: 'ga', glg: 'gl', glv: 'gv', grn: 'gn', guj: 'gu', hat: 'ht', hau: 'ha', hbs: 'sh', heb: 'he', her: 'hz',
  hin: 'hi', hmo: 'ho', hrv: 'hr', hun: 'hu', hye: 'hy', ibo: 'ig', ido: 'io', iii: 'ii', iku: 'iu', ile: 'ie',
  ina: 'ia', ind: 'id', ipk: 'ik', isl: 'is', ita: 'it', jav: 'jv', jpn: 'ja', kal: 'kl', kan: 'kn', kas: 'ks',
  kat: 'ka', kau: 'kr', kaz: 'kk', khk: 'mn', khm: 'km', kik: 'ki', kin: 'rw', kir: 'ky', kmr: 'ku', knc: 'kr',
  kom: 'kv', kon: 'kg', kor: 'ko', kua: 'kj', kur: 'ku', lao: 'lo', lat: 'la', lav: 'lv', lim: 'li', lin: 'ln',
  lit: 'lt', ltz: 'lb', lub: 'lu', lug: 'lg', lvs: 'lv', mah: 'mh', mal: 'ml', mar: 'mr', mkd: 'mk', mlg: 'mg',
  mlt: 'mt', mon: 'mn', mri: 'mi', msa: 'ms', mya: 'my', nau: 'na', nav: 'nv', nbl: 'nr', nde: 'nd', ndo: 'ng',
  nep: 'ne', nld: 'nl', nno: 'nn', nob: 'nb', nor: 'no', npi: 'ne', nya: 'ny', oci: 'oc', oji: 'oj', ori: 'or',
  orm: 'om', ory: 'or', oss: 'os', pan: 'pa', pbt: 'ps', pes: 'fa', pli: 'pi', plt: 'mg', pol: 'pl', por: 'pt',
  prs: 'fa', pus: 'ps', que: 'qu', quy: 'qu', quz: 'qu', roh: 'rm', ron: 'ro', run: 'rn', rus: 'ru', sag: 'sg',
  san: 'sa', sin: 'si', slk: 'sk', slv: 'sl', sme: 'se', smo: 'sm', sna: 'sn', snd: 'sd', som: 'so', sot: 'st',
  spa: 'es', sqi: 'sq', srd: 'sc', srp: 'sr', ssw: 'ss', sun: 'su', swa: 'sw', swe: 'sv', swh: 'sw', tah: 'ty',
  tam: 'ta', tat: 'tt', tel: 'te', tgk: 'tg', tgl: 'tl', tha: 'th', tir: 'ti', ton: 'to', tsn: 'tn', tso: 'ts',
  tuk: 'tk', tur: 'tr', twi: 'tw', uig: 'ug', ukr: 'uk', urd: 'ur', uzb: 'uz', uzn: 'uz', ven: 've', vie: 'vi',
  vol: 'vo', wln: 'wa', wol: 'wo', wuu: 'zh', xho: 'xh', ydd: 'yi', yid: 'yi', yor: 'yo', yue: 'zh', zha: 'za',
  zho: 'zh', zlm: 'ms', zsm: 'ms', zul: 'zu',
};

const ISO639_1 = new Set(Object.values(ISO639_3_TO_1));

/** Normalize a language code: 639-1 where one exists, else the code as given (lowercased, region/script dropped). */
export function normalizeLanguage(code: string): string {
  const base = code.trim().toLowerCase().split(/[-_]/)[0];
  if (base.length === 3) return ISO639_3_TO_1[base] ?? base;
  // Deprecated 639-1 codes some detectors still emit.
  if (base === 'iw') return 'he';
  if (base === 'in') return 'id';
  if (base === 'ji') return 'yi';
  if (base === 'jw') return 'jv';
  return base;
}

export function isIso639_1(code: string): boolean {
  return ISO639_1.has(code);
}
