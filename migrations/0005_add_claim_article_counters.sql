-- Maintained counters, so listing sources and articles does not count claims on every read
-- (with a million claims, counting a big outlet's claims took longer than the rest of the page).
-- Statement-level triggers with transition tables: one COPY of an article's claims is one
-- grouped UPDATE, whatever the number of rows. The source row is already locked by every ingest
-- (upsert_source), so the counter adds no new lock contention.
ALTER TABLE sources ADD COLUMN IF NOT EXISTS article_count bigint NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN IF NOT EXISTS claim_count bigint NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS claim_count integer NOT NULL DEFAULT 0;

UPDATE sources s SET article_count = x.n
FROM (SELECT source_id, count(*) AS n FROM articles GROUP BY source_id) x
WHERE x.source_id = s.id AND s.article_count <> x.n;
UPDATE sources s SET claim_count = x.n
FROM (SELECT source_id, count(*) AS n FROM claims GROUP BY source_id) x
WHERE x.source_id = s.id AND s.claim_count <> x.n;
UPDATE articles a SET claim_count = x.n
FROM (SELECT article_id, count(*) AS n FROM claims GROUP BY article_id) x
WHERE x.article_id = a.id AND a.claim_count <> x.n;

CREATE OR REPLACE FUNCTION claims_counters_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles a SET claim_count = a.claim_count + d.n
    FROM (SELECT article_id, count(*)::int AS n FROM counted_rows GROUP BY article_id) d
    WHERE a.id = d.article_id;
    UPDATE sources s SET claim_count = s.claim_count + d.n
    FROM (SELECT source_id, count(*) AS n FROM counted_rows GROUP BY source_id) d
    WHERE s.id = d.source_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION claims_counters_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles a SET claim_count = a.claim_count - d.n
    FROM (SELECT article_id, count(*)::int AS n FROM counted_rows GROUP BY article_id) d
    WHERE a.id = d.article_id;
    UPDATE sources s SET claim_count = s.claim_count - d.n
    FROM (SELECT source_id, count(*) AS n FROM counted_rows GROUP BY source_id) d
    WHERE s.id = d.source_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION articles_counters_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sources s SET article_count = s.article_count + d.n
    FROM (SELECT source_id, count(*) AS n FROM counted_rows GROUP BY source_id) d
    WHERE s.id = d.source_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION articles_counters_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sources s SET article_count = s.article_count - d.n
    FROM (SELECT source_id, count(*) AS n FROM counted_rows GROUP BY source_id) d
    WHERE s.id = d.source_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION counters_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'claims' THEN
        UPDATE articles SET claim_count = 0 WHERE claim_count <> 0;
        UPDATE sources SET claim_count = 0 WHERE claim_count <> 0;
    ELSE
        UPDATE sources SET article_count = 0 WHERE article_count <> 0;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS claims_counters_insert ON claims;
CREATE TRIGGER claims_counters_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS counted_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_counters_added();
DROP TRIGGER IF EXISTS claims_counters_delete ON claims;
CREATE TRIGGER claims_counters_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS counted_rows FOR EACH STATEMENT EXECUTE FUNCTION claims_counters_removed();
DROP TRIGGER IF EXISTS claims_counters_truncate ON claims;
CREATE TRIGGER claims_counters_truncate AFTER TRUNCATE ON claims
    FOR EACH STATEMENT EXECUTE FUNCTION counters_truncated();
DROP TRIGGER IF EXISTS articles_counters_insert ON articles;
CREATE TRIGGER articles_counters_insert AFTER INSERT ON articles
    REFERENCING NEW TABLE AS counted_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_counters_added();
DROP TRIGGER IF EXISTS articles_counters_delete ON articles;
CREATE TRIGGER articles_counters_delete AFTER DELETE ON articles
    REFERENCING OLD TABLE AS counted_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_counters_removed();
DROP TRIGGER IF EXISTS articles_counters_truncate ON articles;
CREATE TRIGGER articles_counters_truncate AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION counters_truncated();
