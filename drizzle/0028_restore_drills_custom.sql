-- restore_drills is operator history, read by the platform path (app_auth) and written by the drill function
-- through the same path. Append-only for the app: a drill's record is evidence, so no UPDATE or DELETE.
GRANT SELECT, INSERT ON restore_drills TO app_auth;
--> statement-breakpoint
COMMENT ON TABLE restore_drills IS 'Platform data: restore drill history (RTO/RPO). Never put tenant names or ids here.';
