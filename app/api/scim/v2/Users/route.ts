import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { parseFilter } from '@/lib/scim/filter';
import { listParams } from '@/lib/scim/resources';
import { createUser, listUsers } from '@/lib/scim/users';

export const GET = scimRoute(scimOperation('scim.listUsers', 'GET', '/Users'), async ({ tx, url, baseUrl }) => {
  const params = listParams(url);
  return { body: await listUsers(tx, params, params.filter ? parseFilter(params.filter) : [], baseUrl) };
});

export const POST = scimRoute(scimOperation('scim.createUser', 'POST', '/Users'), async ({ tx, tenantId, body, baseUrl }) => {
  const user = await createUser(tx, tenantId, body, baseUrl);
  return { status: 201, body: user, audit: { action: 'scim.createUser', target: { type: 'members', id: user.id }, metadata: { active: user.active } } };
});
