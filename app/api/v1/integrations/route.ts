import { listIntegrationsOp } from '@/lib/api/integrations';
import { tenantRoute } from '@/lib/http/route';
import { listIntegrations } from '@/lib/integrations/catalog';

export const GET = tenantRoute(listIntegrationsOp, ({ tx }) => listIntegrations(tx));
