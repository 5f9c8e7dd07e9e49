import { z } from 'zod';
import { pageQuery } from '@/lib/http/pagination';

export const idParams = z.strictObject({ id: z.uuid() });
export const listQuery = z.strictObject(pageQuery);
export const okSchema = z.object({ ok: z.literal(true) });
