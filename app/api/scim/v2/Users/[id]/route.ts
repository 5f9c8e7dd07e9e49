import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { parsePatch } from '@/lib/scim/patch';
import { deleteUser, getUser, patchUser, replaceUser } from '@/lib/scim/users';

const id = (params: Record<string, string>) => params.id ?? '';

export const GET = scimRoute(scimOperation('scim.getUser', 'GET', '/Users/{id}'), async ({ tx, params, baseUrl }) => ({
  body: await getUser(tx, id(params), baseUrl),
}));

export const PUT = scimRoute(scimOperation('scim.replaceUser', 'PUT', '/Users/{id}'), async ({ tx, params, body, baseUrl }) => {
  const { resource, action } = await replaceUser(tx, id(params), body, baseUrl);
  return { body: resource, audit: { action, target: { type: 'members', id: resource.id } } };
});

export const PATCH = scimRoute(scimOperation('scim.updateUser', 'PATCH', '/Users/{id}'), async ({ tx, params, body, baseUrl }) => {
  const { resource, action } = await patchUser(tx, id(params), parsePatch(body), baseUrl);
  return { body: resource, audit: { action, target: { type: 'members', id: resource.id } } };
});

export const DELETE = scimRoute(scimOperation('scim.deleteUser', 'DELETE', '/Users/{id}'), async ({ tx, params }) => {
  const removed = await deleteUser(tx, id(params));
  return { status: 204, audit: { action: 'scim.deleteUser', target: { type: 'members', id: id(params) }, metadata: { userId: removed.userId } } };
});
