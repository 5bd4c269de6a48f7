-- Near-duplicate articles (claims/duplicates.py): each article's MinHash signature, its LSH band
-- keys (one index lookup per band finds the likely originals) and the original it copies.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS minhash bigint[];
ALTER TABLE articles ADD COLUMN IF NOT EXISTS near_duplicate_of bigint REFERENCES articles (id) ON DELETE SET NULL;

CREATE TABLE IF NOT EXISTS article_bands (
    band bigint NOT NULL,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE INDEX IF NOT EXISTS article_bands_article_idx ON article_bands (article_id);
