import { verifyAuditOp } from '@/lib/api/audit';
import { verifyAuditChain } from '@/lib/audit/verify';
import { tenantRoute } from '@/lib/http/route';

export const GET = tenantRoute(verifyAuditOp, ({ tx }) => verifyAuditChain(tx));
