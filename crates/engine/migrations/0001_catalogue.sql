-- The catalogue as last synced from the portal, so it can be searched and
-- read offline. Procedures are kept as the JSON documents the portal sent.
CREATE TABLE procedure (
    code TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
);

-- One row: the portal's catalogue version held locally (0 = never synced).
CREATE TABLE catalogue_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalogue_meta (id, version) VALUES (1, 0);
