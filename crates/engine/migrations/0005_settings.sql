-- Small named values the app remembers across restarts, as JSON: the profile
-- the app acts for (`acting_as`) and the signed-in person's profile as the
-- portal last described it (`profile`), so the session shows offline. Kept in
-- the encrypted store because a profile is personal data.
CREATE TABLE setting (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
