import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { slackLinkTokens, slackUserLinks, user } from '@/lib/db/schema';
import type { Tx } from '@/lib/db/types';
import { isUuid } from '@/lib/db/tenant';
import { AppError, notFound } from '@/lib/http/errors';

// Long enough to switch to a browser and sign in; short enough that a leaked message is soon worthless.
export const LINK_TOKEN_TTL_MS = 15 * 60 * 1000;

function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function findLinkedMember(tx: Tx, teamId: string, slackUserId: string): Promise<string | null> {
  const [row] = await tx
    .select({ userId: slackUserLinks.userId })
    .from(slackUserLinks)
    .where(and(eq(slackUserLinks.teamId, teamId), eq(slackUserLinks.slackUserId, slackUserId)))
    .limit(1);
  return row?.userId ?? null;
}

// The token names its organization (`<tenant id>.<secret>`), so the link page opens the right tenant; only the
// secret's hash is stored.
export async function createLinkToken(tx: Tx, tenantId: string, teamId: string, slackUserId: string, now = new Date()): Promise<string> {
  const secret = randomBytes(24).toString('base64url');
  await tx.insert(slackLinkTokens).values({ tenantId, tokenHash: hashToken(secret), teamId, slackUserId, expiresAt: new Date(now.getTime() + LINK_TOKEN_TTL_MS) });
  return `${tenantId}.${secret}`;
}

export function parseLinkToken(token: string): { tenantId: string; secret: string } | null {
  const [tenantId, secret, ...rest] = token.split('.');
  if (!tenantId || !secret || rest.length > 0 || !isUuid(tenantId) || secret.length > 100) return null;
  return { tenantId, secret };
}

const expired = () => new AppError('gone', 'This link has expired or was already used. Ask Reflex in Slack again for a new one.');

// Binds the Slack user the token was issued for to the signed-in member; the token is spent in the same statement
// that checks it, so two tabs cannot both use it. A Slack user linked before is re-linked to this member.
export async function redeemLinkToken(tx: Tx, tenantId: string, userId: string, secret: string, now = new Date()): Promise<{ teamId: string; slackUserId: string }> {
  const [spent] = await tx
    .update(slackLinkTokens)
    .set({ usedAt: now })
    .where(and(eq(slackLinkTokens.tokenHash, hashToken(secret)), isNull(slackLinkTokens.usedAt), gt(slackLinkTokens.expiresAt, now)))
    .returning({ teamId: slackLinkTokens.teamId, slackUserId: slackLinkTokens.slackUserId });
  if (!spent) throw expired();
  await tx
    .insert(slackUserLinks)
    .values({ tenantId, teamId: spent.teamId, slackUserId: spent.slackUserId, userId })
    .onConflictDoUpdate({ target: [slackUserLinks.tenantId, slackUserLinks.teamId, slackUserLinks.slackUserId], set: { userId, createdAt: now } });
  return spent;
}

export interface LinkedMember {
  id: string;
  slackUserId: string;
  member: { id: string; name: string; email: string } | null;
  linkedAt: string;
}

export async function listLinkedMembers(tx: Tx, teamId: string): Promise<LinkedMember[]> {
  const rows = await tx
    .select({ id: slackUserLinks.id, slackUserId: slackUserLinks.slackUserId, userId: slackUserLinks.userId, name: user.name, email: user.email, createdAt: slackUserLinks.createdAt })
    .from(slackUserLinks)
    .leftJoin(user, eq(user.id, slackUserLinks.userId))
    .where(eq(slackUserLinks.teamId, teamId))
    .orderBy(asc(slackUserLinks.createdAt));
  return rows.map((r) => ({
    id: r.id,
    slackUserId: r.slackUserId,
    member: r.name !== null && r.email !== null ? { id: r.userId, name: r.name, email: r.email } : null,
    linkedAt: r.createdAt.toISOString(),
  }));
}

export async function unlinkMember(tx: Tx, id: string): Promise<void> {
  const [gone] = await tx.delete(slackUserLinks).where(eq(slackUserLinks.id, id)).returning({ id: slackUserLinks.id });
  if (!gone) throw notFound('Linked Slack account');
}
