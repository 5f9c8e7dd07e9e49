import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { getResourceType } from '@/lib/scim/discovery';

export const GET = scimRoute(scimOperation('scim.getResourceType', 'GET', '/ResourceTypes/{id}'), async ({ baseUrl, params }) => ({
  body: getResourceType(baseUrl, params.id ?? ''),
}));
