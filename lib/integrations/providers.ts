// Imports every connector's config module, which registers it (lib/integrations/registry.ts). Each connector adds
// its line here: import './slack/config'; import './google-drive/config'; import './asana/config';
// None of them is on this branch yet; they are wired when the connector branches merge.
export {};
