import '../documents/blob-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tasksRoute from '@/app/api/v1/tasks/route';
import { functions } from '@/inngest';
import { documentProcessed } from '@/lib/events/documents';
import { drainLocalRunner, listRuns, startLocalRunner, stopLocalRunner } from '@/inngest/local';
import { sendEvent } from '@/lib/events/send';
import { withTenant } from '@/lib/db/tenant';
import { readEventsAfter } from '@/lib/realtime/outbox';
import { parseDueHint } from '@/lib/tasks/due-hint';
import { matchOwner, type MemberIdentity } from '@/lib/tasks/from-actions';
import { call, provision, signUp, uniqueEmail, type Identity } from '../helpers/http';
import { addMember } from '../helpers/tenancy';
import { settle, uploadText } from '../documents/helpers';
import { seedDocument } from '../search/seed';

describe('matchOwner', () => {
  const members: MemberIdentity[] = [
    { userId: 'u1', name: 'Alice Adams', email: 'alice@acme.test' },
    { userId: 'u2', name: 'Bob Baker', email: 'bbaker@acme.test' },
    { userId: 'u3', name: 'Bob Brown', email: 'bob.brown@acme.test' },
    { userId: 'u4', name: 'José Núñez', email: 'jn@acme.test' },
  ];
  it.each([
    ['alice@acme.test', 'u1'],
    ['ALICE@ACME.TEST', 'u1'],
    ['Alice', 'u1'],
    ['@alice', 'u1'],
    ['Alice Adams', 'u1'],
    ['alice.adams', 'u1'],
    ['Bob Baker', 'u2'],
    ['bbaker', 'u2'],
    ['bob.brown', 'u3'],
    ['Jose', 'u4'],
  ])('%s → %s', (hint, userId) => {
    expect(matchOwner(hint, members)?.userId).toBe(userId);
  });
  it.each([['Bob'], ['Carol'], [''], ['@']])('%s → nobody (unknown or ambiguous)', (hint) => {
    expect(matchOwner(hint, members)).toBeNull();
  });
});

describe('parseDueHint', () => {
  // Wednesday 2030-01-16.
  const now = new Date('2030-01-16T15:00:00Z');
  it.each([
    ['2030-02-01', '2030-02-01'],
    ['today', '2030-01-16'],
    ['tomorrow', '2030-01-17'],
    ['Friday', '2030-01-18'],
    ['fri', '2030-01-18'],
    ['next Monday', '2030-01-21'],
    ['Wednesday', '2030-01-16'],
    ['next Wednesday', '2030-01-23'],
    ['end of month', '2030-01-31'],
    ['end of the week', '2030-01-18'],
    ['March 5', '2030-03-05'],
    ['5th March 2031', '2031-03-05'],
    ['January 2', '2031-01-02'],
  ])('%s → %s', (hint, date) => {
    expect(parseDueHint(hint, now)).toBe(date);
  });
  it.each([['next quarter'], ['3/4'], ['2030-02-30'], ['soon']])('%s → null (kept as words)', (hint) => {
    expect(parseDueHint(hint, now)).toBeNull();
  });
});

