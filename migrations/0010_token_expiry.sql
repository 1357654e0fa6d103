-- API tokens expire (a leaked token otherwise works until someone notices and revokes it). A
-- token's lifetime is chosen when it is created (90 days unless asked otherwise, at most 365);
-- tokens that exist when this runs get 90 days from now, so that no client stops working at the
-- upgrade itself.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ NOT NULL DEFAULT now() + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at DROP DEFAULT;
