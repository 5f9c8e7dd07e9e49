import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { account, session, twoFactor, user } from '@/lib/db/schema';
import { AppError, notFound } from '@/lib/http/errors';
import { getAuth } from './auth';

export const passwordSchema = z.string().min(10, 'Passwords need at least 10 characters').max(128);

export async function findUserByEmail(email: string): Promise<{ id: string; email: string; name: string } | null> {
  const db = await getDb();
  const [row] = await db
    .select({ id: user.id, email: user.email, name: user.name })
    .from(user)
    .where(eq(sql`lower(${user.email})`, email.toLowerCase()))
    .limit(1);
  return row ?? null;
}

// Platform path (provisioning, CLI): creates a user the way better-auth's own sign-up does, without opening a
// session for them.
export async function ensureUser(input: { email: string; name?: string; password?: string }): Promise<{ id: string; created: boolean }> {
  const existing = await findUserByEmail(input.email);
  if (existing) return { id: existing.id, created: false };
  const ctx = await (await getAuth()).$context;
  const created = await ctx.internalAdapter.createUser({
    email: input.email.toLowerCase(),
    name: input.name ?? input.email.split('@')[0] ?? input.email,
    emailVerified: false,
  }, { method: 'admin' });
  if (!created) throw new AppError('internal', 'User was not created');
  if (input.password) await setUserPassword(input.email, input.password);
  return { id: created.id, created: true };
}

export async function setUserPassword(email: string, password: string): Promise<void> {
  const found = await findUserByEmail(email);
  if (!found) throw notFound('User');
  const ctx = await (await getAuth()).$context;
  const hash = await ctx.password.hash(passwordSchema.parse(password));
  const db = await getDb();
  const [credential] = await db
    .select({ id: account.id })
    .from(account)
    .where(sql`${account.userId} = ${found.id} and ${account.providerId} = 'credential'`)
    .limit(1);
  if (credential) await ctx.internalAdapter.updatePassword(found.id, hash);
  else await ctx.internalAdapter.linkAccount({ userId: found.id, providerId: 'credential', accountId: found.id, password: hash });
}

export async function revokeAllSessions(userId: string): Promise<void> {
  const ctx = await (await getAuth()).$context;
  await ctx.internalAdapter.deleteUserSessions(userId);
}

// Operator path (CLI): removes an account's second factor and ends its sessions, whatever organizations it is in
// (an owner may do this only for an account that is in theirs alone, lib/tenancy/member-mfa.ts).
export async function resetUserMfa(email: string): Promise<{ userId: string }> {
  const found = await findUserByEmail(email);
  if (!found) throw notFound('User');
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.delete(twoFactor).where(eq(twoFactor.userId, found.id));
    await tx.update(user).set({ twoFactorEnabled: false, updatedAt: new Date() }).where(eq(user.id, found.id));
    await tx.delete(session).where(eq(session.userId, found.id));
  });
  return { userId: found.id };
}
