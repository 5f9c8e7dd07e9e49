import { samlSpMetadataOp } from '@/lib/api/sso-saml';
import { appBaseUrl } from '@/lib/http/request-meta';
import { publicRoute } from '@/lib/http/route';
import { renderSamlSpMetadata, samlServiceProvider } from '@/lib/sso/saml';

export const GET = publicRoute(samlSpMetadataOp, async ({ req, params }) => {
  const xml = renderSamlSpMetadata(samlServiceProvider(appBaseUrl(req), params.connectionId));
  return new Response(xml, {
    status: 200,
    headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'public, max-age=300' },
  });
});