describe('document/processed → tasks, through the real local runner', () => {
  let owner: Identity;
  let tenantId: string;
  let bob: { userId: string };
  let alice: { userId: string };

  const tasksOfDocument = async (documentId: string) => {
    const res = await call(tasksRoute.GET, { path: '/api/v1/tasks?limit=100', as: owner });
    expect(res.status).toBe(200);
    return (res.body.items as { source: { documentId: string; actionIndex: number } | null }[])
      .filter((t) => t.source?.documentId === documentId)
      .sort((x, y) => (x.source?.actionIndex ?? 0) - (y.source?.actionIndex ?? 0));
  };

  beforeAll(async () => {
    await startLocalRunner({ backoffBaseMs: 10, backoffMaxMs: 50, functions });
    const t = await provision();
    owner = { apiKey: t.apiKey };
    tenantId = t.tenantId;
    bob = await addMember(owner, tenantId, 'member', await signUp(uniqueEmail('bob'), 'correct horse battery', 'Bob Baker'));
    alice = await addMember(owner, tenantId, 'member', await signUp(uniqueEmail('alice'), 'correct horse battery', 'Alice Adams'));
  });

  afterAll(async () => {
    await stopLocalRunner();
  });

  it('uploading a document with action items puts tasks on the board, owners mapped to members', async () => {
    const text = [
      'Weekly sync - meeting notes',
      '',
      'Action items:',
      '- Bob to draft the revised launch plan by 2030-02-01.',
      '- Alice will send the beta feedback report to the team.',
      '- Carol to schedule the final interview by next quarter.',
      '',
    ].join('\n');
    const up = await uploadText(owner, text, 'Weekly sync');
    expect(up.status).toBe(202);
    const doc = await settle(owner, up.body.id);
    expect(doc.status).toBe('processed');
    await drainLocalRunner(60_000);

    const created = await tasksOfDocument(up.body.id);
    expect(created.map((t: any) => [t.title, t.assigneeId, t.dueDate, t.status])).toEqual([
      [expect.stringMatching(/launch plan/i), bob.userId, '2030-02-01', 'todo'],
      [expect.stringMatching(/beta feedback/i), alice.userId, null, 'todo'],
      [expect.stringMatching(/final interview/i), null, null, 'todo'],
    ]);
    expect((created[2] as any).description).toMatch(/Owner mentioned: Carol/);
    expect((created[2] as any).description).toMatch(/Due mentioned: next quarter/);
  });

  it('takes the due date the extractor resolved against the document, not a re-reading of the hint from today', async () => {
    const documentId = crypto.randomUUID();
    const actionItems = [
      { title: 'Fix the toe boards', ownerHint: 'Bob', dueHint: 'Friday', dueDate: '2026-06-05', quote: 'Bob — fix the toe boards — by Friday' },
      { title: 'Call the marshal', ownerHint: 'Nomvula Khumalo' },
    ];
    await sendEvent(documentProcessed, { tenantId, documentId, actionItems });
    await drainLocalRunner(60_000);
    const created = await tasksOfDocument(documentId);
    expect(created.map((t: any) => [t.title, t.assigneeId, t.dueDate])).toEqual([
      ['Fix the toe boards', bob.userId, '2026-06-05'],
      // An owner who is not a member stays a hint in the description.
      ['Call the marshal', null, null],
    ]);
    expect((created[0] as any).source.quote).toBe('Bob — fix the toe boards — by Friday');
    expect((created[1] as any).description).toContain('Owner mentioned: Nomvula Khumalo');
  });

  it('tasks show where they came from: the document title, the quoted sentence and the resolved due date', async () => {
    const doc = await seedDocument(tenantId, { title: 'Launch review notes', chunks: ['Action item: Bob to book the venue by June 30, 2027.'] });
    const actionItems = [
      { title: 'Write the press release' },
      { title: 'Book the venue', ownerHint: 'Bob', dueHint: 'June 30, 2027', dueDate: '2027-06-30', quote: 'Action item: Bob to book the venue by June 30, 2027.' },
      { title: 'Send the invitations', dueDate: '2027-06-15', quote: 'Send the invitations by 15 June 2027.' },
    ];
    await sendEvent(documentProcessed, { tenantId, documentId: doc.documentId, actionItems });
    await drainLocalRunner(60_000);

    const created = await tasksOfDocument(doc.documentId);
    expect(created.map((t: any) => [t.title, t.dueDate, t.source])).toEqual([
      ['Write the press release', null, { documentId: doc.documentId, actionIndex: 0, documentTitle: 'Launch review notes', quote: null }],
      ['Book the venue', '2027-06-30', { documentId: doc.documentId, actionIndex: 1, documentTitle: 'Launch review notes', quote: actionItems[1]?.quote }],
      ['Send the invitations', '2027-06-15', { documentId: doc.documentId, actionIndex: 2, documentTitle: 'Launch review notes', quote: actionItems[2]?.quote }],
    ]);
    // No leftover boilerplate: what became fields is not repeated in the description.
    expect((created[1] as any).description).toBe('');

    // In its column they read soonest-due first, undated last.
    const ordered = [...created].sort((x: any, y: any) => (x.rank < y.rank ? -1 : 1)).map((t: any) => t.title);
    expect(ordered).toEqual(['Send the invitations', 'Book the venue', 'Write the press release']);

    // The board can ask for one document's tasks, or for the ones added by hand.
    const byDocument = await call(tasksRoute.GET, { path: `/api/v1/tasks?limit=100&document=${doc.documentId}`, as: owner });
    expect(byDocument.body.items.map((t: any) => t.title).sort()).toEqual(['Book the venue', 'Send the invitations', 'Write the press release']);
    await call(tasksRoute.POST, { method: 'POST', path: '/api/v1/tasks', body: { title: 'Typed by hand' }, as: owner });
    const byHand = await call(tasksRoute.GET, { path: '/api/v1/tasks?limit=100&document=none', as: owner });
    expect(byHand.body.items.map((t: any) => t.title)).toEqual(['Typed by hand']);
  });

  it('a reprocessed document (the same event again, or a retry) never duplicates tasks', async () => {
    const documentId = crypto.randomUUID();
    const actionItems = [{ title: 'First thing', ownerHint: 'Bob' }, { title: 'Second thing' }];
    const first = await sendEvent(documentProcessed, { tenantId, documentId, actionItems });
    await drainLocalRunner(60_000);
    const before = await tasksOfDocument(documentId);
    expect(before).toHaveLength(2);
    const eventsBefore = await withTenant(tenantId, (tx) => readEventsAfter(tx, 0, 10_000));

    await sendEvent(documentProcessed, { tenantId, documentId, actionItems });
    await sendEvent(documentProcessed, { tenantId, documentId, actionItems });
    await drainLocalRunner(60_000);
    expect(await tasksOfDocument(documentId)).toEqual(before);
    const eventsAfter = await withTenant(tenantId, (tx) => readEventsAfter(tx, 0, 10_000));
    expect(eventsAfter).toHaveLength(eventsBefore.length);

    // A reprocess that finds one more action item adds just that one.
    await sendEvent(documentProcessed, { tenantId, documentId, actionItems: [...actionItems, { title: 'Third thing' }] });
    await drainLocalRunner(60_000);
    const after = await tasksOfDocument(documentId);
    expect(after.map((t: any) => t.title)).toEqual(['First thing', 'Second thing', 'Third thing']);

    const runs = await listRuns({ functionId: 'create-tasks-from-actions' });
    expect(runs.filter((r) => r.status === 'completed').length).toBeGreaterThanOrEqual(4);
    expect(first.ids.length).toBe(1);
  });
});
