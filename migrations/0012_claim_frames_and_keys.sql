-- The frame of a claim (claims.models.Frame as JSON: measure class, entities, topic, places ...)
-- and its matching keys. A claim has several keys (`kind|dimension|entity` for each entity of its
-- story), so keys live in a table of their own; (key, claim_id) serves "the newest claims of this
-- key" as one index range scan per key, however large the archive.
ALTER TABLE claims ADD COLUMN IF NOT EXISTS frame jsonb;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS topic text[] NOT NULL DEFAULT '{}';

CREATE TABLE IF NOT EXISTS claim_keys (
    key text NOT NULL,
    claim_id bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    PRIMARY KEY (key, claim_id)
);
CREATE INDEX IF NOT EXISTS claim_keys_claim_idx ON claim_keys (claim_id);
