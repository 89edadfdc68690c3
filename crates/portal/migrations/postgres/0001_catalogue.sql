-- The schema of migrations/sqlite/0001_catalogue.sql in PostgreSQL's types:
-- integers the portal reads as i64 are BIGINT, everything else TEXT.

-- The procedure catalogue. A procedure is stored as its JSON document: the
-- portal serves it whole and the catalogue is small (thousands of rows).
CREATE TABLE procedure (
    code TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    changed_at_version BIGINT NOT NULL
);

-- One row: the catalogue version, bumped whenever any procedure changes.
CREATE TABLE catalogue_meta (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_meta (id, version) VALUES (1, 0);

-- Accounts that exist only on a portal started with --demo.
CREATE TABLE demo_identity (
    username TEXT PRIMARY KEY NOT NULL,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL
);
