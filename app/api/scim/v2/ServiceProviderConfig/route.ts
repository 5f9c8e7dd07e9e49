import { scimOperation, scimRoute } from '@/lib/http/scim-route';
import { serviceProviderConfig } from '@/lib/scim/discovery';

export const GET = scimRoute(scimOperation('scim.serviceProviderConfig', 'GET', '/ServiceProviderConfig'), async ({ baseUrl }) => ({
  body: serviceProviderConfig(baseUrl),
}));
