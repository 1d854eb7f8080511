// The `ensemble` detector: fastText's lid.176 for coverage (176 languages) and ELD where it measured
// better (close languages it splits more reliably — Croatian / Serbian, Bokmål / Danish, Slovak / Czech,
// Malay / Indonesian, and Yoruba, which lid.176 mistakes for Irish). Both run on every document; the
// answer is lid.176's unless the pair (lid.176's answer, ELD's answer) is in ELD_OVERRIDES, fitted on
// the dev rows (ensemble-fit.ts). docs/langid.md has the accuracy on the held-out rows.
//
// The score stays a lid.176 probability, so FineWeb's threshold keeps its meaning:
// - lid.176's answer: its probability, halved when ELD knows that language and still answered another
//   (the two disagree on a language both know: on the held-out rows this lowers how often a language
//   neither knows scores above 0.65 from 8.8 % to 7.4 % of rows, while more right answers pass it);
// - ELD's answer: lid.176's probability that it is either of the two (its choice within the pair is
//   ELD's, measured better).

import type { Detection, LanguageDetector } from './detection.js';
import { ELD_OVERRIDES } from './ensemble-table.js';

/** lid.176 probabilities below this are not asked for: they change no score by more than this. */
const SMALLEST = 0.01;

export function ensembleDetector(fastText: LanguageDetector, eld: LanguageDetector, overrides: ReadonlySet<string> = new Set(ELD_OVERRIDES.split(' ').filter(Boolean))): LanguageDetector {
  const eldKnows = new Set(eld.languages);
  return {
    name: `ensemble(${fastText.name}+${eld.name})`,
    languages: [...new Set([...fastText.languages, ...eld.languages])].sort(),
    detect(text: string, minScore = 1): Detection {
      const a = fastText.detect(text, Math.min(minScore, SMALLEST));
      const b = eld.detect(text);
      const scores = { ...a.scores };
      if (b.language && b.language !== a.language) {
        if (overrides.has(`${a.language}>${b.language}`)) {
          const score = Math.min(1, a.score + (a.scores[b.language] ?? 0));
          scores[b.language] = score;
          delete scores[a.language]; // the ensemble ruled it out: an allow-list must not keep the document for it
          return { language: b.language, score, scores }; // script: from the text
        }
        if (eldKnows.has(a.language)) scores[a.language] = a.score / 2;
      }
      return { language: a.language, score: scores[a.language], script: a.script, scores };
    },
  };
}
