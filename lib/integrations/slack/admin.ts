import { z } from 'zod';
import type { Tx } from '@/lib/db/types';
import { AppError, notFound } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { withAccessToken, IntegrationReauthRequired, type ConnectionRef } from '../connections';
import { ProviderRetryLater } from '../http';
import { callSlack, slackClient } from './client';
import { findSlackConnectionRow } from './connection';
import { listLinkedMembers, parseLinkToken, redeemLinkToken, unlinkMember } from './links';
import { readSlackSettings, slackSettingsSchema, writeSlackSettings, type updateSlackSettingsSchema } from './settings';

export const slackChannelSchema = z.object({ id: z.string(), name: z.string() });

export const slackAdminViewSchema = z
  .object({
    connectionId: z.uuid(),
    workspace: z.string(),
    settings: slackSettingsSchema,
    channels: z.array(slackChannelSchema).describe("The workspace's public channels, for the pickers"),
    channelsError: z.string().nullable().describe('Why the channel list could not be read from Slack (the card still works)'),
    linkedMembers: z.array(
      z.object({
        id: z.uuid(),
        slackUserId: z.string(),
        member: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
        linkedAt: z.iso.datetime(),
      }),
    ),
  })
  .meta({ id: 'SlackSettingsView' });
export type SlackAdminView = z.infer<typeof slackAdminViewSchema>;

export const linkSlackAccountSchema = z.strictObject({ token: z.string().min(10).max(200) }).meta({ id: 'LinkSlackAccount' });
export const linkedSlackAccountSchema = z.object({ slackUserId: z.string(), workspace: z.string() }).meta({ id: 'LinkedSlackAccount' });

const channelListSchema = z.object({
  channels: z.array(z.object({ id: z.string(), name: z.string(), is_archived: z.boolean().optional() })).default([]),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});
const MAX_CHANNEL_PAGES = 10;

export interface ChannelList {
  channels: z.infer<typeof slackChannelSchema>[];
  error: string | null;
}

// Read before the request's tenant transaction (a Slack round trip must not hold a connection). A failure is
// shown on the card, not turned into an error page: the settings and links still load.
export async function listSlackChannels(ref: ConnectionRef): Promise<ChannelList> {
  try {
    const channels = await withAccessToken(ref, async (token) => {
      const client = slackClient(token);
      const out: ChannelList['channels'] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_CHANNEL_PAGES; page++) {
        const res = channelListSchema.parse(await callSlack(() => client.conversations.list({ exclude_archived: true, types: 'public_channel', limit: 200, ...(cursor ? { cursor } : {}) })));
        out.push(...res.channels.filter((c) => !c.is_archived).map((c) => ({ id: c.id, name: c.name })));
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    });
    return { channels, error: null };
  } catch (err) {
    if (err instanceof IntegrationReauthRequired) return { channels: [], error: 'Slack no longer accepts this installation. Reconnect Slack to pick channels.' };
    if (err instanceof ProviderRetryLater) return { channels: [], error: 'Slack is busy right now. Try again in a minute.' };
    logger.warn('slack: could not list channels', { tenantId: ref.tenantId, error: err instanceof Error ? err.message : String(err) });
    return { channels: [], error: 'The channel list could not be loaded from Slack.' };
  }
}

async function requireSlackConnection(tx: Tx) {
  const row = await findSlackConnectionRow(tx);
  if (!row) throw notFound('Slack connection');
  return row;
}

export async function findSlackRef(tx: Tx, tenantId: string): Promise<ConnectionRef | null> {
  const row = await findSlackConnectionRow(tx);
  return row ? { tenantId, connectionId: row.id } : null;
}

export async function getSlackAdminView(tx: Tx, channels: ChannelList): Promise<SlackAdminView> {
  const row = await requireSlackConnection(tx);
  return {
    connectionId: row.id,
    workspace: row.externalAccountName,
    settings: await readSlackSettings(tx, row.id),
    channels: channels.channels,
    channelsError: channels.error,
    linkedMembers: await listLinkedMembers(tx, row.externalAccountId),
  };
}

export async function updateSlackAdminSettings(tx: Tx, patch: z.infer<typeof updateSlackSettingsSchema>) {
  const row = await requireSlackConnection(tx);
  return writeSlackSettings(tx, row.id, patch);
}

export async function removeSlackLink(tx: Tx, linkId: string): Promise<void> {
  await unlinkMember(tx, linkId);
}

// The link page posts the token with the organization it names as the tenant (x-tenant-id), so the access check
// has already proven the signed-in person is a member there. A token of another organization is "expired", like
// an unknown one.
export async function linkSlackAccount(tx: Tx, input: { tenantId: string; userId: string | null; token: string }) {
  if (!input.userId) throw new AppError('forbidden', 'Sign in as yourself to link a Slack account; an API key cannot.');
  const parsed = parseLinkToken(input.token);
  if (!parsed || parsed.tenantId !== input.tenantId) throw new AppError('gone', 'This link has expired or was already used. Ask Reflex in Slack again for a new one.');
  const linked = await redeemLinkToken(tx, input.tenantId, input.userId, parsed.secret);
  const row = await findSlackConnectionRow(tx);
  return { slackUserId: linked.slackUserId, workspace: row?.externalAccountName ?? 'Slack' };
}
