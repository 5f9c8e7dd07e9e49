import { expect, test, type APIRequestContext, type Browser, type Locator, type Page, type TestInfo } from '@playwright/test';
import { PASSWORD, uniqueEmail, linkFromDevMail } from './helpers';

// Two people on one board: A's changes reach B live, and B catches up on everything it missed while offline,
// without reloading the page.

const PLATFORM_TOKEN = process.env.E2E_PLATFORM_ADMIN_TOKEN ?? 'e2e-platform-admin-token-0123456789';

// helpers.snap waits for network idle, which a page holding an EventSource open never reaches.
async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await expect(page.locator('.spinner')).toHaveCount(0);
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

// better-auth and the API's CSRF check want the app's own Origin on cookie-authenticated writes.
const origin = () => ({ origin: new URL(test.info().project.use.baseURL ?? 'http://localhost:3100').origin });

async function signedInPage(browser: Browser, email: string, signUpName?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const headers = origin();
  const path = signUpName ? '/api/auth/sign-up/email' : '/api/auth/sign-in/email';
  const res = await context.request.post(path, { headers, data: { email, password: PASSWORD, ...(signUpName ? { name: signUpName } : {}) } });
  expect(res.status(), await res.text()).toBe(200);
  return context.newPage();
}

function column(page: Page, key: string): Locator {
  return page.locator(`[data-testid="board-column"][data-column-key="${key}"]`);
}

function card(page: Page, title: string): Locator {
  return page.getByTestId('task-card').filter({ hasText: title });
}

async function createTask(api: APIRequestContext, key: string, title: string, status: string): Promise<void> {
  const res = await api.post('/api/v1/tasks', { headers: { authorization: `Bearer ${key}` }, data: { title, status } });
  expect(res.status(), await res.text()).toBe(201);
}

