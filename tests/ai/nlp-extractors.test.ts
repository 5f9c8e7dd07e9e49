import { describe, expect, it } from 'vitest';
import { extractActionItems } from '@/lib/ai/classical/actions';
import { answerExtractive } from '@/lib/ai/classical/answer';
import { classifyByKeywords, DEFAULT_CATEGORIES } from '@/lib/ai/classical/classify';
import { summarizeExtractive } from '@/lib/ai/classical/summarize';
import { parseBlocks } from '@/lib/ai/nlp/blocks';
import { documentReferenceDate, findDates, prefersMonthFirst } from '@/lib/ai/nlp/dates';
import { titleFromText } from '@/lib/ai/nlp/title';
import { derivedTitle, filenameTitle } from '@/lib/documents/title';
import { wrapLines } from '@/lib/eval/pdf';

// The offline extractors on the inputs that broke them before: day-first and relative dates, bullets under a
// plain "Action items:" line, owners that are nobody's member and names that are not English, text a PDF wrapped.

const dateOf = (text: string, reference: string, monthFirst = false) => findDates(text, reference, monthFirst).map((d) => d.date);

describe('dates', () => {
  // Wednesday 3 June 2026.
  const ref = '2026-06-03';
  it.each([
    ['by Friday', '2026-06-05'],
    ['next Tuesday', '2026-06-09'],
    ['by 30 June', '2026-06-30'],
    ['due 12/06', '2026-06-12'],
    ['by 10/06/2026', '2026-06-10'],
    ['by end of month', '2026-06-30'],
    ['within 48 hours', '2026-06-05'],
    ['by EOW', '2026-06-05'],
    ['by mid-July', '2026-07-15'],
    ['by end of Q3', '2026-09-30'],
    ['tomorrow', '2026-06-04'],
  ])('%s → %s, counted from the document date', (phrase, date) => {
    expect(dateOf(phrase, ref)).toEqual([date]);
  });

  it('reads numeric dates month-first only when the document writes them that way', () => {
    expect(prefersMonthFirst('Due 06/24/2026. Review on 07/01/2026.')).toBe(true);
    expect(prefersMonthFirst('Due 24/06/2026. Meeting on 3 June.')).toBe(false);
    expect(dateOf('due 7/1/2026', ref, true)).toEqual(['2026-07-01']);
    expect(dateOf('due 7/1/2026', ref, false)).toEqual(['2026-01-07']);
  });

  it('does not hold anyone to a bare month', () => {
    expect(dateOf('schedule a retest in June', ref)).toEqual([]);
  });

  it('takes the reference date from the heading or a labelled line, never from "last week", else the upload date', () => {
    const upload = new Date('2027-01-15T10:00:00Z');
    expect(documentReferenceDate('# Site meeting 3 June 2026\n\nAll fine.', upload)).toBe('2026-06-03');
    expect(documentReferenceDate('Ops check-in\nThursday 14 May 2026\n\nThroughput last week was fine.', upload)).toBe('2026-05-14');
    expect(documentReferenceDate('# Vendor review\n\nDate: 06/10/2026 (Wednesday)\nDue 06/24/2026', upload)).toBe('2026-06-10');
    expect(documentReferenceDate('Survey window: 2024-04-01 to 2024-05-05\nWe asked customers.', upload)).toBe('2027-01-15');
    expect(documentReferenceDate('Throughput last week was fine.', upload)).toBe('2027-01-15');
  });
});

