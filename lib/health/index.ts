export { checkReadiness, defaultProbes } from './readiness';
export { runChecks, readinessReportSchema, type CheckResult, type Probe, type ReadinessReport } from './checks';
export { recordIncident, listRecentIncidents, incidentSchema, type Incident, type RecordIncidentInput } from './incidents';
export { registerAiCircuitSource, type AiCircuitState } from './ai-circuits';
export { getStatusSnapshot, statusSnapshotSchema, type StatusSnapshot } from './status';
