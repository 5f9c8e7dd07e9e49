import { addSsoDomainOp, listSsoDomainsOp } from '@/lib/api/sso';
import { tenantRoute } from '@/lib/http/route';
import { addDomain, listDomains } from '@/lib/sso/domains';

export const GET = tenantRoute(listSsoDomainsOp, ({ tx }) => listDomains(tx));
export const POST = tenantRoute(addSsoDomainOp, ({ tx, tenantId, body }) => addDomain(tx, tenantId, body));
