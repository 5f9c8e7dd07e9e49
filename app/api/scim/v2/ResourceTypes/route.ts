import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { listResourceTypes } from '@/lib/scim/discovery';

export const GET = scimRoute(scimOperation('scim.listResourceTypes', 'GET', '/ResourceTypes'), async ({ baseUrl }) => ({ body: listResourceTypes(baseUrl) }));
