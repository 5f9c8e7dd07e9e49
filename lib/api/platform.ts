import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import { provisionedTenantSchema, provisionTenantSchema } from '@/lib/tenancy/provision';

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
