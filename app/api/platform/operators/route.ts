import { grantOperatorOp } from '@/lib/api/ops';
import { platformRoute } from '@/lib/http/platform-route';
import { grantOperator } from '@/lib/ops/operators';

// Logged in the operator-action log with actor "platform token".
export const POST = platformRoute(grantOperatorOp, ({ body }) => grantOperator(body.email, { label: 'platform token' }));
