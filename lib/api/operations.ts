import { z } from 'zod';
import { restoreDrillListSchema } from '@/lib/backup/drill';
import { readinessReportSchema } from '@/lib/health/checks';
import { statusSnapshotSchema } from '@/lib/health/status';
import { defineOperation } from '@/lib/http/operation';
import { maintenanceStateSchema, setMaintenanceSchema } from '@/lib/maintenance';

export const readinessOp = defineOperation({
  id: 'readiness',
  method: 'GET',
  path: '/api/health/ready',
  summary: 'Readiness: database, KV, pipelines and AI providers, each with a status and latency; 503 when a required dependency is down',
  tag: 'operations',
  auth: 'none',
  response: readinessReportSchema,
});

export const metricsOp = defineOperation({
  id: 'metrics',
  method: 'GET',
  path: '/api/metrics',
  summary:
    'Prometheus metrics of this instance; needs `Authorization: Bearer $METRICS_TOKEN`. In production without METRICS_TOKEN it answers 404; elsewhere it is open when the token is unset.',
  tag: 'operations',
  auth: 'none',
  response: z.string(),
  responseContentType: 'text/plain; version=0.0.4',
});

export const statusOp = defineOperation({
  id: 'status',
  method: 'GET',
  path: '/api/status',
  summary: 'Public platform status: component health and recent incidents (cached for 15 s; no tenant data)',
  tag: 'operations',
  auth: 'none',
  response: statusSnapshotSchema,
});

export const getMaintenanceOp = defineOperation({
  id: 'getMaintenance',
  method: 'GET',
  path: '/api/platform/maintenance',
  summary: 'Operators: whether maintenance mode is on, and why',
  tag: 'platform',
  auth: 'platform',
  response: maintenanceStateSchema,
});

export const setMaintenanceOp = defineOperation({
  id: 'setMaintenance',
  method: 'POST',
  path: '/api/platform/maintenance',
  summary: 'Operators: switch maintenance mode on or off for every instance (writes answer 503, reads keep working)',
  tag: 'platform',
  auth: 'platform',
  body: setMaintenanceSchema,
  response: maintenanceStateSchema,
});

export const listRestoreDrillsOp = defineOperation({
  id: 'listRestoreDrills',
  method: 'GET',
  path: '/api/platform/backups/drills',
  summary: 'Operators: the 50 latest restore drills, newest first, with measured RTO (restoreMs) and RPO (backupAgeMs)',
  tag: 'platform',
  auth: 'platform',
  response: restoreDrillListSchema,
});
