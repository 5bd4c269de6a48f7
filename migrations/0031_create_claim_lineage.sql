-- Re-extraction (`claims reextract`): an article's claims are extracted again with the current
-- extractor. Claims stay immutable: the old ones are retired, the new ones inserted, and this table
-- says which new claim took over from which old one (same kind and span, or same figure in the same
-- sentence), so a reviewed conflict's status and history stay reachable from the new claims.
CREATE TABLE IF NOT EXISTS claim_lineage (
    old_id     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    new_id     bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    reason     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (old_id, new_id)
);
CREATE INDEX IF NOT EXISTS claim_lineage_new ON claim_lineage (new_id);

-- Which articles a resumed run still has to do: those extracted by another version.
CREATE INDEX IF NOT EXISTS articles_extractor_version ON articles (extractor_version, id);
