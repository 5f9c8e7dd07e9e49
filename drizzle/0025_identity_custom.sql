-- better-auth's two-factor table and the record of account emails are platform data, reached as app_auth (the
-- login role's default role) like "user", "session", "account" and "verification". Tenant code (app_user) gets
-- nothing. DELETE on the delivery record: erasing an account erases the record of the emails sent to it.
GRANT SELECT, INSERT, UPDATE, DELETE ON two_factor, account_email_deliveries TO app_auth;
