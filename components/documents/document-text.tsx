'use client';

import { useEffect, useRef } from 'react';
import styles from './documents.module.css';

// Where a quoted sentence sits in the text: exactly, or with any run of whitespace (line breaks) in between.
export function findQuote(text: string, quote: string): { start: number; end: number } | null {
  const exact = text.indexOf(quote);
  if (exact >= 0) return { start: exact, end: exact + quote.length };
  const words = quote.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return null;
  const found = new RegExp(words.join('\\s+')).exec(text);
  return found ? { start: found.index, end: found.index + found[0].length } : null;
}

// The document's text with one passage (a cited chunk) highlighted and scrolled into view.
export function DocumentText({ text, highlight }: { text: string; highlight: { start: number; end: number } | null }) {
  const mark = useRef<HTMLElement>(null);
  const range = highlight && highlight.start >= 0 && highlight.end > highlight.start && highlight.end <= text.length ? highlight : null;

  useEffect(() => {
    mark.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [range?.start, range?.end]);

  if (!range) return <pre className={styles.text}>{text}</pre>;
  return (
    <pre className={styles.text}>
      {text.slice(0, range.start)}
      <mark ref={mark} className={styles.highlight} data-testid="highlighted-chunk">
        {text.slice(range.start, range.end)}
      </mark>
      {text.slice(range.end)}
    </pre>
  );
}
