-- Refresh tokens, stored as SHA-256 hashes. Each use rotates: the presented
-- token stops being current and a new one is issued in its grant. A token
-- that is no longer current coming back means the family leaked.
CREATE TABLE refresh_token (
    token_hash TEXT PRIMARY KEY NOT NULL,
    grant_id TEXT NOT NULL REFERENCES oidc_grant (id) ON DELETE CASCADE,
    is_current INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX refresh_token_grant ON refresh_token (grant_id);

ALTER TABLE oidc_grant ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
