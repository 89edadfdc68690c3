-- The identity provider's ES256 signing keys: the private key as base64
-- PKCS#8, and when a newer key took over (NULL for the current one).
CREATE TABLE signing_key (
    kid TEXT PRIMARY KEY NOT NULL,
    pkcs8 TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);

-- One row, locked while keys are created or rotated, so two portal processes
-- starting together cannot both make a current key.
CREATE TABLE signing_key_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    touched_at INTEGER NOT NULL
);
INSERT INTO signing_key_lock (id, touched_at) VALUES (1, 0);
