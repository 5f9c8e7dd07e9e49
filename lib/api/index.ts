// Importing every operation module registers it for the OpenAPI document.
import './identity';
import './members';
import './roles';
import './api-keys';
import './invitations';
import './invitation-preview';
import './platform';
import './audit';
import './operations';
import './tasks';
import './events';
import './documents';
import './usage';
import './search';
import './assistant';
import './settings';
import './quotas';
import './privacy';
import './dashboard';
import './scim';

export { listOperations } from '@/lib/http/operation';
import './billing';
import './integrations';
import './asana';
