import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';

export const invitationPreviewSchema = z
  .object({
    organization: z.string(),
    email: z.string(),
    role: z.string(),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  })
  .meta({ id: 'InvitationPreview' });

export const previewInvitationOp = defineOperation({
  id: 'previewInvitation',
  method: 'GET',
  path: '/api/v1/invitations/preview',
  summary: 'What an invitation link is for (organization, email, role, status), shown before accepting it',
  tag: 'identity',
  auth: 'none',
  query: z.strictObject({ token: z.string().min(20).max(200) }),
  response: invitationPreviewSchema,
});
