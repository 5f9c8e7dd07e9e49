import { inngest } from '@/inngest/client';
import { slackReplyRequested } from '@/lib/events/slack';
import { postToResponseUrl } from '@/lib/integrations/slack/client';
import { providerStep } from '@/inngest/integrations';

// Replies to an interaction (a task marked done from Slack) through its response_url, outside the 3-second ack.
export const postSlackReply = inngest.createFunction(
  { id: 'post-slack-reply', name: 'Reply to a Slack interaction', triggers: [slackReplyRequested], retries: 4 },
  async ({ event, step }) => {
    await step.run('post', () => providerStep(() => postToResponseUrl(event.data.responseUrl, { text: event.data.text, response_type: 'ephemeral', replace_original: false })));
    return { posted: true };
  },
);
