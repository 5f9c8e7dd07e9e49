import { receiveGoogleDriveNotificationOp } from '@/lib/api/google-drive';
import { publicRoute } from '@/lib/http/route';
import { handleDriveNotification } from '@/lib/integrations/google-drive/watch';

// Google sends the facts in headers and an empty body; whatever the outcome, the answer is the same 200.
export const POST = publicRoute(receiveGoogleDriveNotificationOp, async ({ req }) => {
  await handleDriveNotification({
    channelId: req.headers.get('x-goog-channel-id'),
    channelToken: req.headers.get('x-goog-channel-token'),
    resourceState: req.headers.get('x-goog-resource-state'),
    messageNumber: req.headers.get('x-goog-message-number'),
  });
  return { ok: true as const };
});
