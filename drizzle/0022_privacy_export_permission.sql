-- privacy:export (export your own personal data) is a new permission. Until now any member could request a
-- personal export, and so could any API key of theirs whatever its scopes. People keep that: every stored role,
-- built-in or custom, gains privacy:export (new tenants' built-in roles get it from lib/auth/permissions.ts).
-- API keys (below) keep it only when they could already export the whole organization.
-- Migrations run as the owner, which RLS (forced on roles) would silently restrict to no rows unless it is a
-- superuser or BYPASSRLS: with row_security off, such an owner gets an error instead of a partial update.
SELECT set_config('row_security', 'off', true);
--> statement-breakpoint
UPDATE roles SET permissions = array_append(permissions, 'privacy:export'), updated_at = now()
WHERE NOT ('privacy:export' = ANY (permissions));
--> statement-breakpoint
-- A key that may export the whole organization (privacy:manage) already reaches its creator's data; it keeps the
-- personal export too. Every other key has to be created anew with privacy:export.
UPDATE api_keys SET scopes = array_append(scopes, 'privacy:export'), updated_at = now()
WHERE 'privacy:manage' = ANY (scopes) AND NOT ('privacy:export' = ANY (scopes));
