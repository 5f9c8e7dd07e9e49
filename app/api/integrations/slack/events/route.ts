import { jsonResponse } from '@/lib/http/respond';
import { receiveSlackEvents } from '@/lib/integrations/slack/inbound';
import { slackWebhook } from '@/lib/integrations/slack/webhook';

// Slack Events API: url_verification, app_mention, file_shared and message.channels (files).
export const POST = slackWebhook(async (signed) => {
  const outcome = await receiveSlackEvents(signed);
  if (outcome.kind === 'challenge') return jsonResponse({ challenge: outcome.challenge });
  return jsonResponse({ ok: true });
});
