import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { deleteGroup, getGroup, patchGroup, replaceGroup } from '@/lib/scim/groups';
import { parsePatch } from '@/lib/scim/patch';
import { listParams } from '@/lib/scim/resources';

const id = (params: Record<string, string>) => params.id ?? '';

export const GET = scimRoute(scimOperation('scim.getGroup', 'GET', '/Groups/{id}'), async ({ tx, params, url, baseUrl }) => ({
  body: await getGroup(tx, id(params), baseUrl, listParams(url).excludeMembers),
}));

export const PUT = scimRoute(scimOperation('scim.replaceGroup', 'PUT', '/Groups/{id}'), async ({ tx, tenantId, params, body, baseUrl }) => {
  const group = await replaceGroup(tx, tenantId, id(params), body, baseUrl);
  return { body: group, audit: { action: 'scim.replaceGroup', target: { type: 'scim-groups', id: group.id } } };
});

export const PATCH = scimRoute(scimOperation('scim.updateGroup', 'PATCH', '/Groups/{id}'), async ({ tx, tenantId, params, body, url, baseUrl }) => {
  const group = await patchGroup(tx, tenantId, id(params), parsePatch(body), baseUrl, listParams(url).excludeMembers);
  return { body: group, audit: { action: 'scim.updateGroup', target: { type: 'scim-groups', id: group.id } } };
});

export const DELETE = scimRoute(scimOperation('scim.deleteGroup', 'DELETE', '/Groups/{id}'), async ({ tx, params }) => {
  await deleteGroup(tx, id(params));
  return { status: 204, audit: { action: 'scim.deleteGroup', target: { type: 'scim-groups', id: id(params) } } };
});
