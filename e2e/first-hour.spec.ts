import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { PASSWORD, uniqueEmail } from './helpers';

// The first hour of a new customer: sign up from a link to the board, upload meeting notes and a report, find
// their action items on the board with due dates and a link to where they came from, ask the assistant, and find
// the conversation again after a reload. Every page is photographed for review (test-results/screenshots/).
// Assertions are about structure (tasks exist, link to their document, dates where the notes give them); the
// quality of the offline extraction itself is measured elsewhere (npm run eval).

const NOTES = `Launch sync, meeting notes
Date: June 2, 2027
Attendees: Pat Pilot, Lee, Priya

We reviewed the mobile app launch checklist.
Decision: the public launch stays on July 15, 2027.

Action item: Pat Pilot to finalize the launch checklist by June 30, 2027.
Action item: Lee to draft the release notes by June 25, 2027.
Action item: Priya to book the launch venue by July 1, 2027.
`;

const REPORT = `Q3 planning report

Revenue grew 12% in the second quarter, driven by the mobile app.
Action item: Lee to update the pricing page by July 10, 2027.
Action item: Priya to prepare the board deck by July 20, 2027.
`;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

// Pages holding a live event stream never reach "network idle": wait for spinners to go instead.
async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true): Promise<void> {
  await expect(page.locator('.spinner')).toHaveCount(0);
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name, exact: true }).click();

