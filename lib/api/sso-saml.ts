import { z } from 'zod';
import { defineOperation } from '@/lib/http/operation';

const connectionParams = z.strictObject({ connectionId: z.uuid() });

export const samlSpMetadataOp = defineOperation({
  id: 'ssoSamlMetadata',
  method: 'GET',
  path: '/api/sso/saml/{connectionId}/metadata',
  summary:
    'SAML service-provider metadata (entity id, ACS URL) to upload to the identity provider. It is derived from the ' +
    'connection id alone, so it reveals nothing about any organization and answers alike for every id.',
  tag: 'sso',
  auth: 'none',
  params: connectionParams,
  responseContentType: 'application/samlmetadata+xml',
});

export const samlAcsOp = defineOperation({
  id: 'ssoSamlAcs',
  method: 'POST',
  path: '/api/sso/saml/{connectionId}/acs',
  summary:
    'Browser: the assertion consumer service (HTTP-POST binding, form fields SAMLResponse and RelayState). Signs in ' +
    'and redirects to the page asked for, or to /sso/error?reason=…. Only answers to sign-ins started here are accepted.',
  tag: 'sso',
  auth: 'none',
  params: connectionParams,
});
