import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { getDb } from '@/lib/db/client';
import { queryRows } from '@/lib/db/sql';
import { withTenant } from '@/lib/db/tenant';
import { getEnv } from '@/lib/env';
import { logger } from '@/lib/log';
import { withAccessToken, type ConnectionRef } from '../connections';
import { requestSync } from '../sync';
import { DriveApiError, DriveClient } from './client';
import { readDriveState, updateDriveState } from './state';

export const NOTIFICATIONS_PATH = '/api/integrations/google-drive/notifications';
// Drive keeps a changes channel for at most a week; ours ask for six days and are renewed a day before the end.
const CHANNEL_LIFETIME_MS = 6 * 24 * 3_600_000;
export const CHANNEL_RENEW_BEFORE_MS = 24 * 3_600_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Opens a new push channel on the connection's changes (and stops the previous one), so Google calls
 * NOTIFICATIONS_PATH when something changes. Without APP_URL there is nowhere to call: the backstop cron alone
 * keeps the connection in sync, and the card says so.
 */
export async function renewDriveChannel(ref: ConnectionRef): Promise<'renewed' | 'no_app_url' | 'not_ready'> {
  const appUrl = getEnv().APP_URL;
  if (!appUrl) return 'no_app_url';
  const state = await withTenant(ref.tenantId, (tx) => readDriveState(tx, ref.connectionId));
  if (!state?.changesPageToken || state.folders.length === 0) return 'not_ready';
  const pageToken = state.changesPageToken;
  const channelId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  try {
    await withAccessToken(ref, async (accessToken) => {
      const client = new DriveClient(accessToken);
      const opened = await client.watchChanges(pageToken, {
        id: channelId,
        token,
        address: new URL(NOTIFICATIONS_PATH, appUrl).toString(),
        expiration: new Date(Date.now() + CHANNEL_LIFETIME_MS),
      });
      await withTenant(ref.tenantId, (tx) =>
        updateDriveState(tx, ref.connectionId, {
          channelId,
          channelTokenHash: hashToken(token),
          channelResourceId: opened.resourceId,
          channelExpiresAt: opened.expiration,
        }),
      );
      if (state.channelId && state.channelResourceId) {
        // The old channel would keep calling until it expires; a failure here costs only redundant syncs.
        await client.stopChannel(state.channelId, state.channelResourceId).catch((err: unknown) => logger.warn('old Drive channel not stopped', { error: String(err) }));
      }
    });
  } catch (err) {
    if (!(err instanceof DriveApiError)) throw err;
    // Google refuses addresses that are not https on a verified domain (README, "Google Drive").
    const message = `Live updates from Google Drive could not be turned on (${err.message}); changes are picked up every 15 minutes instead.`;
    await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { lastError: message }));
    return 'not_ready';
  }
  return 'renewed';
}

// Stops the push channel (folders cleared, or the connection is going away).
export async function stopDriveChannel(ref: ConnectionRef): Promise<void> {
  const state = await withTenant(ref.tenantId, (tx) => readDriveState(tx, ref.connectionId));
  if (!state?.channelId || !state.channelResourceId) return;
  const { channelId, channelResourceId } = state;
  await withAccessToken(ref, (accessToken) => new DriveClient(accessToken).stopChannel(channelId, channelResourceId));
  await withTenant(ref.tenantId, (tx) => updateDriveState(tx, ref.connectionId, { channelId: null, channelTokenHash: null, channelResourceId: null, channelExpiresAt: null }));
}

export interface DriveNotification {
  channelId: string | null;
  channelToken: string | null;
  resourceState: string | null;
  messageNumber: string | null;
}

export type NotificationOutcome = 'sync_requested' | 'acknowledged' | 'ignored';

/**
 * A push notification from Google: the channel id finds the connection (reflex_resolve_google_drive_channel, the
 * named cross-tenant lookup), the secret token must match the one the channel was opened with, and only a change
 * starts a sync of that one connection. Anything else is answered the same way and does nothing, so a caller
 * learns nothing about which channels exist.
 */
export async function handleDriveNotification(n: DriveNotification): Promise<NotificationOutcome> {
  if (!n.channelId || !n.channelToken || !n.resourceState) return 'ignored';
  const [channel] = await queryRows<{ tenant_id: string; connection_id: string; channel_token_hash: string | null }>(
    await getDb(),
    sql`select tenant_id, connection_id, channel_token_hash from reflex_resolve_google_drive_channel(${n.channelId})`,
  );
  if (!channel?.channel_token_hash || !sameHash(channel.channel_token_hash, hashToken(n.channelToken))) {
    if (channel) logger.warn('Google Drive notification with a wrong channel token ignored', { tenantId: channel.tenant_id });
    return 'ignored';
  }
  // "sync" is the channel's first message, sent when it opens; it announces nothing.
  if (n.resourceState === 'sync') return 'acknowledged';
  if (n.resourceState !== 'change') return 'ignored';
  // Keyed by channel and message number: Google redelivering a message starts no second run.
  await requestSync({
    tenantId: channel.tenant_id,
    connectionId: channel.connection_id,
    provider: 'google_drive',
    reason: 'webhook',
    key: `${n.channelId}:${n.messageNumber ?? randomUUID()}`,
  });
  return 'sync_requested';
}

// Every connection with folders picked, for the backstop cron and channel renewal (reflex_google_drive_connections).
export async function listDriveConnections(): Promise<{ ref: ConnectionRef; channelExpiresAt: Date | null }[]> {
  const rows = await queryRows<{ tenant_id: string; connection_id: string; channel_expires_at: string | Date | null }>(
    await getDb(),
    sql`select tenant_id, connection_id, channel_expires_at from reflex_google_drive_connections()`,
  );
  return rows.map((r) => ({
    ref: { tenantId: r.tenant_id, connectionId: r.connection_id },
    channelExpiresAt: r.channel_expires_at ? new Date(r.channel_expires_at) : null,
  }));
}

// A channel is opened once the first sync has a changes token, and renewed a day before it would lapse.
export async function isDriveChannelDue(ref: ConnectionRef, now = new Date()): Promise<boolean> {
  if (!getEnv().APP_URL) return false;
  const state = await withTenant(ref.tenantId, (tx) => readDriveState(tx, ref.connectionId));
  if (!state?.changesPageToken || state.folders.length === 0) return false;
  return !state.channelExpiresAt || state.channelExpiresAt.getTime() - now.getTime() < CHANNEL_RENEW_BEFORE_MS;
}
