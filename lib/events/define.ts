import { EventType } from 'inngest';
import { z } from 'zod';

// Every event is a past-tense fact (`document/uploaded`) about one tenant: the schema always starts with
// tenantId, and the same zod schema validates on send (lib/events/send.ts) and on receipt (the SDK).
export function defineEvent<TName extends `${string}/${string}`, TShape extends z.ZodRawShape>(name: TName, shape: TShape) {
  return new EventType({ name, schema: z.object({ tenantId: z.uuid(), ...shape }) });
}
