-- People who can sign in, the enterprises they may act for, and the mandates
-- that say how far. Passwords are Argon2id PHC strings; the one-time-code
-- secret is the authenticator app's, with the last accepted step so a code
-- is accepted once.
CREATE TABLE person (
    subject TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    citizen_id TEXT NOT NULL UNIQUE,
    date_of_birth TEXT NOT NULL,
    phone TEXT,
    address TEXT,
    assurance TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL,
    totp_last_step INTEGER
);

CREATE TABLE enterprise (
    tax_code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    parent TEXT
);

-- scope is JSON: "all" or {"procedures": [...]}, as hoso_domain::profile::MandateScope.
CREATE TABLE mandate (
    subject TEXT NOT NULL REFERENCES person (subject) ON DELETE CASCADE,
    tax_code TEXT NOT NULL REFERENCES enterprise (tax_code) ON DELETE CASCADE,
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_on TEXT,
    PRIMARY KEY (subject, tax_code)
);
