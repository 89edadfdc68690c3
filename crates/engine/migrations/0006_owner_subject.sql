-- Whose is each row: the signed-in person's OpenID Connect subject (`sub` of
-- the ID token) on every table that holds one person's data, so that on a
-- shared device a second person sees, syncs and sends nothing of the first.
-- Every read and write names the subject; every index starts with it.
--
-- Rows already on the device were written before the owner was recorded.
-- They are claimed by the person whose profile is cached in `setting` at
-- upgrade: that profile is kept from the person's sign-in until they sign
-- out, so it names whoever was signed in when the app was upgraded, the
-- person who wrote them (the old app kept one person's data at a time).
-- Without a cached profile (nobody was signed in) they are left unclaimed,
-- subject '', and the next person who signs in claims them (see
-- `Store::adopt_subject`): the old app showed them to whoever signed in
-- next, so no one sees anything they could not see before, and nothing
-- queued is stranded.
CREATE TEMP TABLE owner_at_upgrade AS
    SELECT COALESCE((SELECT json_extract(value, '$.person.subject') FROM setting WHERE name = 'profile'), '')
        AS subject;

-- Drafts and their attachments.
ALTER TABLE draft ADD COLUMN subject TEXT NOT NULL DEFAULT '';
UPDATE draft SET subject = (SELECT subject FROM owner_at_upgrade);
DROP INDEX draft_by_profile;
CREATE INDEX draft_by_profile ON draft (subject, acting_as, saved_at);

ALTER TABLE attachment ADD COLUMN subject TEXT NOT NULL DEFAULT '';
UPDATE attachment SET subject = (SELECT subject FROM owner_at_upgrade);

-- Dossiers, keyed by owner: two representatives of one enterprise on one
-- device each hold its dossiers (same client id, same code) as their own.
-- The tables that refer to a dossier are rebuilt with it, since a foreign
-- key names the whole key.
CREATE TABLE dossier_v6 (
    subject TEXT NOT NULL,
    client_id TEXT NOT NULL,
    acting_as TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    status TEXT NOT NULL,
    code TEXT,
    due_on TEXT,
    updated_at TEXT,
    seen_cursor INTEGER,
    PRIMARY KEY (subject, client_id),
    UNIQUE (subject, code)
);
INSERT INTO dossier_v6 (subject, client_id, acting_as, procedure_code, status, code, due_on, updated_at, seen_cursor)
    SELECT (SELECT subject FROM owner_at_upgrade), client_id, acting_as, procedure_code, status, code, due_on,
           updated_at, seen_cursor
    FROM dossier;

CREATE TABLE outbox_v6 (
    subject TEXT NOT NULL,
    client_id TEXT NOT NULL,
    phase TEXT NOT NULL CHECK (phase IN ('pending', 'needs_action', 'sent')),
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    -- 1 when `next_attempt_at` is the portal's `Retry-After`, which a
    -- reconnection does not cut short (a backoff of ours it does).
    retry_after INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, client_id),
    FOREIGN KEY (subject, client_id) REFERENCES dossier_v6 (subject, client_id)
);
INSERT INTO outbox_v6 (subject, client_id, phase, state, request, procedure_name, queued_at, attempts, next_attempt_at)
    SELECT (SELECT subject FROM owner_at_upgrade), client_id, phase, state, request, procedure_name, queued_at,
           attempts, next_attempt_at
    FROM outbox;

CREATE TABLE supplement_draft_v6 (
    subject TEXT NOT NULL,
    code TEXT NOT NULL,
    data TEXT NOT NULL,
    based_on INTEGER NOT NULL,
    conflict INTEGER NOT NULL DEFAULT 0,
    saved_at TEXT NOT NULL,
    original TEXT,
    request TEXT,
    form TEXT,
    PRIMARY KEY (subject, code),
    FOREIGN KEY (subject, code) REFERENCES dossier_v6 (subject, code)
);
INSERT INTO supplement_draft_v6 (subject, code, data, based_on, conflict, saved_at, original, request, form)
    SELECT (SELECT subject FROM owner_at_upgrade), code, data, based_on, conflict, saved_at, original, request, form
    FROM supplement_draft;

