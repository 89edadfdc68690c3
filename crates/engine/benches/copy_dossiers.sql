-- Copies real dossiers in a portal's SQLite database until one owner holds
-- many, each copy with its history and one change in the feed, as if each
-- had been filed:
-- filing 10,000 dossiers through the API takes most of an hour on the bench
-- machine. Shared by the `sync_pull` bench (G9, G10: through rusqlite) and
-- `cargo xtask bench G5` (through the sqlite3 command), so both seed alike.
--
-- The caller first fills a one-row temporary table with what to copy:
--   copy_plan (source_owner TEXT, owner TEXT, acting_as TEXT, total INTEGER)
-- Every dossier of `source_owner` is copied in turn (in filing order) until
-- `owner` holds `total`; a NULL `owner` or `acting_as` keeps the source's.
-- Each copy keeps its source's sizes: the last six characters of its code and
-- client id are numbered from 900,001, above any serial the portal has
-- issued, so no copy takes a real dossier's code.

CREATE TEMP TABLE copy_source AS
    SELECT * FROM dossier WHERE owner = (SELECT source_owner FROM copy_plan) ORDER BY submitted_at, code;

-- One row per copy to make, in order, with the dossier it copies.
CREATE TEMP TABLE copy_map AS
    WITH RECURSIVE n(i) AS (
        SELECT 1
        UNION ALL
        SELECT i + 1 FROM n
        WHERE i < (SELECT total FROM copy_plan)
            - (SELECT count(*) FROM dossier
               WHERE owner = coalesce((SELECT owner FROM copy_plan), (SELECT source_owner FROM copy_plan)))
    )
    SELECT n.i AS i, s.code AS source FROM n JOIN copy_source AS s
        ON s.rowid = (n.i - 1) % (SELECT count(*) FROM copy_source) + 1
    WHERE n.i <= (SELECT total FROM copy_plan)
        - (SELECT count(*) FROM dossier
           WHERE owner = coalesce((SELECT owner FROM copy_plan), (SELECT source_owner FROM copy_plan)))
    ORDER BY n.i;

-- The copies themselves: the rowid of copy `i` is `i`.
CREATE TEMP TABLE copy_row AS
    SELECT s.* FROM copy_map AS m JOIN copy_source AS s ON s.code = m.source ORDER BY m.i;

UPDATE copy_row SET
    code = substr(code, 1, length(code) - 6) || printf('%06d', 900000 + rowid),
    client_id = substr(client_id, 1, length(client_id) - 6) || printf('%06d', 900000 + rowid),
    owner = coalesce((SELECT owner FROM copy_plan), owner),
    acting_as = coalesce((SELECT acting_as FROM copy_plan), acting_as);

INSERT INTO dossier SELECT * FROM copy_row ORDER BY rowid;
INSERT INTO dossier_change (owner, code) SELECT owner, code FROM copy_row ORDER BY rowid;
-- Each copy's history too: the portal reads it for the legal clock (the due
-- date) of a dossier being processed.
INSERT INTO dossier_event (code, position, at, from_status, to_status, actor, note)
    SELECT c.code, e.position, e.at, e.from_status, e.to_status, e.actor, e.note
    FROM copy_map AS m JOIN copy_row AS c ON c.rowid = m.i JOIN dossier_event AS e ON e.code = m.source;

DROP TABLE copy_row;
DROP TABLE copy_map;
DROP TABLE copy_source;
DROP TABLE copy_plan;
