import { jsonResponse } from '@/lib/http/respond';
import { receiveSlackCommand } from '@/lib/integrations/slack/inbound';
import { slackWebhook } from '@/lib/integrations/slack/webhook';

// The `/reflex` slash command: acknowledged at once; the answer follows through the response_url.
export const POST = slackWebhook(async (signed) => jsonResponse(await receiveSlackCommand(signed)));
