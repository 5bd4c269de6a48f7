-- A claim records what an article said when it was ingested: it never changes afterwards (a
-- correction is a new claim of a new article). Only `block`, the matcher's internal blocking key,
-- is recomputed by `claims rematch`. A source's name never changes either (the upsert keeps the
-- first spelling). The API keeps rendered conflicts keyed by the conflict row's version and relies
-- on these two promises for the claims and source names inside them (api/rendered.py), so the
-- database enforces them instead of a comment.
-- `search` is generated from the other columns (and not yet computed in a BEFORE trigger).
CREATE OR REPLACE FUNCTION claims_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(OLD) - 'block' - 'search') IS DISTINCT FROM (to_jsonb(NEW) - 'block' - 'search') THEN
        RAISE EXCEPTION 'claim % is immutable: only its matching block may be rewritten', OLD.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'store a correction as a new claim of a new article';
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS claims_immutable ON claims;
CREATE TRIGGER claims_immutable BEFORE UPDATE ON claims FOR EACH ROW EXECUTE FUNCTION claims_immutable();

CREATE OR REPLACE FUNCTION sources_name_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the name of source % is immutable', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

DROP TRIGGER IF EXISTS sources_name_immutable ON sources;
CREATE TRIGGER sources_name_immutable BEFORE UPDATE OF name ON sources FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION sources_name_immutable();
