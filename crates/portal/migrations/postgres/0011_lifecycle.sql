-- The dossier after submission: who may act as an officer, what the agency
-- asked of the citizen (a supplement, a payment), the payments made through
-- the gateway, the result, and the citizen's rating.

-- People who hold the officer role. Real deployments grant it by inserting a
-- row here, as the demo seed does for its officer.
CREATE TABLE officer (
    subject TEXT PRIMARY KEY NOT NULL REFERENCES person (subject) ON DELETE CASCADE
);

-- The latest supplement request of a dossier; answered_at is set when the
-- citizen's supplement arrived. fields and documents are JSON arrays.
CREATE TABLE supplement_request (
    code TEXT PRIMARY KEY NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    requested_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    fields TEXT NOT NULL,
    documents TEXT NOT NULL,
    answered_at BIGINT
);

-- Supplements received, once per (dossier, client id): a replay finds the row;
-- request_hash tells a replay from a different body under the same id.
CREATE TABLE supplement_answer (
    code TEXT NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (code, client_id)
);

-- What a dossier owes (the latest payment request) and where it stands:
-- unpaid, awaiting_payment, paid, cancelled.
CREATE TABLE payment_due (
    code TEXT PRIMARY KEY NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    amount_vnd BIGINT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_at BIGINT NOT NULL
);

-- Each attempt to pay through the gateway. status: awaiting_payment, paid,
-- cancelled; reference and settled_at come with the gateway's notification.
CREATE TABLE payment (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    amount_vnd BIGINT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    settled_at BIGINT,
    reference TEXT
);
CREATE INDEX payment_code ON payment (code);

-- The key the portal shares with the payment gateway to sign notifications:
-- one row, made by whichever process starts first.
CREATE TABLE gateway_key (
    id BIGINT PRIMARY KEY NOT NULL,
    secret BYTEA NOT NULL
);

-- The result document an officer issued.
CREATE TABLE dossier_result (
    code TEXT PRIMARY KEY NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    issued_at BIGINT NOT NULL
);

-- The citizen's rating of a completed dossier, at most one.
CREATE TABLE dossier_rating (
    code TEXT PRIMARY KEY NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    score BIGINT NOT NULL,
    comment TEXT,
    rated_at BIGINT NOT NULL
);
