import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { platformTenantSchema, updateTenantPlatformSchema } from '@/lib/settings/organization';
import { provisionedTenantSchema, provisionTenantSchema } from '@/lib/tenancy/provision';
import { idParams } from './common';

export const provisionTenantOp = defineOperation({
  id: 'provisionTenant',
  method: 'POST',
  path: '/api/platform/tenants',
  summary: 'Operators and OEM partners: create a tenant and its owner; returns an owner API key once',
  tag: 'platform',
  auth: 'platform',
  body: provisionTenantSchema,
  response: provisionedTenantSchema,
  status: 201,
});

export const healthOp = defineOperation({
  id: 'health',
  method: 'GET',
  path: '/api/health',
  summary: 'Liveness: the process answers',
  tag: 'operations',
  auth: 'none',
  response: z.object({ status: z.literal('ok'), time: z.iso.datetime() }),
});

export const updateTenantPlatformOp = defineOperation({
  id: 'updateTenantAsOperator',
  method: 'PATCH',
  path: '/api/platform/tenants/{id}',
  summary: "Operators: change a tenant's plan or status (suspend/reactivate) and override its quotas (null lifts a limit)",
  tag: 'platform',
  auth: 'platform',
  params: idParams,
  body: updateTenantPlatformSchema,
  response: platformTenantSchema,
});
