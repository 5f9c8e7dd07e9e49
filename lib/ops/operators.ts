import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { findUserByEmail } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { platformOperators, user } from '@/lib/db/schema';
import { AppError, notFound } from '@/lib/http/errors';
import { recordOperatorAction, type OperatorActor } from './action-log';

// Platform administrators: users holding the operator role (platform_operators, reached as app_auth like
// better-auth's own tables). Granted and removed with `npm run admin -- operators add|remove --email …`.

export const operatorEmailSchema = z.email().max(320);

export interface OperatorRow {
  userId: string;
  email: string;
  name: string;
  twoFactorEnabled: boolean;
  grantedAt: string;
  grantedBy: string;
}

export async function isOperator(userId: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select({ userId: platformOperators.userId }).from(platformOperators).where(eq(platformOperators.userId, userId)).limit(1);
  return row !== undefined;
}

async function userByEmail(email: string) {
  const found = await findUserByEmail(operatorEmailSchema.parse(email));
  if (!found) throw notFound('Account');
  return found;
}

export async function grantOperator(email: string, by: OperatorActor): Promise<{ email: string; granted: boolean }> {
  const target = await userByEmail(email);
  const db = await getDb();
  const inserted = await db.insert(platformOperators).values({ userId: target.id, grantedBy: by.label }).onConflictDoNothing().returning({ userId: platformOperators.userId });
  if (inserted.length > 0) await recordOperatorAction(by, { action: 'operators.grant', summary: `Made ${target.email} an operator`, metadata: { email: target.email } });
  return { email: target.email, granted: inserted.length > 0 };
}

export async function revokeOperator(email: string, by: OperatorActor): Promise<{ email: string; removed: boolean }> {
  const target = await userByEmail(email);
  const db = await getDb();
  const removed = await db.delete(platformOperators).where(eq(platformOperators.userId, target.id)).returning({ userId: platformOperators.userId });
  if (removed.length === 0) throw new AppError('not_found', `${target.email} is not an operator`);
  await recordOperatorAction(by, { action: 'operators.revoke', summary: `Removed ${target.email} as an operator`, metadata: { email: target.email } });
  return { email: target.email, removed: true };
}

export async function listOperators(): Promise<OperatorRow[]> {
  const db = await getDb();
  const rows = await db
    .select({ userId: user.id, email: user.email, name: user.name, twoFactorEnabled: user.twoFactorEnabled, grantedAt: platformOperators.grantedAt, grantedBy: platformOperators.grantedBy })
    .from(platformOperators)
    .innerJoin(user, eq(user.id, platformOperators.userId))
    .orderBy(asc(user.email));
  return rows.map((r) => ({ ...r, grantedAt: r.grantedAt.toISOString() }));
}
