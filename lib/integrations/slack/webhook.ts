import { requestIdFor } from '@/lib/http/request-meta';
import { errorResponse } from '@/lib/http/respond';
import { readSignedSlackRequest, type SignedSlackRequest } from './inbound';

// The three Slack endpoints share this: verify, then answer fast. Refusals are 4xx (Slack does not retry them);
// an unexpected failure is a 500, which is the one case where Slack's retry is wanted.
export function slackWebhook(handle: (signed: SignedSlackRequest) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    const requestId = requestIdFor(req);
    try {
      return await handle(await readSignedSlackRequest(req));
    } catch (err) {
      return errorResponse(err, requestId);
    }
  };
}
