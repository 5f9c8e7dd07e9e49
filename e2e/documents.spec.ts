import { expect, test } from '@playwright/test';
import { makePdf } from '../tests/fixtures/documents/files';
import { PASSWORD, snap, uniqueEmail } from './helpers';

const POLICY_TEXT = `Travel and expenses policy

Employees must book flights through the company travel portal at least fourteen days in advance.
Hotel costs are reimbursed up to 180 euros per night in capital cities and 130 euros elsewhere.
Expense reports must be submitted within thirty days with the original receipts attached.
`;

const CONTRACT_LINES = [
  'Master Services Agreement between Acme Corporation and Northwind Traders.',
  'Either party may terminate this agreement with a written termination notice of ninety days.',
  'All invoices are payable within thirty days of receipt.',
];

test('uploads a text file and a PDF, watches them get processed, and asks a question answered with a citation', async ({ page }, testInfo) => {
  const email = uniqueEmail('docs');

  await test.step('sign up and create an organization', async () => {
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill('Dana Docs');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/onboarding$/);
    await page.getByLabel('Organization name').fill(`Docs Org ${Date.now().toString(36)}`);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect(page).toHaveURL(/\/app$/);
  });

  await test.step('upload a text file and a PDF with progress', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Documents' }).click();
    await expect(page).toHaveURL(/\/app\/documents$/);
    await expect(page.getByText('No documents yet')).toBeVisible();
    await page.getByTestId('upload-input').setInputFiles([
      { name: 'travel-policy.txt', mimeType: 'text/plain', buffer: Buffer.from(POLICY_TEXT) },
      { name: 'northwind-msa.pdf', mimeType: 'application/pdf', buffer: Buffer.from(makePdf(CONTRACT_LINES)) },
    ]);
    await expect(page.locator('[data-testid="upload-item"][data-state="done"]')).toHaveCount(2);
    await expect(page.getByTestId('document-row')).toHaveCount(2);
    await snap(page, testInfo, 'documents-01-uploaded');
  });

  await test.step('both documents reach "processed" without reloading the page', async () => {
    await expect(page.locator('[data-testid="document-row"][data-status="processed"]')).toHaveCount(2, { timeout: 60_000 });
    await expect(page.locator('[data-testid="document-row"][data-title="northwind-msa"]')).toContainText('Processed');
    await snap(page, testInfo, 'documents-02-processed');
  });

  await test.step('the detail page shows the pipeline with providers', async () => {
    await page.getByRole('link', { name: 'northwind-msa' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'northwind-msa' })).toBeVisible();
    await expect(page.getByTestId('pipeline-step')).toHaveCount(6);
    await expect(page.locator('[data-testid="pipeline-step"][data-status="done"]')).toHaveCount(6);
    await expect(page.locator('pre', { hasText: 'termination notice of ninety days' })).toBeVisible();
    await expect(page.getByTestId('verification')).toContainText('Passed');
    await snap(page, testInfo, 'documents-03-detail');
  });

  await test.step('ask the assistant and follow a citation to the highlighted passage', async () => {
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Assistant' }).click();
    await expect(page).toHaveURL(/\/app\/assistant$/);
    await page.getByTestId('ask-input').fill('How much termination notice does the Northwind agreement require?');
    await page.getByTestId('ask-submit').click();
    const turn = page.getByTestId('assistant-turn').last();
    await expect(turn).toHaveAttribute('data-state', 'done');
    await expect(turn.getByTestId('answer-text')).toContainText('ninety days');
    const citation = turn.getByTestId('citation').first();
    await expect(citation).toContainText('northwind-msa');
    await snap(page, testInfo, 'documents-04-answer');
    await citation.click();
    await expect(page).toHaveURL(/\/app\/documents\/[0-9a-f-]+\?chunk=/);
    await expect(page.getByTestId('highlighted-chunk')).toContainText('termination notice of ninety days');
    await snap(page, testInfo, 'documents-05-citation');
  });
});
