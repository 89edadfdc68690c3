-- An authorization request waiting for the person to sign in; the login
-- form carries its random id.
CREATE TABLE auth_request (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    state TEXT,
    nonce TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- A grant: what one redeemed authorization code issued. Revoking it revokes
-- every token it issued.
CREATE TABLE oidc_grant (
    id TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL REFERENCES person (subject) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Authorization codes, stored as SHA-256 hashes; grant_id is set when the
-- code is redeemed, so a replay knows what to revoke.
CREATE TABLE auth_code (
    code_hash TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL REFERENCES person (subject) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    auth_time BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    grant_id TEXT
);

-- Access tokens, stored as SHA-256 hashes.
CREATE TABLE access_token (
    token_hash TEXT PRIMARY KEY NOT NULL,
    grant_id TEXT NOT NULL REFERENCES oidc_grant (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX access_token_grant ON access_token (grant_id);
