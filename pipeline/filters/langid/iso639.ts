// ISO 639 language codes, in the one canonical form every detector's labels and every config entry are
// turned into before they are compared: ISO 639-1 where the language has one, else ISO 639-3
// (BCP 47's rule, and what datatrove writes for lid.176). Individual languages that CLDR treats as
// their macrolanguage (cmn → zh, arb → ar, zsm → ms, pes → fa, ekk → et, swh → sw, …) take the
// macrolanguage's code, so `zh`, `zho` and `cmn` name the same language, and GlotLID's `cmn_Hani`
// meets lid.176's `zh`. Languages the detectors keep apart (yue, wuu, arz, ckb, azb, prs, …) stay apart.
//
// Tables generated from Debian's iso-codes 4.15 (iso_639-3.json: the 184 codes with a 639-1 form;
// iso_639-2.json: bibliographic codes) and CLDR 48's aliases.json (languageAlias, reason
// "macrolanguage", replacement a 639-1 code).

const ISO639_3_WITH_1 =
  'aar:aa abk:ab afr:af aka:ak amh:am ara:ar arg:an asm:as ava:av ave:ae aym:ay aze:az bak:ba bam:bm ' +
  'bel:be ben:bn bis:bi bod:bo bos:bs bre:br bul:bg cat:ca ces:cs cha:ch che:ce chu:cu chv:cv cor:kw ' +
  'cos:co cre:cr cym:cy dan:da deu:de div:dv dzo:dz ell:el eng:en epo:eo est:et eus:eu ewe:ee fao:fo ' +
  'fas:fa fij:fj fin:fi fra:fr fry:fy ful:ff gla:gd gle:ga glg:gl glv:gv grn:gn guj:gu hat:ht hau:ha ' +
  'hbs:sh heb:he her:hz hin:hi hmo:ho hrv:hr hun:hu hye:hy ibo:ig ido:io iii:ii iku:iu ile:ie ina:ia ' +
  'ind:id ipk:ik isl:is ita:it jav:jv jpn:ja kal:kl kan:kn kas:ks kat:ka kau:kr kaz:kk khm:km kik:ki ' +
  'kin:rw kir:ky kom:kv kon:kg kor:ko kua:kj kur:ku lao:lo lat:la lav:lv lim:li lin:ln lit:lt ltz:lb ' +
  'lub:lu lug:lg mah:mh mal:ml mar:mr mkd:mk mlg:mg mlt:mt mon:mn mri:mi msa:ms mya:my nau:na nav:nv ' +
  'nbl:nr nde:nd ndo:ng nep:ne nld:nl nno:nn nob:nb nor:no nya:ny oci:oc oji:oj ori:or orm:om oss:os ' +
  'pan:pa pli:pi pol:pl por:pt pus:ps que:qu roh:rm ron:ro run:rn rus:ru sag:sg san:sa sin:si slk:sk ' +
  'slv:sl sme:se smo:sm sna:sn snd:sd som:so sot:st spa:es sqi:sq srd:sc srp:sr ssw:ss sun:su swa:sw ' +
  'swe:sv tah:ty tam:ta tat:tt tel:te tgk:tg tgl:tl tha:th tir:ti ton:to tsn:tn tso:ts tuk:tk tur:tr ' +
  'twi:tw uig:ug ukr:uk urd:ur uzb:uz ven:ve vie:vi vol:vo wln:wa wol:wo xho:xh yid:yi yor:yo zha:za ' +
  'zho:zh zul:zu ';
const MACROLANGUAGE_MEMBERS =
  'als:sq arb:ar ayr:ay azj:az cls:sa cmn:zh cwd:cr ekk:et esk:ik fat:ak fuc:ff gaz:om gug:gn ike:iu ' +
  'khk:mn kmr:ku knc:kr kng:kg kpv:kv lvs:lv npi:ne ojg:oj ory:or pbu:ps pes:fa plt:mg quz:qu src:sc ' +
  'swh:sw uzn:uz ydd:yi zsm:ms zyb:za ';
const BIBLIOGRAPHIC =
  'alb:sqi arm:hye baq:eus bur:mya chi:zho cze:ces dut:nld fre:fra geo:kat ger:deu gre:ell ice:isl ' +
  'mac:mkd mao:mri may:msa per:fas rum:ron slo:slk tib:bod wel:cym ';

function table(s: string): Map<string, string> {
  return new Map(s.split(' ').filter(Boolean).map((p) => p.split(':') as [string, string]));
}

const TO_1 = table(ISO639_3_WITH_1);
const MACRO = table(MACROLANGUAGE_MEMBERS);
const B_TO_T = table(BIBLIOGRAPHIC);
const FROM_1 = new Map([...TO_1].map(([three, one]) => [one, three]));
// Withdrawn 639-1 codes some detectors and old data still emit.
const DEPRECATED_1: Record<string, string> = { iw: 'he', in: 'id', ji: 'yi', jw: 'jv', mo: 'ro' };

/** ISO 639-3 code → 639-1, for every code that has one. */
export const ISO639_3_TO_1: ReadonlyMap<string, string> = TO_1;

/**
 * The canonical code: 639-1 where one exists (also through CLDR's macrolanguage aliases), else the
 * 639-3 code as given; lowercased, with region or script subtags (`pt-BR`, `srp_Cyrl`) dropped.
 */
export function normalizeLanguage(code: string): string {
  const base = code.trim().toLowerCase().split(/[-_]/)[0];
  if (base.length === 2) return DEPRECATED_1[base] ?? base;
  const t = B_TO_T.get(base) ?? base;
  return TO_1.get(t) ?? MACRO.get(t) ?? t;
}

/** The ISO 639-3 form of a code: 639-1 codes become their 639-3 twin (zh → zho, sh → hbs, no → nor). */
export function toIso639_3(code: string): string {
  const c = normalizeLanguage(code);
  return FROM_1.get(c) ?? c;
}
