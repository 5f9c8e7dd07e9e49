import { getSlackSettingsOp, updateSlackSettingsOp } from '@/lib/api/slack';
import { tenantRoute, tenantRouteWith } from '@/lib/http/route';
import { findSlackRef, getSlackAdminView, listSlackChannels, updateSlackAdminSettings } from '@/lib/integrations/slack/admin';

// The channel list comes from Slack before the transaction opens.
export const GET = tenantRouteWith(
  getSlackSettingsOp,
  {
    prepare: async ({ inTenant, tenantId }) => {
      const ref = await inTenant((tx) => findSlackRef(tx, tenantId));
      return ref ? listSlackChannels(ref) : { channels: [], error: null };
    },
  },
  ({ tx, prepared }) => getSlackAdminView(tx, prepared),
);

export const PATCH = tenantRoute(updateSlackSettingsOp, ({ tx, body }) => updateSlackAdminSettings(tx, body));
