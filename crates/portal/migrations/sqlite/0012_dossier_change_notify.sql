-- Live events need no schema change on SQLite: one process owns the file, and
-- its poller reads new rows of `dossier_change` by cursor (see
-- src/events/publish_sqlite.rs). This file keeps the migration numbers of
-- both backends in step with PostgreSQL's trigger of the same number.
SELECT 1;
