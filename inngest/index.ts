import type { InngestFunction } from 'inngest';
import { recordHeartbeat } from './functions/system/record-heartbeat';
import { processDocument } from './functions/documents/process-document';
import { createTasksFromActionsFunction } from './functions/tasks/create-tasks-from-actions';
import { sendSlackAlert } from './functions/alerts/send-slack-alert';
import { sendWebhookAlert } from './functions/alerts/send-webhook-alert';
import { evaluateSlosOnSchedule } from './functions/system/evaluate-slos';
import { applyRetention } from './functions/retention/apply-retention';
import { buildPrivacyExport } from './functions/privacy/build-export';
import { checkReadinessOnSchedule } from './functions/system/check-readiness';
import { purgeExpiredExportsOnSchedule } from './functions/privacy/purge-expired-exports';
import { sendEmail } from './functions/email/send-email';
import { issuePasswordReset } from './functions/email/issue-password-reset';
import { createBackupOnSchedule } from './functions/backup/create-backup';
import { runRestoreDrillOnSchedule } from './functions/backup/run-restore-drill';
import { advanceBillingOnSchedule } from './functions/billing/advance-billing';
import { checkMarginsOnSchedule } from './functions/economics/check-margins';
import { answerSlackQuestion } from './functions/integrations/answer-slack-question';
import { importSlackFileFunction } from './functions/integrations/import-slack-file';
import { postSlackReply } from './functions/integrations/post-slack-reply';
import { notifySlackTask } from './functions/integrations/notify-slack-task';
import { syncGoogleDrive } from './functions/integrations/sync-google-drive';
import { renewGoogleDriveChannelsOnSchedule } from './functions/integrations/renew-google-drive-channels';
import { scheduleGoogleDriveSyncs } from './functions/integrations/schedule-google-drive-syncs';
import { syncAsanaConnection } from './functions/integrations/sync-asana-connection';
import { sweepAsanaConnections } from './functions/integrations/sweep-asana-connections';
import { reencryptIntegrationTokensOnSchedule } from './functions/integrations/reencrypt-tokens';

// Every function the app serves (app/api/inngest/route.ts) and the local runner drives. One function per file under
// inngest/functions/<domain>/<verb-noun>.ts; append yours here.
export const functions: InngestFunction.Like[] = [recordHeartbeat, processDocument, createTasksFromActionsFunction, sendSlackAlert, applyRetention, buildPrivacyExport, checkReadinessOnSchedule, purgeExpiredExportsOnSchedule, sendEmail, issuePasswordReset, createBackupOnSchedule, runRestoreDrillOnSchedule, sendWebhookAlert, evaluateSlosOnSchedule, advanceBillingOnSchedule, checkMarginsOnSchedule, reencryptIntegrationTokensOnSchedule, answerSlackQuestion, importSlackFileFunction, postSlackReply, notifySlackTask, syncGoogleDrive, renewGoogleDriveChannelsOnSchedule, scheduleGoogleDriveSyncs, syncAsanaConnection, sweepAsanaConnections];
