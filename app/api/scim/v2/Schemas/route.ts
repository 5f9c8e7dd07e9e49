import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { listSchemas } from '@/lib/scim/discovery';

export const GET = scimRoute(scimOperation('scim.listSchemas', 'GET', '/Schemas'), async ({ baseUrl }) => ({ body: listSchemas(baseUrl) }));
