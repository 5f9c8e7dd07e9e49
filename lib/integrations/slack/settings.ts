import { z } from 'zod';
import type { Tx } from '@/lib/db/types';
import { getConnectionSettings, updateConnectionSettings } from '../connections';

const channelId = z.string().regex(/^[CG][A-Z0-9]{2,30}$/, 'not a Slack channel id');

// What an admin picks on the Slack card, kept in the connection's settings.
export const slackSettingsSchema = z.object({
  fileChannels: z.array(channelId).max(100).default([]),
  notifyChannel: channelId.nullable().default(null),
});
export type SlackSettings = z.infer<typeof slackSettingsSchema>;

export const updateSlackSettingsSchema = z
  .strictObject({
    fileChannels: z.array(channelId).max(100).optional(),
    notifyChannel: channelId.nullable().optional(),
  })
  .meta({ id: 'UpdateSlackSettings' });

export async function readSlackSettings(tx: Tx, connectionId: string): Promise<SlackSettings> {
  const parsed = slackSettingsSchema.safeParse(await getConnectionSettings(tx, connectionId));
  return parsed.success ? parsed.data : slackSettingsSchema.parse({});
}

export async function writeSlackSettings(tx: Tx, connectionId: string, patch: z.infer<typeof updateSlackSettingsSchema>): Promise<SlackSettings> {
  const current = await readSlackSettings(tx, connectionId);
  const next: SlackSettings = {
    fileChannels: patch.fileChannels ? [...new Set(patch.fileChannels)] : current.fileChannels,
    notifyChannel: patch.notifyChannel === undefined ? current.notifyChannel : patch.notifyChannel,
  };
  await updateConnectionSettings(tx, connectionId, next);
  return next;
}