describe('action items', () => {
  const ref = '2026-06-03';
  const titles = (text: string) => extractActionItems({ text, referenceDate: ref }).items;

  it('reads every bullet under a plain "Action items:" line, with owner, due date out of the title, and quote', () => {
    const items = titles(
      [
        'Site meeting',
        '',
        'Action items:',
        '- Mehmet — fix the toe boards on the east scaffold — by Friday',
        '- Sipho: run a toolbox talk on working at height (due 12/06)',
        '- Ana de la Cruz to renew the forklift certifications by end of month',
        '* Action item: Nguyen Van An to send a recovery plan by 30 June.',
        '- [ ] @kenji update the runbook (by 2026-06-08)',
        '- [x] @omar close the stale branches',
      ].join('\n'),
    );
    expect(items.map((i) => [i.title, i.ownerHint, i.dueDate])).toEqual([
      ['Fix the toe boards on the east scaffold', 'Mehmet', '2026-06-05'],
      ['Run a toolbox talk on working at height', 'Sipho', '2026-06-12'],
      ['Renew the forklift certifications', 'Ana de la Cruz', '2026-06-30'],
      ['Send a recovery plan', 'Nguyen Van An', '2026-06-30'],
      ['Update the runbook', 'kenji', '2026-06-08'],
    ]);
    expect(items[0]?.quote).toBe('Mehmet — fix the toe boards on the east scaffold — by Friday');
    expect(items[0]?.dueHint).toBe('Friday');
  });

  it('finds "NAME to/will/should VERB … by DATE" in prose, with names from anywhere', () => {
    const items = titles(
      'Attendees: Jürgen Weiß, Fatima Zahra Benali, Chen Wei\n\nThe committee agreed the plan. Fatima Zahra will draft the offer letter by 24 July. ' +
        'Jürgen should review the vendor contract before 7 July. Chen Wei to call the fire marshal next Tuesday. ' +
        'The committee will meet again if needed.',
    );
    expect(items.map((i) => [i.title, i.ownerHint, i.dueDate])).toEqual([
      ['Draft the offer letter', 'Fatima Zahra Benali', '2026-07-24'],
      ['Review the vendor contract', 'Jürgen Weiß', '2026-07-07'],
      ['Call the fire marshal', 'Chen Wei', '2026-06-09'],
    ]);
  });

  it('reads owner/action/due tables and ignores price tables', () => {
    const items = titles(
      [
        '| Owner | Action | Due |',
        '|---|---|---|',
        '| Mateus | Book the booth in Rotterdam | 9 September |',
        '| Yuki | Simplify the pricing page | 16 September |',
        '',
        '| Description | Quantity | Amount |',
        '|---|---|---|',
        '| Consulting | 40 h | €7,200 |',
      ].join('\n'),
    );
    expect(items.map((i) => [i.title, i.ownerHint, i.dueDate])).toEqual([
      ['Book the booth in Rotterdam', 'Mateus', '2026-09-09'],
      ['Simplify the pricing page', 'Yuki', '2026-09-16'],
    ]);
  });

  it('gives a transcript speaker their own "I\'ll …", and the date of "Yes, I\'ll check that by Friday" to the request', () => {
    const items = titles(
      [
        'Maria: Thanks for joining.',
        'Aiko: I will add pagination to the history view by 16 June.',
        'Maria: I\'ll call their operations lead tomorrow. Aiko, can you also check whether other customers are affected?',
        'Aiko: Yes, I\'ll check that by Friday.',
      ].join('\n'),
    );
    expect(items.map((i) => [i.title, i.ownerHint, i.dueDate])).toEqual([
      ['Add pagination to the history view', 'Aiko', '2026-06-16'],
      ['Call their operations lead', 'Maria', '2026-06-04'],
      ['Check whether other customers are affected', 'Aiko', '2026-06-05'],
    ]);
  });

  it('finds nothing in contracts, policies and reports of what happened', () => {
    expect(titles('The Supplier shall deliver the goods by 30 June. Employees must submit expenses within 30 days.')).toEqual([]);
    expect(titles('Northwind Traders Ltd, 4 Mill Lane, Leeds ("Supplier") and Acme Corporation.')).toEqual([]);
    expect(titles('## Findings and follow-up\n1. Alerting fired after eight minutes; the threshold is reduced.\n2. We will automate failover tests every month.').map((i) => i.title)).toEqual([
      'Automate failover tests every month',
    ]);
  });

  it('joins a PDF\'s wrapped lines before reading a sentence', () => {
    const text = wrapLines('ACTION: Sofia Lindqvist to agree key-user availability with the finance director before 30 September.', 60).join('\n');
    expect(text).toContain('\n');
    const [item] = titles(text);
    expect(item).toMatchObject({ title: 'Agree key-user availability with the finance director', ownerHint: 'Sofia Lindqvist', dueDate: '2026-09-30' });
  });
});

