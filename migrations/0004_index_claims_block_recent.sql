-- Matching fetches the most recent claims of a block: (block, id) serves ORDER BY id DESC LIMIT n.
CREATE INDEX IF NOT EXISTS claims_block_recent_idx ON claims (block, id) WHERE block IS NOT NULL;
DROP INDEX IF EXISTS claims_block_idx;
