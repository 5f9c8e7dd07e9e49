import winkNLP, { type ItemSentence, type ItemToken, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

// wink-nlp with its English "lite" model: sentence boundaries and part-of-speech tags, deterministic, with the
// model inside the npm package (no download at run time). Loading the model costs ~150 ms, so it happens once per
// process, on first use, not at import: most processes (the web server) never run offline NLP.

export interface Token {
  text: string;
  lower: string;
  // Universal POS tag (NOUN, PROPN, VERB, AUX, ADP, DET, PART, PRON, ADJ, NUM, PUNCT, …).
  pos: string;
  start: number;
  end: number;
}

export interface TaggedSentence {
  text: string;
  start: number;
  end: number;
  tokens: Token[];
}

let instance: WinkMethods | undefined;

function nlp(): WinkMethods {
  // Sentiment and named entities are not used; leaving them out of the pipe makes reading ~2x faster.
  instance ??= winkNLP(model, ['sbd', 'pos']);
  return instance;
}

// Splits prose into sentences and tags every token. Offsets are into `text`, found by walking forward, so they
// stay right whatever whitespace wink collapses.
export function tagSentences(text: string): TaggedSentence[] {
  const engine = nlp();
  const its = engine.its;
  const doc = engine.readDoc(text);
  const out: TaggedSentence[] = [];
  let cursor = 0;
  doc.sentences().each((sentence: ItemSentence) => {
    const tokens: Token[] = [];
    sentence.tokens().each((token: ItemToken) => {
      const value = String(token.out(its.value));
      const found = text.indexOf(value, cursor);
      const start = found >= 0 ? found : cursor;
      const end = found >= 0 ? found + value.length : cursor;
      cursor = end;
      tokens.push({ text: value, lower: value.toLowerCase(), pos: String(token.out(its.pos)), start, end });
    });
    const first = tokens[0];
    const last = tokens.at(-1);
    if (!first || !last) return;
    out.push({ text: text.slice(first.start, last.end), start: first.start, end: last.end, tokens });
  });
  return out;
}

// Tags one already-delimited piece of text (a bullet, a heading) as a single token run.
export function tagTokens(text: string): Token[] {
  return tagSentences(text).flatMap((s) => s.tokens);
}
