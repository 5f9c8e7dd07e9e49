import { z } from 'zod';
import { auditExportQuerySchema } from '@/lib/audit/export';
import { auditListEntrySchema } from '@/lib/audit/display';
import { auditListQuerySchema } from '@/lib/audit/query';
import { verifyResultSchema } from '@/lib/audit/verify';
import { defineOperation } from '@/lib/http/operation';
import { pageSchema } from '@/lib/http/pagination';

export const listAuditOp = defineOperation({
  id: 'listAuditEvents',
  method: 'GET',
  path: '/api/v1/audit',
  summary: 'List audit log entries, newest first, filtered by action, actor, target, outcome and time; each with `display`, the entry in words (member and target names, the action as a sentence)',
  tag: 'audit',
  auth: 'tenant',
  permission: 'audit:read',
  query: auditListQuerySchema,
  response: pageSchema(auditListEntrySchema),
});

export const exportAuditOp = defineOperation({
  id: 'exportAuditLog',
  method: 'GET',
  path: '/api/v1/audit/export',
  summary: 'Stream the whole audit log (JSON Lines or CSV) with seq, prev_hash and hash, for independent verification',
  tag: 'audit',
  auth: 'tenant',
  permission: 'audit:read',
  query: auditExportQuerySchema,
  response: z.string().describe('One record per line: JSON Lines (format=jsonl, verifiable) or RFC 4180 CSV (format=csv)'),
  responseContentType: 'application/x-ndjson',
});

export const verifyAuditOp = defineOperation({
  id: 'verifyAuditLog',
  method: 'GET',
  path: '/api/v1/audit/verify',
  summary: "Walk the organization's audit hash chain and report the first break, if any",
  tag: 'audit',
  auth: 'tenant',
  permission: 'audit:read',
  response: verifyResultSchema,
});
