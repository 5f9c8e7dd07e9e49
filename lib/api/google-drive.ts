import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';
import {
  driveConnectionParams,
  driveFolderListQuery,
  driveFolderPageSchema,
  driveFoldersBodySchema,
  driveSyncViewSchema,
} from '@/lib/integrations/google-drive/settings';

export const getGoogleDriveSyncOp = defineOperation({
  id: 'getGoogleDriveSync',
  method: 'GET',
  path: '/api/integrations/google-drive/connections/{connectionId}/status',
  summary: 'A Google Drive connection: the picked folders, sync progress (items done of those found so far), last sync, errors and skipped files with their reasons',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: driveConnectionParams,
  response: driveSyncViewSchema,
});

export const listGoogleDriveFoldersOp = defineOperation({
  id: 'listGoogleDriveFolders',
  method: 'GET',
  path: '/api/integrations/google-drive/connections/{connectionId}/folders',
  summary: 'The folder picker: Drive folders the connected Google account can see, by name, a page at a time (cursor = nextCursor)',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: driveConnectionParams,
  query: driveFolderListQuery,
  response: driveFolderPageSchema,
});

export const pickGoogleDriveFoldersOp = defineOperation({
  id: 'pickGoogleDriveFolders',
  method: 'PUT',
  path: '/api/integrations/google-drive/connections/{connectionId}/folders',
  summary:
    'Replace the folders this connection syncs (subfolders included). A different set starts a full sync in the background; ' +
    'an empty set removes every document the connection brought in.',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: driveConnectionParams,
  body: driveFoldersBodySchema,
  response: driveSyncViewSchema,
});

export const syncGoogleDriveNowOp = defineOperation({
  id: 'syncGoogleDriveNow',
  method: 'POST',
  path: '/api/integrations/google-drive/connections/{connectionId}/sync',
  summary: 'Look for changes in the picked folders now (runs in the background; 409 when no folder is picked)',
  tag: 'integrations',
  auth: 'tenant',
  permission: 'settings:manage',
  params: driveConnectionParams,
  status: 202,
  response: driveSyncViewSchema,
});

export const receiveGoogleDriveNotificationOp = defineOperation({
  id: 'receiveGoogleDriveNotification',
  method: 'POST',
  path: '/api/integrations/google-drive/notifications',
  summary:
    "Google Drive's push notifications (changes.watch). The channel id and its secret token (X-Goog-Channel-ID, " +
    'X-Goog-Channel-Token) must match a channel Reflex opened; a change (X-Goog-Resource-State: change) starts a sync of ' +
    'that connection. Always 200: an unknown channel or a wrong token does nothing.',
  tag: 'integrations',
  auth: 'none',
  response: z.object({ ok: z.literal(true) }),
});