CREATE TABLE supplement_outbox_v6 (
    client_id TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    code TEXT NOT NULL,
    phase TEXT NOT NULL CHECK (phase IN ('pending', 'needs_action', 'sent')),
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    retry_after INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (subject, code) REFERENCES dossier_v6 (subject, code)
);
INSERT INTO supplement_outbox_v6 (client_id, subject, code, phase, state, request, queued_at, attempts, next_attempt_at)
    SELECT client_id, (SELECT subject FROM owner_at_upgrade), code, phase, state, request, queued_at, attempts,
           next_attempt_at
    FROM supplement_outbox;

-- The old tables go children first, so dropping `dossier` finds nothing
-- referring to it; renaming rewrites the new tables' references.
DROP TABLE supplement_outbox;
DROP TABLE supplement_draft;
DROP TABLE outbox;
DROP TABLE dossier;
ALTER TABLE dossier_v6 RENAME TO dossier;
ALTER TABLE outbox_v6 RENAME TO outbox;
ALTER TABLE supplement_draft_v6 RENAME TO supplement_draft;
ALTER TABLE supplement_outbox_v6 RENAME TO supplement_outbox;

-- A person's profile's dossiers, newest first, and all of a person's.
CREATE INDEX dossier_by_profile ON dossier (subject, acting_as, updated_at);
CREATE INDEX dossier_by_updated ON dossier (subject, updated_at);
-- The sender's question, for the signed-in person: which items are due now.
CREATE INDEX outbox_due ON outbox (subject, phase, next_attempt_at);
CREATE INDEX outbox_by_queued_at ON outbox (subject, queued_at, client_id);
CREATE INDEX supplement_outbox_due ON supplement_outbox (subject, phase, next_attempt_at);
CREATE INDEX supplement_outbox_by_code ON supplement_outbox (subject, code, phase);
CREATE INDEX supplement_outbox_by_queued_at ON supplement_outbox (subject, queued_at, client_id);

-- Where each person's profile's changes feed was read up to.
CREATE TABLE sync_cursor_v6 (
    subject TEXT NOT NULL,
    acting_as TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    PRIMARY KEY (subject, acting_as)
);
INSERT INTO sync_cursor_v6 (subject, acting_as, cursor)
    SELECT (SELECT subject FROM owner_at_upgrade), acting_as, cursor FROM sync_cursor;
DROP TABLE sync_cursor;
ALTER TABLE sync_cursor_v6 RENAME TO sync_cursor;

-- The last detail the portal showed this person of a dossier.
CREATE TABLE dossier_detail_v6 (
    subject TEXT NOT NULL,
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (subject, code)
);
INSERT INTO dossier_detail_v6 (subject, code, body, fetched_at)
    SELECT (SELECT subject FROM owner_at_upgrade), code, body, fetched_at FROM dossier_detail;
DROP TABLE dossier_detail;
ALTER TABLE dossier_detail_v6 RENAME TO dossier_detail;

-- The names of each person's profiles (the business table).
CREATE TABLE profile_name_v6 (
    subject TEXT NOT NULL,
    acting_as TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (subject, acting_as)
);
INSERT INTO profile_name_v6 (subject, acting_as, name)
    SELECT (SELECT subject FROM owner_at_upgrade), acting_as, name FROM profile_name;
DROP TABLE profile_name;
ALTER TABLE profile_name_v6 RENAME TO profile_name;

-- Settings of one person are named after them (`profile:<subject>`,
-- `acting_as:<subject>`); `subject` is the person signed in on this device.
-- An acting profile nobody can be named for falls back to the person.
INSERT INTO setting (name, value)
    SELECT 'subject', json_quote(subject) FROM owner_at_upgrade WHERE subject <> '';
UPDATE setting SET name = name || ':' || (SELECT subject FROM owner_at_upgrade)
    WHERE name IN ('profile', 'acting_as') AND (SELECT subject FROM owner_at_upgrade) <> '';
DELETE FROM setting WHERE name IN ('profile', 'acting_as');

DROP TABLE owner_at_upgrade;
