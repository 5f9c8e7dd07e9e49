import { cookies } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { MFA_ENROL_PATH, resolveOperator, type OperatorGate } from './guard';

export type PageOperator = Extract<OperatorGate, { kind: 'operator' }>;

// The /ops pages' gate (server components): the same decision as the /api/ops routes. Anyone who is not an operator
// gets the ordinary 404 page; an operator without TOTP is sent to enrol first. Cached per request, so the layout and
// its page share one lookup.
export const requireOperatorPage = cache(async (): Promise<PageOperator> => {
  const cookie = (await cookies()).toString();
  const gate = cookie ? await resolveOperator(new Request('http://reflex.local/ops', { headers: { cookie } })) : { kind: 'none' as const };
  if (gate.kind === 'none') notFound();
  if (gate.kind === 'needs_mfa') redirect(`${MFA_ENROL_PATH}?required=operator`);
  return gate;
});
