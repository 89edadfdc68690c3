-- The demo simulator (a portal started with --demo): the virtual clock's lead
-- over real time, one row, and the scenarios being played, each on one
-- dossier of the profile (owner) that started it. next_at is on the virtual
-- clock; it is NULL once a run finished or stopped.
CREATE TABLE demo_clock (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    ahead_seconds BIGINT NOT NULL
);

CREATE TABLE demo_run (
    id TEXT PRIMARY KEY NOT NULL,
    scenario TEXT NOT NULL,
    code TEXT NOT NULL REFERENCES dossier (code) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    acting_as TEXT NOT NULL,
    owner TEXT NOT NULL,
    next_step BIGINT NOT NULL,
    next_at BIGINT,
    state TEXT NOT NULL,
    note TEXT,
    started_at BIGINT NOT NULL
);
CREATE INDEX demo_run_due ON demo_run (state, next_at);
CREATE INDEX demo_run_owner ON demo_run (owner, started_at);
