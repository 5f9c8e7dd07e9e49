import { verifySsoDomainOp } from '@/lib/api/sso';
import { tenantRouteWith } from '@/lib/http/route';
import { checkDomainDns, readDomainChallenge, recordDomainCheck } from '@/lib/sso/domains';

// The DNS lookup runs before the transaction: a slow resolver must not hold a database connection.
export const POST = tenantRouteWith(
  verifySsoDomainOp,
  {
    prepare: async ({ inTenant, params }) => {
      const challenge = await inTenant((tx) => readDomainChallenge(tx, params.id));
      return { ...challenge, ...(await checkDomainDns(challenge.domain, challenge.token)) };
    },
  },
  ({ tx, tenantId, params, prepared }) => recordDomainCheck(tx, tenantId, params.id, prepared),
);