describe('document structure, titles, tags and summaries', () => {
  it('joins soft-wrapped lines and reads numbered headings and speaker turns', () => {
    const { blocks } = parseBlocks(
      ['Minutes', '1. Status', 'The migration is amber and the cut-over rehearsal slipped from 14 September to', '28 September because of data cleansing.', 'Olga: I will publish the plan.', 'Daniel: Fine.', 'Olga: Thanks.'].join('\n'),
    );
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'heading', 'paragraph', 'turn', 'turn', 'turn']);
    expect(blocks[2]?.text).toBe('The migration is amber and the cut-over rehearsal slipped from 14 September to 28 September because of data cleansing.');
  });

  it('titles come from the first heading, an email subject, or the line under a letterhead; else the file name stays', () => {
    expect(titleFromText('# Sprint 42 retrospective\n\nDate: 2026-04-30')).toBe('Sprint 42 retrospective');
    expect(titleFromText('From: Kwame <k@x.example>\nTo: Ingeborg\nSubject: Pallet wrapper quote\n\nHi,')).toBe('Pallet wrapper quote');
    expect(titleFromText('Rivera Consulting S.L.\nCalle de Alcalá 120, Madrid\nINVOICE\nInvoice number: RC-2026-044\nTotal due EUR 9,940.00')).toBe('Invoice RC-2026-044');
    expect(titleFromText('Harbour Analytics Ltd\nMinutes of the Board of Directors\nHeld on 15 July 2026.')).toBe('Minutes of the Board of Directors');
    expect(derivedTitle({ title: filenameTitle('scan-0042.pdf'), filename: 'scan-0042.pdf' }, 'SITE SAFETY INSPECTION REPORT\nSite: Block B')).toBe('Site safety inspection report');
    // Somebody named it: their title stays.
    expect(derivedTitle({ title: 'My notes', filename: 'scan-0042.pdf' }, '# Something else')).toBeUndefined();
  });

  it('tags are noun phrases, never people, months or weekdays', () => {
    const { tags } = classifyByKeywords({
      text:
        'Attendees: Maria Lopez, Jonas Weber\n\nMaria said the payment screen loses its state in June. The payment screen fix ships on Friday. ' +
        'Lopez wants the refund currency bug fixed before the beta launch; the beta launch moves to July.',
      categories: DEFAULT_CATEGORIES,
    });
    expect(tags).toContain('payment screen');
    for (const bad of ['maria', 'lopez', 'june', 'july', 'friday', 'jonas']) expect(tags.join(' ')).not.toContain(bad);
  });

  it('summaries keep document order and never repeat a sentence', () => {
    const text = [
      'Revenue grew 21% in the second quarter to €4.1 million.',
      'Revenue grew 21% in the second quarter to €4.1 million.',
      'Gross margin improved to 71% after the hosting renegotiation.',
      'The office plants were watered.',
      'Revenue in the second quarter grew 21% to €4.1 million, the report says.',
    ].join(' ');
    const { summary } = summarizeExtractive({ text, maxSentences: 3 });
    expect(summary.match(/Revenue/g)).toHaveLength(1);
    expect(summary.indexOf('Revenue')).toBeLessThan(summary.indexOf('Gross margin'));
  });
});

