import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { getSchema } from '@/lib/scim/discovery';

export const GET = scimRoute(scimOperation('scim.getSchema', 'GET', '/Schemas/{id}'), async ({ baseUrl, params }) => ({
  body: getSchema(baseUrl, params.id ?? ''),
}));
