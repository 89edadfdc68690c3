-- The changes feed is read per owner from a cursor, so within one owner the
-- cursor (seq) must grow in commit order: otherwise a transaction that took
-- seq 10 but committed after the one that took seq 11 would be skipped for
-- good by a client that already read 11. The identity default hands out seq
-- at insert time, not at commit, so each insert first takes a lock on its
-- owner for the rest of its transaction and only then takes its seq. Two
-- writers for one owner thereby commit in seq order; different owners never
-- wait on each other. (The default's own value is simply skipped.)
CREATE FUNCTION hoso_order_dossier_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('dossier_change:' || NEW.owner));
    NEW.seq := nextval(pg_get_serial_sequence('dossier_change', 'seq'));
    RETURN NEW;
END
$$;

CREATE TRIGGER dossier_change_order BEFORE INSERT ON dossier_change
    FOR EACH ROW EXECUTE FUNCTION hoso_order_dossier_change();