test('a new customer’s first hour: notes in, tasks with sources and dates, answers with citations, history kept', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const email = uniqueEmail('pilot');

  await test.step('a link to the board survives sign-up and creating the organization', async () => {
    await page.goto('/app/tasks');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fapp%2Ftasks$/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page).toHaveURL(/\/sign-up\?next=%2Fapp%2Ftasks$/);
    await page.getByLabel('Full name').fill('Pat Pilot');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/onboarding\?next=%2Fapp%2Ftasks$/);
    const name = page.getByLabel('Organization name');
    await name.fill('A'.repeat(90));
    await expect(page.getByText(/must be at most 80 characters/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Create organization' })).toBeDisabled();
    await shot(page, testInfo, 'first-hour-01-onboarding-too-long');
    await name.fill(`Pilot Customer ${Date.now().toString(36)}`);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page).toHaveURL(/\/app\/tasks$/);
  });

  await test.step('the empty dashboard says what to do first, with no "Soon" badges', async () => {
    await nav(page, 'Dashboard');
    await expect(page.getByRole('heading', { name: 'Welcome, Pat' })).toBeVisible();
    await expect(page.getByText('No documents yet')).toBeVisible();
    await expect(page.getByTestId('quota')).toHaveCount(4);
    await expect(page.getByText('Soon', { exact: true })).toHaveCount(0);
    await shot(page, testInfo, 'first-hour-02-dashboard-empty');
  });

  await test.step('uploads say their limit up front, and explain a bad file in plain words', async () => {
    await nav(page, 'Documents');
    await expect(page.getByText(/up to 10 MB per file on the Standard plan/)).toBeVisible();
    await page.getByTestId('upload-input').setInputFiles([{ name: 'budget.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is not really a pdf') }]);
    const failed = page.locator('[data-testid="upload-item"][data-state="error"]');
    await expect(failed).toContainText('named like a PDF but is not one');
    await expect(failed).not.toContainText('%PDF');
    await shot(page, testInfo, 'first-hour-03-upload-error');
  });

  await test.step('meeting notes and a report are processed', async () => {
    await page.getByTestId('upload-input').setInputFiles([
      { name: 'launch-sync.md', mimeType: 'text/markdown', buffer: Buffer.from(NOTES) },
      { name: 'q3-planning.txt', mimeType: 'text/plain', buffer: Buffer.from(REPORT) },
    ]);
    await expect(page.locator('[data-testid="document-row"][data-status="processed"]')).toHaveCount(2, { timeout: 90_000 });
    // The same notes again: refused, with a way to the copy that is already there.
    await page.getByTestId('upload-input').setInputFiles([{ name: 'launch-sync-copy.md', mimeType: 'text/markdown', buffer: Buffer.from(NOTES) }]);
    await expect(page.getByTestId('upload-existing')).toBeVisible();
    await shot(page, testInfo, 'first-hour-04-documents');
  });

  await test.step('the board shows the action items with due dates and a link to their document', async () => {
    await nav(page, 'Tasks');
    const cards = page.getByTestId('task-card');
    await expect(cards.first()).toBeVisible();
    expect(await cards.count()).toBeGreaterThanOrEqual(3);
    const fromNotes = page.getByTestId('task-source').filter({ hasText: 'Launch sync' });
    expect(await fromNotes.count()).toBeGreaterThanOrEqual(1);
    await expect(cards.filter({ hasText: /Due .*2027/ }).first()).toBeVisible();
    await expect(page.getByTestId('source-chip')).toHaveCount(2);
    await shot(page, testInfo, 'first-hour-05-board');

    await page.getByTestId('group-by-source').check();
    await expect(page.getByTestId('task-lane')).toHaveCount(2);
    await shot(page, testInfo, 'first-hour-06-board-by-document');
    await page.getByTestId('group-by-source').uncheck();

    await page.getByTestId('source-chip').filter({ hasText: 'Launch sync' }).click();
    await cards.filter({ hasText: /Due/ }).first().click();
    const drawer = page.getByTestId('task-drawer');
    await expect(drawer.getByTestId('task-provenance')).toContainText('Launch sync');
    await expect(drawer.getByLabel('Due date')).toHaveValue(/^2027-/);
    await shot(page, testInfo, 'first-hour-07-task-drawer');
    await drawer.getByTestId('task-provenance').getByRole('link').click();
    await expect(page).toHaveURL(/\/app\/documents\/[0-9a-f-]+/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Launch sync');
    await shot(page, testInfo, 'first-hour-08-source-document');
  });

  let conversationUrl = '';
  await test.step('a list question is answered with citations, in a conversation that is kept', async () => {
    await nav(page, 'Assistant');
    await expect(page.getByText('No conversations yet')).toBeVisible();
    await page.getByTestId('ask-input').fill('What are the action items for the launch?');
    await page.getByTestId('ask-submit').click();
    const turn = page.getByTestId('assistant-turn').last();
    await expect(turn).toHaveAttribute('data-state', 'done');
    await expect(turn.getByTestId('answer-text')).not.toBeEmpty();
    await expect(turn.getByTestId('citation').filter({ hasText: 'Launch sync' }).first()).toBeVisible();
    await expect(page).toHaveURL(/\/app\/assistant\?c=[0-9a-f-]{36}$/);
    conversationUrl = page.url();
    await page.getByTestId('ask-input').fill('and who owns them?');
    await page.getByTestId('ask-submit').click();
    await expect(page.getByTestId('assistant-turn')).toHaveCount(2);
    await expect(page.getByTestId('assistant-turn').last()).toHaveAttribute('data-state', 'done');
    await expect(page.getByTestId('conversation-item')).toHaveCount(1);
    await shot(page, testInfo, 'first-hour-09-assistant');
  });

  await test.step('after a reload the conversation is still there', async () => {
    await page.reload();
    expect(page.url()).toBe(conversationUrl);
    await expect(page.getByTestId('assistant-turn')).toHaveCount(2);
    await expect(page.getByTestId('assistant-turn').first()).toContainText('What are the action items for the launch?');
    await expect(page.getByTestId('assistant-turn').first().getByTestId('citation').first()).toBeVisible();
    await expect(page.getByTestId('conversation-title')).toContainText('What are the action items for the launch?');
    await shot(page, testInfo, 'first-hour-10-assistant-after-reload');

    const item = page.getByTestId('conversation-item').first();
    await item.hover();
    await item.getByRole('button', { name: /^Rename/ }).click();
    await page.getByLabel('Conversation name').fill('Launch action items');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('conversation-item').first()).toContainText('Launch action items');
    await expect(page.getByTestId('conversation-title')).toContainText('Launch action items');
  });

  await test.step('the audit log reads as sentences with names, not ids', async () => {
    await nav(page, 'Audit log');
    const rows = page.getByTestId('audit-row');
    await expect(rows.first()).toBeVisible();
    await expect(page.getByTestId('audit-action').filter({ hasText: 'Uploaded a document' }).first()).toBeVisible();
    await expect(page.getByTestId('audit-action').filter({ hasText: 'Asked the assistant' }).first()).toBeVisible();
    for (const cell of await page.locator('[data-testid="audit-row"] td[data-label="Who"], [data-testid="audit-row"] td[data-label="What"]').allInnerTexts()) {
      expect(cell).not.toMatch(UUID);
      expect(cell).not.toMatch(/[a-z][A-Z][a-z]/);
    }
    await expect(rows.filter({ hasText: 'Pat Pilot' }).first()).toBeVisible();
    await shot(page, testInfo, 'first-hour-11-audit');
  });

  await test.step('the dashboard now shows the work', async () => {
    await nav(page, 'Dashboard');
    await expect(page.getByTestId('stat-documents')).toContainText('2');
    await expect(page.getByTestId('recent-document')).toHaveCount(2);
    await expect(page.getByText('Launch action items')).toBeVisible();
    await shot(page, testInfo, 'first-hour-12-dashboard-full');
  });
});
