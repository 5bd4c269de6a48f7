-- Incremental feeds (`updated_since` on /v1/claims, /v1/conflicts, /v1/articles; claims/feed.py):
-- pages in (change time, id) order, read through the indexes below. Claims and articles never
-- change once stored, so their change time is `created_at`; a conflict's is `updated_at`, which until
-- now only the API's review set (a rematch changed severity and reason without it). The database
-- now stamps it on every insert and on every update that changes the row, whoever writes, with
-- the transaction's start time, which is what the feed's horizon reasons about.
-- Claims had no time of their own: stored from now on with their transaction's start, like
-- articles; claims stored before this migration take the time it ran (a constant default, so
-- adding the column rewrites nothing).
ALTER TABLE claims ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();

CREATE OR REPLACE FUNCTION conflicts_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR (to_jsonb(OLD) - 'updated_at') IS DISTINCT FROM (to_jsonb(NEW) - 'updated_at') THEN
        NEW.updated_at := now();
    ELSE
        NEW.updated_at := OLD.updated_at;
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS conflicts_touch ON conflicts;
CREATE TRIGGER conflicts_touch BEFORE INSERT OR UPDATE ON conflicts FOR EACH ROW EXECUTE FUNCTION conflicts_touch();

CREATE INDEX IF NOT EXISTS conflicts_updated_idx ON conflicts (updated_at, id);
CREATE INDEX IF NOT EXISTS claims_created_idx ON claims (created_at, id);
CREATE INDEX IF NOT EXISTS articles_created_idx ON articles (created_at, id);
