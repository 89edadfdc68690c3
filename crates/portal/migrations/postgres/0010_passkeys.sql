-- Passkeys (WebAuthn credentials), per person. The credential id is
-- base64url; `passkey` is webauthn-rs's serialized Passkey (public key,
-- counter, flags). Every credential of a person carries the person's
-- WebAuthn user handle, which a discoverable sign-in returns.
CREATE TABLE passkey (
    credential_id TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL REFERENCES person (subject) ON DELETE CASCADE,
    user_handle TEXT NOT NULL,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    counter BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkey_subject ON passkey (subject);

-- A person's WebAuthn user handle: random, so it carries nothing personal,
-- and stable, so an authenticator replaces rather than piles up passkeys.
CREATE TABLE passkey_user (
    subject TEXT PRIMARY KEY NOT NULL REFERENCES person (subject) ON DELETE CASCADE,
    user_handle TEXT NOT NULL UNIQUE
);

-- A WebAuthn ceremony in progress: webauthn-rs's serialized state, kept in
-- the database so any portal process can finish what another started.
-- `purpose` is `register` (with the enrolling subject) or `sign_in` (with
-- the authorization request it signs in for). Taken once, by deleting it.
CREATE TABLE passkey_ceremony (
    id_hash TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    subject TEXT,
    request_id TEXT,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- How the person signed in for a code (RFC 8176 `amr` values), carried into
-- the ID token.
ALTER TABLE auth_code ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd otp mfa';
-- The sign-in session a grant belongs to: the ID token's `sid`, which
-- end-session uses to revoke exactly that session's grant.
ALTER TABLE oidc_grant ADD COLUMN sid TEXT;
