import { inngest } from '@/inngest/client';
import { slackQuestionAsked } from '@/lib/events/slack';
import { composeSlackAnswer, deliverSlackAnswer } from '@/lib/integrations/slack/answer';
import { providerStep } from '@/inngest/integrations';

// Answers `/reflex ask` and @-mentions after the request was acknowledged. The answer is composed once (it costs an
// AI call) and kept in run state, so a post that Slack rate-limits is retried without asking the model again.
export const answerSlackQuestion = inngest.createFunction(
  { id: 'answer-slack-question', name: 'Answer a question asked in Slack', triggers: [slackQuestionAsked], retries: 4, concurrency: [{ key: 'event.data.tenantId', limit: 4 }] },
  async ({ event, step, runId }) => {
    const composed = await step.run('compose', () => composeSlackAnswer(event.data, `slack:${runId}`));
    await step.run('post', () => providerStep(() => deliverSlackAnswer(event.data, composed)));
    return { outcome: composed.outcome };
  },
);
