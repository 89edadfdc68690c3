-- Every status change of a dossier, in order: its timeline. Moves are judged
-- by the domain's lifecycle before they are written.
CREATE TABLE dossier_event (
    code TEXT NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    at BIGINT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (code, position)
);