test('two people see each other’s changes live, and a reconnecting browser catches up on what it missed', async ({ browser, request }, testInfo) => {
  const suffix = Date.now().toString(36);
  const ownerEmail = uniqueEmail('kanban-a');
  const provisioned = await request.post('/api/platform/tenants', {
    headers: { authorization: `Bearer ${PLATFORM_TOKEN}` },
    data: { name: `Kanban Co ${suffix}`, ownerEmail, ownerName: 'Ada Owner', ownerPassword: PASSWORD },
  });
  expect(provisioned.status(), await provisioned.text()).toBe(201);
  const { apiKey } = (await provisioned.json()) as { apiKey: { secret: string } };
  const key = apiKey.secret;

  const roles = (await (await request.get('/api/v1/roles', { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { id: string; key: string }[] };
  const memberRole = roles.items.find((r) => r.key === 'member');
  const bEmail = uniqueEmail('kanban-b');
  const invited = await request.post('/api/v1/invitations', { headers: { authorization: `Bearer ${key}` }, data: { email: bEmail, roleId: memberRole?.id } });
  expect(invited.status()).toBe(201);
  const { token } = (await invited.json()) as { token: string };

  for (const [title, status] of [
    ['Draft the launch plan', 'todo'],
    ['Book the venue', 'todo'],
    ['Order name badges', 'backlog'],
    ['Confirm the caterer', 'backlog'],
  ] as const) {
    await createTask(request, key, title, status);
  }

  const a = await signedInPage(browser, ownerEmail);
  const b = await signedInPage(browser, bEmail, 'Bea Member');
  // Invitations are accepted only with a verified address: open the verification email's link first.
  await b.goto(await linkFromDevMail(b, bEmail, /Confirm your email address/, 'http://localhost:3100/api/auth/verify-email'));
  const accepted = await b.context().request.post('/api/v1/invitations/accept', { headers: origin(), data: { token } });
  expect(accepted.status(), await accepted.text()).toBe(200);

  for (const page of [a, b]) {
    await page.goto('/app/tasks');
    await expect(page.getByTestId('connection-state')).toHaveText('Live');
    await expect(card(page, 'Draft the launch plan')).toBeVisible();
    // Survives only as long as the page is not reloaded.
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  }
  await snap(b, testInfo, 'tasks-01-board');

  await test.step('A moves a card with the keyboard; B sees it move', async () => {
    await card(a, 'Draft the launch plan').focus();
    await a.keyboard.press('Space');
    await expect(a.getByTestId('board-announcer')).toContainText('Picked up Draft the launch plan');
    await a.keyboard.press('ArrowRight');
    await expect(a.getByTestId('board-announcer')).toContainText('In progress, position 1');
    await a.keyboard.press('Space');
    await expect(a.getByTestId('board-announcer')).toContainText('Dropped Draft the launch plan in In progress');
    await expect(column(a, 'in_progress')).toContainText('Draft the launch plan');
    await expect(column(b, 'in_progress')).toContainText('Draft the launch plan');
    await expect(column(b, 'todo')).not.toContainText('Draft the launch plan');
  });

  await test.step('A drags a card with the mouse; B sees it move', async () => {
    await card(a, 'Book the venue').dragTo(column(a, 'done').locator('ul'));
    await expect(column(a, 'done')).toContainText('Book the venue');
    await expect(column(b, 'done')).toContainText('Book the venue');
    await snap(b, testInfo, 'tasks-02-after-live-moves');
  });

  await test.step('B goes offline while A makes three changes', async () => {
    await b.context().setOffline(true);
    await expect(b.getByTestId('connection-state')).toHaveText('Reconnecting…');

    // 1: a move.
    await card(a, 'Order name badges').focus();
    await a.keyboard.press('Space');
    await a.keyboard.press('ArrowRight');
    await a.keyboard.press('ArrowRight');
    await a.keyboard.press('Space');
    await expect(column(a, 'in_progress')).toContainText('Order name badges');
    // 2: an edit in the drawer.
    await card(a, 'Confirm the caterer').click();
    const drawer = a.getByTestId('task-drawer');
    await drawer.getByLabel('Title').fill('Confirm the caterer (vegetarian options)');
    await drawer.getByLabel('Labels').fill('food');
    await drawer.getByRole('button', { name: 'Save' }).click();
    await expect(drawer).toHaveCount(0);
    await expect(card(a, 'Confirm the caterer (vegetarian options)')).toBeVisible();
    // 3: a new task.
    await column(a, 'todo').getByRole('button', { name: 'Add task' }).click();
    await a.getByLabel('New task in To do').fill('Send the invitations');
    await a.getByLabel('New task in To do').press('Enter');
    await expect(card(a, 'Send the invitations')).toBeVisible();

    // B, offline, still shows the old board.
    await expect(card(b, 'Send the invitations')).toHaveCount(0);
    await expect(column(b, 'backlog')).toContainText('Order name badges');
    await expect(b.getByTestId('connection-state')).toHaveText('Reconnecting…');
  });

  await test.step('B comes back and shows all three, without a reload', async () => {
    await b.context().setOffline(false);
    await expect(b.getByTestId('connection-state')).toHaveText('Live');
    await expect(column(b, 'in_progress')).toContainText('Order name badges');
    await expect(card(b, 'Confirm the caterer (vegetarian options)')).toContainText('food');
    await expect(column(b, 'todo')).toContainText('Send the invitations');
    expect(await b.evaluate(() => Reflect.get(window, '__sameDocument'))).toBe(true);
    await snap(b, testInfo, 'tasks-03-caught-up');
  });

  await test.step('a stale edit shows the fresh state', async () => {
    await card(b, 'Send the invitations').click();
    const drawerB = b.getByTestId('task-drawer');
    await drawerB.getByLabel('Description').fill('Edited by B on a stale copy');
    // A edits the same task first.
    await createTask(request, key, 'Unrelated', 'backlog');
    const list = (await (await request.get('/api/v1/tasks?limit=100', { headers: { authorization: `Bearer ${key}` } })).json()) as {
      items: { id: string; title: string; version: number }[];
    };
    const target = list.items.find((t) => t.title === 'Send the invitations');
    const patched = await request.patch(`/api/v1/tasks/${target?.id}`, {
      headers: { authorization: `Bearer ${key}` },
      data: { version: target?.version, title: 'Send the invitations today' },
    });
    expect(patched.status()).toBe(200);
    await expect(drawerB.getByText('Changed by someone else')).toBeVisible();
    await drawerB.getByRole('button', { name: 'Save' }).click();
    await expect(drawerB.getByText('This task changed')).toBeVisible();
    await expect(drawerB.getByLabel('Title')).toHaveValue('Send the invitations today');
    await snap(b, testInfo, 'tasks-04-conflict');
  });

  await a.context().close();
  await b.context().close();
});
