import { beforeAll, describe, expect, it } from 'vitest';
import * as apiKeysRoute from '@/app/api/v1/api-keys/route';
import * as settingsRoute from '@/app/api/v1/settings/ai/route';
import { call, provision, type Identity } from '../helpers/http';
import { addMember } from '../helpers/tenancy';

type Tenant = Awaited<ReturnType<typeof provision>>;
let a: Tenant;
let b: Tenant;
let ownerA: Identity;

const VALID = {
  privacyMode: false,
  policies: { classify: { primary: 'offline', confidenceThreshold: 0.3, timeoutMs: 20_000 }, answer: { fallback: [] } },
  categories: [
    { name: 'contract', description: 'Agreements between parties' },
    { name: 'invoice', description: 'Bills with amounts due' },
  ],
  rules: [
    { kind: 'required-field', name: 'Invoice number', pattern: 'invoice (no\\.|number)\\s*[:#]?\\s*\\w+' },
    { kind: 'forbidden-pattern', name: 'Card number', pattern: '\\b(?:\\d[ -]?){13,16}\\b' },
    { kind: 'valid-dates' },
    { kind: 'required-section', name: 'Termination' },
  ],
};

const get = (as: Identity) => call(settingsRoute.GET, { path: '/api/v1/settings/ai', as });
const put = (as: Identity, body: unknown) => call(settingsRoute.PUT, { method: 'PUT', path: '/api/v1/settings/ai', body, as });

beforeAll(async () => {
  [a, b] = [await provision(), await provision()];
  ownerA = { apiKey: a.apiKey };
});

describe('GET/PUT /api/v1/settings/ai', () => {
  it('starts from the defaults: no overrides, an effective policy for every operation, the providers of this server', async () => {
    const res = await get(ownerA);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.settings).toEqual({ privacyMode: false, policies: {}, rules: [] });
    expect(Object.keys(res.body.effective).sort()).toEqual(['answer', 'classify', 'embed', 'extract-actions', 'summarize', 'transcribe', 'verify']);
    expect(res.body.effective.classify.primary).toBe('offline');
    expect(res.body.providers.map((p: { name: string }) => p.name)).toEqual(['offline']);
    expect(res.body.defaultCategories.length).toBeGreaterThan(1);
  });

  it('saves policy overrides, rules and categories, and applies them to the effective policy', async () => {
    const saved = await put(ownerA, VALID);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.settings.rules).toHaveLength(4);
    expect(saved.body.effective.classify).toMatchObject({ primary: 'offline', confidenceThreshold: 0.3, timeoutMs: 20_000, privacyMode: false });
    const again = await get(ownerA);
    expect(again.body.settings).toEqual(saved.body.settings);
    expect(again.body.settings.categories.map((c: { name: string }) => c.name)).toEqual(['contract', 'invoice']);
  });

  it("keeps each organization's settings to itself", async () => {
    await put(ownerA, { ...VALID, privacyMode: true });
    const other = await get({ apiKey: b.apiKey });
    expect(other.body.settings).toEqual({ privacyMode: false, policies: {}, rules: [] });
    await put({ apiKey: b.apiKey }, { rules: [{ kind: 'valid-dates' }] });
    expect((await get(ownerA)).body.settings.rules).toHaveLength(4);
  });

  it.each([
    ['an unknown provider', { policies: { classify: { primary: 'gpt-7' } } }, 'policies.classify.primary'],
    ['a known provider that is not configured here', { policies: { answer: { primary: 'openai' } } }, 'policies.answer.primary'],
    ['an unknown fallback provider', { policies: { summarize: { fallback: ['offline', 'nope'] } } }, 'policies.summarize.fallback.1'],
    ['a fallback for embeddings', { policies: { embed: { fallback: ['offline'] } } }, 'policies.embed.fallback'],
    ['an unknown operation', { policies: { translate: { primary: 'offline' } } }, 'policies'],
    ['a threshold above 1', { policies: { classify: { confidenceThreshold: 1.5 } } }, 'policies.classify.confidenceThreshold'],
    ['an unknown top-level field', { privacyMode: false, colour: 'blue' }, 'colour'],
    ['an unknown policy field', { policies: { classify: { primary: 'offline', temperature: 0.2 } } }, 'policies.classify.temperature'],
    ['an unknown rule field', { rules: [{ kind: 'valid-dates', strict: true }] }, 'rules.0.strict'],
    ['an unknown rule kind', { rules: [{ kind: 'must-rhyme' }] }, 'rules.0'],
    ['a regex that does not compile', { rules: [{ kind: 'required-field', name: 'x', pattern: '(unclosed' }] }, 'rules.0.pattern'],
    ['a regex RE2 cannot express', { rules: [{ kind: 'forbidden-pattern', name: 'x', pattern: 'secret(?!ary)' }] }, 'rules.0.pattern'],
    ['a regex too large for the engine', { rules: [{ kind: 'required-section', name: 'x', pattern: '(?:\\w+\\s?){1,100}end' }] }, 'rules.0.pattern'],
    ['an over-long regex', { rules: [{ kind: 'required-field', name: 'x', pattern: 'a'.repeat(301) }] }, 'rules.0.pattern'],
    ['patterns too large together', { rules: Array.from({ length: 30 }, (_, i) => ({ kind: 'forbidden-pattern', name: `card ${i}`, pattern: '\\b(?:\\d[ -]?){13,16}\\b' })) }, 'rules'],
    ['duplicate categories', { categories: [{ name: 'Invoice' }, { name: 'invoice' }] }, 'categories.1.name'],
    ['an empty category list', { categories: [] }, 'categories'],
  ])('refuses %s with 422 and the path', async (_what, body, path) => {
    const res = await put(ownerA, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = (res.body.error.details.issues as { path: string }[]).map((i) => i.path);
    expect(paths.some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
  });

  it('leaves the stored settings untouched after a refused update', async () => {
    const before = (await get(ownerA)).body.settings;
    await put(ownerA, { ...VALID, rules: [{ kind: 'forbidden-pattern', name: 'x', pattern: '(x)\\1' }] });
    expect((await get(ownerA)).body.settings).toEqual(before);
  });

  it('needs settings:manage to read or change: a viewer and a member get 403, so does a narrower API key', async () => {
    const viewer = await addMember(ownerA, a.tenantId, 'viewer');
    const member = await addMember(ownerA, a.tenantId, 'member');
    for (const who of [viewer.as, member.as]) {
      expect((await get(who)).status).toBe(403);
      expect((await put(who, VALID)).status).toBe(403);
    }
    const key = await call(apiKeysRoute.POST, { method: 'POST', path: '/api/v1/api-keys', body: { name: 'reader', scopes: ['documents:read'] }, as: ownerA });
    expect((await put({ apiKey: key.body.secret }, VALID)).status).toBe(403);
    expect((await call(settingsRoute.GET, { path: '/api/v1/settings/ai' })).status).toBe(401);
  });

  it("cannot reach another organization's settings by naming it: a member of A asking for B gets 404", async () => {
    const viewer = await addMember(ownerA, a.tenantId, 'admin');
    const res = await get({ cookie: viewer.cookie, tenantId: b.tenantId });
    expect(res.status).toBe(404);
    const write = await put({ cookie: viewer.cookie, tenantId: b.tenantId }, VALID);
    expect(write.status).toBe(404);
    expect((await get({ apiKey: b.apiKey })).body.settings.rules).toEqual([{ kind: 'valid-dates' }]);
  });
});
