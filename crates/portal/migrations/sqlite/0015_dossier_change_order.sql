-- Nothing to do on SQLite: one writer at a time, so seq already grows in
-- commit order (PostgreSQL's migration of this number orders it per owner).
SELECT 1;
