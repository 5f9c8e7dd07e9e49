import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { parseFilter } from '@/lib/scim/filter';
import { createGroup, listGroups } from '@/lib/scim/groups';
import { listParams } from '@/lib/scim/resources';

export const GET = scimRoute(scimOperation('scim.listGroups', 'GET', '/Groups'), async ({ tx, url, baseUrl }) => {
  const params = listParams(url);
  return { body: await listGroups(tx, params, params.filter ? parseFilter(params.filter) : [], baseUrl) };
});

export const POST = scimRoute(scimOperation('scim.createGroup', 'POST', '/Groups'), async ({ tx, tenantId, body, baseUrl }) => {
  const group = await createGroup(tx, tenantId, body, baseUrl);
  return { status: 201, body: group, audit: { action: 'scim.createGroup', target: { type: 'scim-groups', id: group.id } } };
});
