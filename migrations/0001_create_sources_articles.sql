-- Outlets and the articles they published. An article is stored once per content hash.
CREATE TABLE IF NOT EXISTS sources (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS sources_name_key ON sources (lower(name));

CREATE TABLE IF NOT EXISTS articles (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id          bigint NOT NULL REFERENCES sources (id),
    content_hash       text NOT NULL UNIQUE,
    title              text,
    url                text,
    author             text,
    published          text,            -- partial ISO date at the precision given
    published_from     date,            -- first day `published` covers (filters)
    published_to       date,            -- last day `published` covers
    text               text NOT NULL,   -- the cleaned text that claim offsets point into
    input_format       text NOT NULL CHECK (input_format IN ('text', 'html')),
    extractor_version  text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS articles_source_idx ON articles (source_id, id);
CREATE INDEX IF NOT EXISTS articles_published_idx ON articles (published_from, published_to);
