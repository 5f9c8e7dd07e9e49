// Imports every connector's config module, which registers it (lib/integrations/registry.ts). Each connector adds
// its line here.
import './asana/config';
