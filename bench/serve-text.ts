// Texts for the serve benchmark: one long pre-tokenizer piece of pseudo-random letters, slow to merge
// (≈0.3 s per 200 KB on one core), as DNA, hex blobs or minified code make them in crawls.

export function randomLetters(n: number, seed = 1): string {
  let x = seed >>> 0 || 1;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = String.fromCharCode(97 + ((x >>> 0) % 26));
  }
  return out.join('');
}
