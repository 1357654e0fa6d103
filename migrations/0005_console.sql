-- Console sign-in sessions. Only a SHA-256 of each session id is stored, so a copy of this
-- table cannot be used to take over a session.
CREATE TABLE sessions (
  id_sha256            TEXT PRIMARY KEY,
  user_id              BIGINT NOT NULL REFERENCES users (id),
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  absolute_expires_at  TIMESTAMPTZ NOT NULL,
  ended_at             TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
