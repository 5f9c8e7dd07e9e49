import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/lib/db/client';
import { platformSettings } from '@/lib/db/schema';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { logger } from '@/lib/log';
import { DEFAULT_MAINTENANCE_MESSAGE, isGuardedWrite, MAINTENANCE_RETRY_AFTER_SECONDS } from './policy';

export { isGuardedWrite, DEFAULT_MAINTENANCE_MESSAGE } from './policy';

const SETTING_KEY = 'maintenance';
// Every instance re-reads the switch at most this often: turning it on takes effect within a few seconds.
export const MAINTENANCE_CACHE_MS = 5_000;

export const setMaintenanceSchema = z.strictObject({
  enabled: z.boolean(),
  message: z.string().trim().min(1).max(500).optional(),
});

export const maintenanceStateSchema = z
  .object({
    enabled: z.boolean(),
    message: z.string(),
    source: z.enum(['env', 'operator', 'off']),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'MaintenanceState' });
export type MaintenanceState = z.infer<typeof maintenanceStateSchema>;

const storedSchema = z.object({ enabled: z.boolean(), message: z.string().nullable() });

interface Cache {
  at: number;
  value: Promise<MaintenanceState>;
}

const holder = globalThis as typeof globalThis & { __reflexMaintenance?: Cache };

// This instance re-reads at once; the others within MAINTENANCE_CACHE_MS.
export function clearMaintenanceCache(): void {
  holder.__reflexMaintenance = undefined;
}

async function readSwitch(): Promise<MaintenanceState> {
  const db = await getDb();
  const [row] = await db.select().from(platformSettings).where(eq(platformSettings.key, SETTING_KEY)).limit(1);
  const parsed = row ? storedSchema.safeParse(row.value) : undefined;
  if (!row || !parsed?.success || !parsed.data.enabled) {
    return { enabled: false, message: '', source: 'off', updatedAt: row ? row.updatedAt.toISOString() : null };
  }
  return {
    enabled: true,
    message: parsed.data.message ?? DEFAULT_MAINTENANCE_MESSAGE,
    source: 'operator',
    updatedAt: row.updatedAt.toISOString(),
  };
}

// MAINTENANCE_MODE=1 wins; otherwise the operator switch stored in platform_settings, cached per instance.
// Platform path: call it before opening a withTenant transaction (the embedded database has one connection).
export async function getMaintenanceState(now = Date.now()): Promise<MaintenanceState> {
  if (getEnv().MAINTENANCE_MODE) {
    return { enabled: true, message: DEFAULT_MAINTENANCE_MESSAGE, source: 'env', updatedAt: null };
  }
  const cached = holder.__reflexMaintenance;
  if (cached && now - cached.at < MAINTENANCE_CACHE_MS) return cached.value;
  const value = readSwitch().catch((err: unknown) => {
    // Unreadable means the database is down and writes fail on their own; the fallback is cached like a real
    // answer so that a dead database is not asked again on every request.
    logger.warn('maintenance switch unreadable; assuming off', { error: err instanceof Error ? err.message : String(err) });
    return { enabled: false, message: '', source: 'off' as const, updatedAt: null };
  });
  holder.__reflexMaintenance = { at: now, value };
  return value;
}

export async function setMaintenance(input: z.infer<typeof setMaintenanceSchema>): Promise<MaintenanceState> {
  const db = await getDb();
  const value = { enabled: input.enabled, message: input.message ?? null };
  const updatedAt = new Date();
  await db
    .insert(platformSettings)
    .values({ key: SETTING_KEY, value, updatedAt })
    .onConflictDoUpdate({ target: platformSettings.key, set: { value, updatedAt } });
  clearMaintenanceCache();
  logger.warn(input.enabled ? 'maintenance mode switched on' : 'maintenance mode switched off', { by: 'platform-admin' });
  return getMaintenanceState();
}

// Throws AppError('maintenance') (503, Retry-After) for a guarded write while maintenance is on; reads and
// unguarded paths return at once without touching the database.
// Callers: every route wrapper in lib/http (publicRoute, principalRoute, tenantRoute), first thing, before the
// principal is resolved and before any withTenant transaction; and app/api/auth/[...all]/route.ts's POST.
export async function assertWritable(req: Request): Promise<void> {
  if (!isGuardedWrite(req.method, new URL(req.url).pathname)) return;
  const state = await getMaintenanceState();
  if (!state.enabled) return;
  throw new AppError('maintenance', state.message, { headers: { 'Retry-After': String(MAINTENANCE_RETRY_AFTER_SECONDS) } });
}
