import { deleteSsoDomainOp, updateSsoDomainOp } from '@/lib/api/sso';
import { tenantRoute } from '@/lib/http/route';
import { deleteDomain, updateDomain } from '@/lib/sso/domains';

export const PATCH = tenantRoute(updateSsoDomainOp, ({ tx, params, body }) => updateDomain(tx, params.id, body));
export const DELETE = tenantRoute(deleteSsoDomainOp, ({ tx, params }) => deleteDomain(tx, params.id));
