import { describe, it, expect } from 'vitest';
import { englishTokenize } from '../../pipeline/filters/spacy-en/tokenizer.js';
import { englishSentences } from '../../pipeline/filters/spacy-en/sentencizer.js';
import { TokenBuffer } from '../../pipeline/filters/words.js';

// Every expected list below is what datatrove's English word tokenizer gives (spaCy 3.8,
// `spacy.blank("en")`, whitespace tokens stripped as datatrove's word_tokenize strips them), pasted as is.

function words(text: string): string[] {
  const buf = new TokenBuffer();
  englishTokenize(text, 0, text.length, buf);
  return Array.from({ length: buf.n }, (_, k) => text.slice(buf.start[k], buf.end[k]));
}

describe("the English word tokenizer splits as spaCy's English tokenizer does", () => {
  it("numbers stay whole (3.50, 1,000, 10:30); ranges, units and percent split", () => {
    expect(words("It costs $3.50, or 1,000 yen at 10:30.")).toEqual(["It", "costs", "$", "3.50", ",", "or", "1,000", "yen", "at", "10:30", "."]);
    expect(words("Call 555-1234 or +44 20 7946 0958.")).toEqual(["Call", "555", "-", "1234", "or", "+44", "20", "7946", "0958", "."]);
    expect(words("Up 12.5% to 3,400km in 2019-2020.")).toEqual(["Up", "12.5", "%", "to", "3,400", "km", "in", "2019", "-", "2020", "."]);
    expect(words("The 1990s saw 2nd and 3rd places; 1/2 of them.")).toEqual(["The", "1990s", "saw", "2nd", "and", "3rd", "places", ";", "1/2", "of", "them", "."]);
  });

  it("contractions split as spaCy splits them (do n't, I 'm, gon na)", () => {
    expect(words("Don't, can't, won't: I'm sure you'll see.")).toEqual(["Do", "n't", ",", "ca", "n't", ",", "wo", "n't", ":", "I", "'m", "sure", "you", "'ll", "see", "."]);
    expect(words("It's John's dog, isn't it?")).toEqual(["It", "'s", "John", "'s", "dog", ",", "is", "n't", "it", "?"]);
    expect(words("We'd've gone, y'all. Gonna? Cannot!")).toEqual(["We", "'d", "'ve", "gone", ",", "y'", "all", ".", "Gon", "na", "?", "Can", "not", "!"]);
    expect(words("They’re here — it’s fine.")).toEqual(["They", "’re", "here", "—", "it", "’s", "fine", "."]);
  });

  it("abbreviations and initials keep their full stops (U.S., e.g., Mr., p.m.)", () => {
    expect(words("The U.S. and U.K. met e.g. in Washington, D.C. on Jan. 5.")).toEqual(["The", "U.S.", "and", "U.K.", "met", "e.g.", "in", "Washington", ",", "D.C.", "on", "Jan.", "5", "."]);
    expect(words("Mr. Smith, Dr. Jones and Prof. Lee vs. the Inc.")).toEqual(["Mr.", "Smith", ",", "Dr.", "Jones", "and", "Prof.", "Lee", "vs.", "the", "Inc."]);
    expect(words("At 5 p.m. or 7am, i.e. later.")).toEqual(["At", "5", "p.m.", "or", "7", "am", ",", "i.e.", "later", "."]);
    expect(words("The U.S.A. is big. A. B. Smith.")).toEqual(["The", "U.S.A.", "is", "big", ".", "A.", "B.", "Smith", "."]);
  });

  it("slashes split between letters, except and/or, w/o and number pairs", () => {
    expect(words("and/or, w/o, either/or, km/h and 24/7.")).toEqual(["and/or", ",", "w/o", ",", "either", "/", "or", ",", "km", "/", "h", "and", "24/7", "."]);
  });

  it("URLs stay one token, trailing punctuation split off", () => {
    expect(words("See https://example.com/path?q=1&r=2, or www.example.org.")).toEqual(["See", "https://example.com/path?q=1&r=2", ",", "or", "www.example.org", "."]);
    expect(words("Visit http://a.b.co.uk/x_(y) now.")).toEqual(["Visit", "http://a.b.co.uk/x_(y", ")", "now", "."]);
    expect(words("Go to example.com/docs.")).toEqual(["Go", "to", "example.com/docs", "."]);
  });

  it("e-mail addresses stay one token", () => {
    expect(words("Mail jane.doe@example.com or <bob@mail.example.org>.")).toEqual(["Mail", "jane.doe@example.com", "or", "<", "bob@mail.example.org", ">", "."]);
    expect(words("Write to info@biglm.dev!")).toEqual(["Write", "to", "info@biglm.dev", "!"]);
  });

  it("hyphens between letters split; dashes and hyphen runs are tokens", () => {
    expect(words("A well-known, state-of-the-art 3-D model.")).toEqual(["A", "well", "-", "known", ",", "state", "-", "of", "-", "the", "-", "art", "3", "-", "D", "model", "."]);
    expect(words("Pre- and post-war -- both --- fine.")).toEqual(["Pre-", "and", "post", "-", "war", "--", "both", "---", "fine", "."]);
    expect(words("Rock–paper—scissors.")).toEqual(["Rock", "–", "paper", "—", "scissors", "."]);
  });

  it("quotes come off words, straight and curly", () => {
    expect(words("He said \"hello\" and 'bye'.")).toEqual(["He", "said", "\"", "hello", "\"", "and", "'", "bye", "'", "."]);
    expect(words("“Smart quotes” and ‘single’ ones.")).toEqual(["“", "Smart", "quotes", "”", "and", "‘", "single", "’", "ones", "."]);
    expect(words("«Bonjour», she said. ``Old style''")).toEqual(["«", "Bonjour", "»", ",", "she", "said", ".", "`", "`", "Old", "style", "''"]);
  });

  it("ellipses are one token; ?! splits", () => {
    expect(words("Wait... what?! Really…")).toEqual(["Wait", "...", "what", "?", "!", "Really", "…"]);
    expect(words("So.... many.. dots.")).toEqual(["So", "....", "many", "..", "dots", "."]);
    expect(words("(see above)...")).toEqual(["(", "see", "above", ")", "..."]);
  });

  it("emoji and emoticons are tokens of their own", () => {
    expect(words("Great 🙂 job 👍🏽! Fire🔥here.")).toEqual(["Great", "🙂", "job", "👍", "🏽", "!", "Fire", "🔥", "here", "."]);
    expect(words("Love it :) :-( ;) <3")).toEqual(["Love", "it", ":)", ":-(", ";)", "<3"]);
    expect(words("¯\\_(ツ)_/¯ shrug")).toEqual(["¯\\_(ツ)_/¯", "shrug"]);
  });

  it("punctuation runs split into one token per mark", () => {
    expect(words("End.) Start (middle) [note] {x}.")).toEqual(["End", ".", ")", "Start", "(", "middle", ")", "[", "note", "]", "{", "x", "}", "."]);
    expect(words("Yes!!! No??? Ok?!")).toEqual(["Yes", "!", "!", "!", "No", "?", "?", "?", "Ok", "?", "!"]);
    expect(words("Items: a; b; c.")).toEqual(["Items", ":", "a", ";", "b", ";", "c."]);
    expect(words("Price: £5, €10, ¥100.")).toEqual(["Price", ":", "£", "5", ",", "€", "10", ",", "¥", "100", "."]);
  });
  it('merges special cases spelled across affix tokens, unless a longer match across a space came first', () => {
    expect(words('x:)')).toEqual(['x', ':)']);
    expect(words('Im.')).toEqual(['I', 'm.']);
    expect(words('foo/e.g.')).toEqual(['foo', '/', 'e.g.']);
    // "' '" (the special case '') is matched first and blocks "'em", though it changes nothing itself.
    expect(words(`chousin' 'em".`)).toEqual(['chousin', "'", "'", 'em', '"', '.']);
    expect(words("a''em")).toEqual(["a''em"]);
  });

  it('gives no token for whitespace of any kind, and only counts within the range asked for', () => {
    expect(words(' \t\n  a\u00a0b\u2003c \r\n')).toEqual(['a', 'b', 'c']);
    const buf = new TokenBuffer();
    englishTokenize('skip this. Count (these)', 11, 24, buf);
    expect(buf.n).toBe(4);
  });
});

describe("the English sentence count is datatrove's split_into_sentences", () => {
  it('starts a sentence after a final mark, at the next token that is not punctuation', () => {
    expect(englishSentences('One here. Two here! Three? And a fourth')).toBe(4);
    expect(englishSentences('Version 2.5 is out.')).toBe(1);
    expect(englishSentences('Mr. Smith went to Washington. He came back.')).toBe(2);
    expect(englishSentences('See the U.S. Army. It is big.')).toBe(2);
    expect(englishSentences('Wait... what?! Really.')).toBe(2);
    expect(englishSentences('He said "Stop." Then he left.')).toBe(2);
    expect(englishSentences('東京都の予算は来年度に増える見込みです、と知事は述べた。 See the report.')).toBe(2);
  });

  it('lets a whitespace token start a sentence, as spaCy does', () => {
    expect(englishSentences('Hello.\tWorld')).toBe(2);
    // Two spaces or a newline make a whitespace token, which starts a sentence; one space does not.
    expect(englishSentences('Stop.  !')).toBe(2);
    expect(englishSentences('Stop.\n!')).toBe(2);
    expect(englishSentences('Stop. !')).toBe(1);
    expect(englishSentences('')).toBe(1); // an empty text is still one part
  });
});
