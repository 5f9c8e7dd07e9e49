-- Google Drive push notifications name only a channel id: the connection (and its tenant) is found by that id
-- through this named lookup, and everything else happens inside that tenant's transaction. The token hash is
-- returned so the route can compare it before it opens any tenant transaction.
CREATE OR REPLACE FUNCTION reflex_resolve_google_drive_channel(p_channel_id text)
RETURNS TABLE (tenant_id uuid, connection_id uuid, channel_token_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT s.tenant_id, s.connection_id, s.channel_token_hash FROM google_drive_states s WHERE s.channel_id = p_channel_id
$$;
--> statement-breakpoint
-- The backstop cron and channel renewal: every Drive connection with folders picked, and when its channel expires.
CREATE OR REPLACE FUNCTION reflex_google_drive_connections()
RETURNS TABLE (tenant_id uuid, connection_id uuid, channel_expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT s.tenant_id, s.connection_id, s.channel_expires_at FROM google_drive_states s
  WHERE jsonb_array_length(s.folders) > 0
  ORDER BY s.tenant_id, s.connection_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION reflex_resolve_google_drive_channel(text), reflex_google_drive_connections() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION reflex_resolve_google_drive_channel(text), reflex_google_drive_connections() TO app_auth, app_user;
