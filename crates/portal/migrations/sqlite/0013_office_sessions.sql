-- Officers signed in to the back-office pages through a browser. The cookie
-- holds a random token; only its SHA-256 is kept here, so a copy of the
-- database opens no session. Rows live in the database, not in one process,
-- so every portal process on one PostgreSQL honours the same sessions.
CREATE TABLE office_session (
    token_hash TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL REFERENCES person (subject) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX office_session_expiry ON office_session (expires_at);
