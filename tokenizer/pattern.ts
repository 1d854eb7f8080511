// Pre-tokenization patterns: tiktoken's regexes (Rust `fancy-regex` syntax) and their exact JS twins.
//
// tiktoken splits text with a regex before BPE; to pre-tokenize in JS (for the piece cache and the BPE
// trainer) the JS regex must split exactly like tiktoken's. Three syntax gaps matter:
//  - `\s` / `\S`: Rust means Unicode White_Space; JS `\s` also matches U+FEFF and misses U+0085. We use
//    `\p{White_Space}` / `\P{White_Space}`, which is Rust's definition.
//  - `(?i:'s|...)`: inline case-insensitive groups don't exist in Node 20. Inside such a group every
//    ASCII letter becomes a class of its simple case folds (Rust folds `s` with `ſ` U+017F and `k` with
//    the Kelvin sign U+212A, so those are included).
//  - `\p{L}`, `\p{N}`, `\p{Lu}`…: same meaning with the `u` flag (Unicode tables may differ in
//    version for newly assigned characters; the golden tests run on real text).

export const CL100K_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

export const O200K_PATTERN = [
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  '\\p{N}{1,3}',
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
  '\\s*[\\r\\n]+',
  '\\s+(?!\\S)',
  '\\s+',
].join('|');

export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Named patterns a trainer can choose (`--pattern`). */
export const PATTERNS: Readonly<Record<string, string>> = {
  cl100k_base: CL100K_PATTERN,
  o200k_base: O200K_PATTERN,
};

// Extra simple case folds Rust's regex applies beyond ASCII (Unicode CaseFolding.txt, status C/S).
const EXTRA_FOLDS: Readonly<Record<string, string>> = { s: '\u017f', k: '\u212a' };

/** Translate a tiktoken (fancy-regex) pattern into JS regex source for use with the `u` flag. */
export function toJsRegexSource(pattern: string): string {
  let out = '';
  let inClass = false;
  // Depth of open groups, and the depth at which each `(?i:` group started.
  let depth = 0;
  const caseless: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 's') out += '\\p{White_Space}';
      else if (next === 'S') {
        if (inClass) throw new Error(`pattern: \\S inside a character class is not supported: ${pattern}`);
        out += '\\P{White_Space}';
      } else if (next === 'p' || next === 'P') {
        // Copy `\p{...}` whole so its letters are never case-expanded.
        const end = pattern.indexOf('}', i);
        out += pattern.slice(i, end + 1);
        i = end;
        continue;
      } else out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (pattern.startsWith('(?i:', i)) {
      depth++;
      caseless.push(depth);
      out += '(?:';
      i += 3;
      continue;
    }
    if (c === '(') {
      depth++;
      out += c;
      continue;
    }
    if (c === ')') {
      if (caseless[caseless.length - 1] === depth) caseless.pop();
      depth--;
      out += c;
      continue;
    }
    if (caseless.length > 0 && /[A-Za-z]/.test(c)) {
      const lower = c.toLowerCase();
      out += `[${lower}${lower.toUpperCase()}${EXTRA_FOLDS[lower] ?? ''}]`;
      continue;
    }
    out += c;
  }
  if (inClass || depth !== 0) throw new Error(`pattern: unbalanced class or group: ${pattern}`);
  return out;
}

/** A sticky Unicode regex that splits text exactly like tiktoken's pattern. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(toJsRegexSource(pattern), 'uy');
}

/**
 * Split `text` into pre-tokenization pieces. Every character belongs to exactly one piece; the pieces
 * concatenate back to `text` (the patterns above always match at least one character).
 */
export function* splitPieces(re: RegExp, text: string): Generator<string> {
  re.lastIndex = 0;
  while (re.lastIndex < text.length) {
    const start = re.lastIndex;
    const m = re.exec(text);
    if (m === null) throw new Error(`pattern matched nothing at offset ${start}`);
    yield m[0];
  }
}
