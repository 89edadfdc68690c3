-- Live events: every new row of the changes feed is announced on the channel
-- `hoso_dossier_change` to every portal process listening on this database,
-- whichever code inserted it, so publication never depends on the call site.
-- NOTIFY is delivered at commit, and not at all on rollback.
--
-- The payload carries ids only (the cursor, the owning profile, the dossier
-- code), never personal data. PostgreSQL refuses payloads of 8000 bytes or
-- more, which would fail the insert itself; should the ids ever be that long,
-- the cursor alone is sent and listeners re-read the table instead.
CREATE FUNCTION hoso_notify_dossier_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payload TEXT := json_build_object('seq', NEW.seq, 'owner', NEW.owner, 'code', NEW.code)::text;
BEGIN
    IF octet_length(payload) >= 8000 THEN
        payload := json_build_object('seq', NEW.seq)::text;
    END IF;
    PERFORM pg_notify('hoso_dossier_change', payload);
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_change_notify AFTER INSERT ON dossier_change
    FOR EACH ROW EXECUTE FUNCTION hoso_notify_dossier_change();
