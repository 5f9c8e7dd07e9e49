// Importing every operation module registers it for the OpenAPI document.
import './identity';
import './members';
import './roles';
import './api-keys';
import './invitations';
import './platform';

export { listOperations } from '@/lib/http/operation';
