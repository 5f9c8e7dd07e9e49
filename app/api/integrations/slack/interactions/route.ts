import { receiveSlackInteraction } from '@/lib/integrations/slack/tasks';
import { slackWebhook } from '@/lib/integrations/slack/webhook';

// Interactivity: the "Mark done" button of task notices. Slack ignores the body of this answer.
export const POST = slackWebhook(async (signed) => {
  await receiveSlackInteraction(signed);
  return new Response(null, { status: 200 });
});
