import { z } from 'zod';
export const ssoProfileSchema = z.object({
  subject: z.string().min(1).max(512),
  email: z.email().max(320),
  emailVerified: z.boolean(),
  name: z.string().max(200).nullable(),
  groups: z.array(z.string().min(1).max(256)).max(500),
});
export type SsoProfile = z.infer<typeof ssoProfileSchema>;