describe('classification', () => {
  it('uses the structure: a transcript is meeting notes, a CSV export is other', () => {
    const transcript = ['Maria: Shall we start?', 'Jürgen: Yes. The fix ships Thursday.', 'Maria: Good.', 'Jürgen: I will send the notes.'].join('\n');
    expect(classifyByKeywords({ text: transcript, categories: DEFAULT_CATEGORIES }).category).toBe('meeting-notes');
    const csv = ['id,date,origin,destination,carrier,status', ...Array.from({ length: 30 }, (_, i) => `SH${i},2026-03-0${(i % 9) + 1},Leeds,Porto,DSV,delivered`)].join('\n');
    expect(classifyByKeywords({ text: csv, categories: DEFAULT_CATEGORIES }).category).toBe('other');
  });

  it('builds its prototypes from the tenant\'s own category descriptions', () => {
    const categories = [
      { name: 'inspection', description: 'Inspection reports and certificates: inspector, findings, defects, examination, compliant.' },
      { name: 'permit', description: 'Permits: permit number, valid from, issued to, precautions, conditions.' },
    ];
    expect(classifyByKeywords({ text: '# Hot work permit\n\nPermit number: HW-1\nIssued to: Dragan\nPrecautions: fire watch.', categories }).category).toBe('permit');
    expect(classifyByKeywords({ text: '# Lift examination\n\nInspector: Björn\nFindings: two defects.', categories }).category).toBe('inspection');
  });
});

describe('answers', () => {
  const notes = (body: string) => `Site coordination meeting 3 June 2026\n\n${body}`;

  it('answers a list question with the whole list, merged from overlapping passages in document order', () => {
    const { answer, citations, confidence } = answerExtractive({
      question: 'What are all the action items and who owns them?',
      contexts: [
        { id: 'S1', text: notes('## Action items\n- Mehmet — fix the toe boards — by Friday\n- Chloé to issue the riser detail by 10/06/2026') },
        { id: 'S2', text: notes('- Chloé to issue the riser detail by 10/06/2026\n- Sipho: run a toolbox talk (due 12/06)') },
        { id: 'S3', text: 'Board minutes\n\n## Action items\n- Aisha to circulate the budget.' },
      ],
    });
    expect(answer.split('\n')).toEqual([
      'Action items (site coordination meeting 3 june 2026):',
      '- Mehmet — fix the toe boards — by Friday',
      '- Chloé to issue the riser detail by 10/06/2026',
      '- Sipho: run a toolbox talk (due 12/06)',
    ]);
    expect(citations.map((c) => c.id)).toEqual(['S1', 'S2']);
    expect(confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('answers "when" with the sentence holding the date, and "what" with the one it leans on', () => {
    const { answer } = answerExtractive({
      question: 'When are the façade panels for Block A now expected?',
      contexts: [{ id: 'S1', text: notes('Concrete works finished on 29 May. Façade panels for Block A are delayed at the supplier; the new delivery date is 19 June.') }],
    });
    expect(answer).toBe('Façade panels for Block A are delayed at the supplier; the new delivery date is 19 June.');
    const leaning = answerExtractive({
      question: 'When does the label fix ship?',
      contexts: [{ id: 'S1', text: 'Call\n\nJürgen: Engineering found the label fix. It ships in the release on Thursday.' }],
    });
    expect(leaning.answer).toContain('found the label fix');
    expect(leaning.answer).toContain('Thursday');
  });

  it('never cuts a sentence where a PDF wrapped its line', () => {
    const text = wrapLines('Late delivery entitles the Buyer to liquidated damages of 0.5% of the delayed order value per week, capped at 10%.', 40).join('\n');
    const { answer } = answerExtractive({ question: 'What happens on late delivery?', contexts: [{ id: 'S1', text: `Supply agreement\n\n${text}` }] });
    expect(answer).toBe('Late delivery entitles the Buyer to liquidated damages of 0.5% of the delayed order value per week, capped at 10%.');
  });
});
