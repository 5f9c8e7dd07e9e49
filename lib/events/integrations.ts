import { z } from 'zod';
import { defineEvent } from './define';

// A Google Drive connection should look for changes: a push notification arrived, the backstop cron fired, the
// admin pressed "Sync now" or picked folders. The event id says which (`gdrive-push-<channel>-<message>`,
// `gdrive-cron-<connection>-<slot>`, ...), so a repeated delivery starts no second run.
export const googleDriveSyncRequested = defineEvent('integrations/google-drive-sync-requested', {
  connectionId: z.uuid(),
  reason: z.enum(['push', 'schedule', 'manual', 'folders']),
});
