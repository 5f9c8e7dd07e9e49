import { eraseTenantOp } from '@/lib/api/privacy';
import { tenantRouteThen } from '@/lib/privacy/after-commit';
import { confirmTenantErasure } from '@/lib/privacy/tenant-erasure-request';

export const DELETE = tenantRouteThen(eraseTenantOp, async ({ tenantId, body }, later) => confirmTenantErasure(body, tenantId, later));
