// Imports every connector's config module, which registers it (lib/integrations/registry.ts). Each connector adds
// its line here: import './slack/config'; import './google-drive/config'; import './asana/config';
import './slack/config';
import './google-drive/config';
import './google-drive/cleanup';
import './asana/config';
